package dev.gatehouse.recorder;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Pattern;

/**
 * Tamper-evident audit log: one JSON object per line, each carrying the hash of the line before.
 *
 * <p>A line is {@code {"seq":N,"time":...,"code":...,"event":...,<fields>,"prev":...,"hash":...}}.
 * {@code hash} is the SHA-256 (hex) of {@code prev} followed by the canonical JSON of the line
 * without {@code hash}: keys sorted at every level, no whitespace, UTF-8, as Jackson writes it.
 * Sorting means the hash does not depend on key order on disk, so any tool can recompute it.
 *
 * <p>Several processes append (the gateway and CLI commands). Each append holds an exclusive file
 * lock, reads the last line's seq and hash from the file itself, appends one line and fdatasyncs.
 * A group of lines may be appended without the fdatasync ({@link #appendAll(List, boolean)}): they
 * are in the file at once (a crash of this process loses none of them), and reach the disk with the
 * next {@link #sync}, the next forced append, or {@link #mark}, whichever comes first; until then a
 * power loss or kernel crash can lose them.
 * Within one JVM a per-file lock comes first, because file locks belong to the whole JVM (two
 * channels on one file would throw {@code OverlappingFileLockException}) and closing any channel
 * on the file may drop them.
 *
 * <p>Field values must never contain secrets (passwords, tokens, private keys, statement
 * parameters that policy masks): the log is readable by auditors and kept for years. Callers are
 * responsible for that; this class cannot tell.
 */
public final class AuditLog implements AutoCloseable {
  /**
   * Reads lines strictly: a key given twice is an error, not "the last one wins", so that no line
   * can carry a second value that other tools (a SIEM, jq) show while the hash covers only one.
   */
  static final ObjectMapper JSON = com.fasterxml.jackson.databind.json.JsonMapper.builder()
      .enable(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .build();
  static final Set<String> RESERVED = Set.of("seq", "time", "code", "event", "prev", "hash");
  private static final Pattern CODE = Pattern.compile("GH[0-9]{4}[IWE]");
  private static final Map<Path, ReentrantLock> JVM_LOCKS = new ConcurrentHashMap<>();
  /** No line the gateway writes comes near this; a longer one is not read whole. */
  static final int MAX_LINE_BYTES = 64 << 20;

  private final Path file;
  /** Reopened when an interrupt of a writing thread closed it (see {@link #enter}); under the JVM lock. */
  private FileChannel channel;
  /** Set by {@link #close}: the channel stays closed. */
  private boolean closed;
  private final ReentrantLock jvmLock;
  /**
   * The file's size right after this instance's last append, and the head it wrote (under the
   * locks): while the size is still that, no one else has appended, so the head need not be read
   * back and parsed from the file (a group commit per statement did that every time). Any other
   * writer, another instance or process, or a cut, changes the size and the head is read again.
   */
  private long writtenSize = -1;
  private ChainHead writtenHead;
  /** Lines appended without an fdatasync since the last one (under the JVM lock). */
  private boolean unsynced;
  /** The file's size at this instance's last fdatasync: what is known to be on disk. */
  private volatile long syncedSize;
  /** Writes each line's bytes and hash, with buffers kept from group to group (under the JVM lock). */
  private final AuditLineWriter lineWriter = new AuditLineWriter();
  /** A group's lines, written to the file at once (under the JVM lock). */
  private final AuditLineWriter.Bytes group = new AuditLineWriter.Bytes(4096);

  private AuditLog(Path file, FileChannel channel, ReentrantLock jvmLock) {
    this.file = file;
    this.channel = channel;
    this.jvmLock = jvmLock;
  }

  /**
   * Takes the JVM lock for this log's file I/O, with the calling thread's interrupt status cleared
   * (returned, for {@link #exit} to restore): NIO closes a channel for good when the thread using
   * it is interrupted, and a session thread left interrupted (a Ctrl-C a line editor turned into an
   * interrupt) closed the gateway's audit log, after which every audit write, every login's
   * included, failed. A channel an interrupt closed anyway (one that came during the I/O) is
   * opened again here, so only that one call fails.
   */
  private boolean enter() throws IOException {
    jvmLock.lock();
    boolean interrupted = Thread.interrupted();
    try {
      if (!closed && !channel.isOpen()) {
        channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
        writtenSize = -1; // read the head back from the file
      }
    } catch (IOException | RuntimeException e) {
      exit(interrupted);
      throw e;
    }
    return interrupted;
  }

  private void exit(boolean interrupted) {
    jvmLock.unlock();
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  /** Opens (creating directories 0750 and the file 0640 if needed) for appending. */
  public static AuditLog open(Path file) throws IOException {
    Path abs = file.toAbsolutePath().normalize();
    Files.createDirectories(
        abs.getParent(),
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-x---")));
    FileChannel ch;
    if (Files.exists(abs)) {
      ch = FileChannel.open(abs, StandardOpenOption.READ, StandardOpenOption.WRITE);
    } else {
      ch =
          FileChannel.open(
              abs,
              Set.of(StandardOpenOption.READ, StandardOpenOption.WRITE, StandardOpenOption.CREATE),
              PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-r-----")));
    }
    return new AuditLog(abs, ch, jvmLock(abs));
  }

  /** The in-process lock every writer and reader of {@code file} in this JVM takes (see the class comment). */
  static ReentrantLock jvmLock(Path file) throws IOException {
    return JVM_LOCKS.computeIfAbsent(file.toAbsolutePath().normalize().toRealPath(), k -> new ReentrantLock());
  }

  /** Appends with a code from {@link AuditCode}. */
  public AuditEntry append(AuditCode code, Map<String, ?> fields) throws IOException {
    return append(code.code(), code.event(), fields);
  }

  /**
   * Appends one line and forces it to disk before returning.
   *
   * @param fields extra fields; names must not clash with seq, time, code, event, prev, hash;
   *     values are anything Jackson writes (strings, numbers, booleans, lists, maps), never secrets
   */
  /** One line for {@link #appendAll}. */
  public record Pending(String code, String event, Map<String, ?> fields) {}

  /**
   * Appends several lines under one lock and one fdatasync (group commit): for high-rate events
   * such as every allowed SQL statement, where a disk flush per line would cap the gateway at a
   * few thousand statements a second. The chain is the same as line-by-line appends.
   */
  public void appendAll(List<Pending> lines) throws IOException {
    appendAll(lines, true);
  }

  /**
   * The same; with {@code sync} false the lines are written (in the file for every reader and safe
   * from a crash of this process) but not forced to disk: that is left to {@link #sync} (or to the
   * next forced append or {@link #mark}), so that lines recording what already happened can share
   * one fdatasync over a short interval.
   */
  public void appendAll(List<Pending> lines, boolean sync) throws IOException {
    if (lines.isEmpty()) {
      return;
    }
    for (Pending p : lines) {
      if (!CODE.matcher(p.code()).matches()) {
        throw new IllegalArgumentException("audit code must look like GH2000I, got '" + p.code() + "'");
      }
      for (String k : p.fields().keySet()) {
        if (RESERVED.contains(k)) {
          throw new IllegalArgumentException("audit field name '" + k + "' is reserved");
        }
      }
    }
    boolean interrupted = enter();
    try (FileLock ignored = channel.lock()) {
      long size = channel.size();
      ChainHead head = headAt(size);
      AuditLineWriter.Bytes out = group;
      out.reset();
      long seq = head.seq();
      String prev = head.hash();
      for (Pending p : lines) {
        String time = lineWriter.timeText(Instant.now().truncatedTo(ChronoUnit.MILLIS));
        prev = lineWriter.write(++seq, time, p.code(), p.event(), p.fields(), prev, out);
      }
      ByteBuffer bb = ByteBuffer.wrap(out.buf, 0, out.size);
      long pos = size;
      while (bb.hasRemaining()) {
        pos += channel.write(bb, pos);
      }
      out.shrink();
      if (sync) {
        channel.force(false);
        unsynced = false;
        syncedSize = pos;
      } else {
        unsynced = true;
      }
      writtenSize = pos;
      writtenHead = new ChainHead(seq, prev);
    } finally {
      exit(interrupted);
    }
  }

  public AuditEntry append(String code, String event, Map<String, ?> fields) throws IOException {
    if (!CODE.matcher(code).matches()) {
      throw new IllegalArgumentException("audit code must look like GH2000I, got '" + code + "'");
    }
    Objects.requireNonNull(event, "event");
    for (String k : fields.keySet()) {
      if (RESERVED.contains(k)) {
        throw new IllegalArgumentException("audit field name '" + k + "' is reserved");
      }
    }
    boolean interrupted = enter();
    try (FileLock ignored = channel.lock()) {
      long size = channel.size();
      ChainHead head = headAt(size);
      Instant time = Instant.now().truncatedTo(ChronoUnit.MILLIS);
      AuditLineWriter.Bytes out = group;
      out.reset();
      String hash = lineWriter.write(
          head.seq() + 1, lineWriter.timeText(time), code, event, fields, head.hash(), out);
      ByteBuffer bb = ByteBuffer.wrap(out.buf, 0, out.size);
      long pos = size;
      while (bb.hasRemaining()) {
        pos += channel.write(bb, pos);
      }
      out.shrink();
      // fdatasync: the line (and every line before it, also those appended without one) is on disk
      // before the action it records goes on.
      channel.force(false);
      unsynced = false;
      syncedSize = pos;
      writtenSize = pos;
      writtenHead = new ChainHead(head.seq() + 1, hash);
      return new AuditEntry(
          head.seq() + 1,
          time,
          code,
          event,
          Collections.unmodifiableMap(new LinkedHashMap<>(fields)),
          head.hash(),
          hash,
          size);
    } finally {
      exit(interrupted);
    }
  }

  /**
   * Forces the lines this instance appended without an fdatasync to disk; nothing to do when there
   * are none.
   */
  public void sync() throws IOException {
    boolean interrupted = enter();
    try {
      syncLocked();
    } finally {
      exit(interrupted);
    }
  }

  /** Under the JVM lock: every write to the file in this JVM is under it, so the size is what is forced. */
  private void syncLocked() throws IOException {
    if (unsynced) {
      long size = channel.size();
      channel.force(false);
      unsynced = false;
      syncedSize = size;
    }
  }

  /**
   * The file's size at this instance's last fdatasync (0 before the first): the bytes known to be
   * on disk. Lines past it are in the file but may not survive a power loss yet.
   */
  public long syncedSize() {
    return syncedSize;
  }

  /** seq and hash of the last line, read from the file (another process may have appended). */
  public ChainHead head() throws IOException {
    return mark().head();
  }

  /**
   * Where the last line starts, and its seq and hash: what the gateway logs to the journal, and
   * checks again later with {@link #breach}. An empty log gives offset -1 and the genesis head.
   */
  public record Mark(long offset, ChainHead head) {}

  /**
   * The last line's {@link Mark}, read under a shared lock. Lines this instance appended without an
   * fdatasync are forced first: a mark goes to the journal, and a head logged there must not name a
   * line that a power loss can still take away.
   */
  public Mark mark() throws IOException {
    boolean interrupted = enter();
    try (FileLock ignored = channel.lock(0, Long.MAX_VALUE, true)) {
      syncLocked();
      return readLast(channel.size());
    } finally {
      exit(interrupted);
    }
  }

  /**
   * Whether the line {@code m} names is still in place, unchanged: a line starting at its offset
   * that carries its seq and hash and whose hash recomputes. Any rewrite of that line or of a line
   * before it (which changes every later hash, or shifts the offsets) breaks it, as does cutting
   * the file. Returns what differs, or null when the line holds.
   */
  public String breach(Mark m) throws IOException {
    if (m.offset() < 0) {
      return null; // an empty log was witnessed: nothing to hold
    }
    boolean interrupted = enter();
    try (FileLock ignored = channel.lock(0, Long.MAX_VALUE, true)) {
      return breachIn(channel, m);
    } finally {
      exit(interrupted);
    }
  }

  /** {@link #breach} on any open channel of an audit file (the web side opens its own, read-only). */
  static String breachIn(FileChannel ch, Mark m) throws IOException {
    String where = "line seq " + m.head().seq() + " (byte " + m.offset() + ")";
    if (m.offset() > 0) {
      ByteBuffer one = ByteBuffer.allocate(1);
      if (ch.read(one, m.offset() - 1) != 1 || one.get(0) != '\n') {
        return where + " no longer starts a line: the log was cut or rewritten";
      }
    }
    byte[] line = lineAt(ch, m.offset());
    if (line == null) {
      return where + " is gone: the log was cut";
    }
    AuditReader.Line read = AuditReader.parse(line, 0, line.length, -1, m.offset(),
        m.offset() + line.length < ch.size());
    JsonNode n = read.entry();
    if (n == null) {
      return where + " is no longer an audit entry";
    }
    if (read.problem() != null) {
      return where + ": " + read.problem();
    }
    long seq = n.path("seq").asLong(-1);
    String hash = n.path("hash").asText("");
    if (seq != m.head().seq() || !hash.equals(m.head().hash())) {
      return where + " now reads seq " + seq + " hash " + hash + ", not hash " + m.head().hash();
    }
    if (!hashOf(n.path("prev").asText(), n).equals(hash)) {
      return where + " was edited: its hash no longer matches its contents";
    }
    return null;
  }

  /** The line starting at {@code offset} without its newline, or null at or past the end of the file. */
  static byte[] lineAt(FileChannel ch, long offset) throws IOException {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    ByteBuffer bb = ByteBuffer.allocate(8192);
    long pos = offset;
    while (true) {
      bb.clear();
      int n = ch.read(bb, pos);
      if (n <= 0) {
        return pos == offset ? null : out.toByteArray();
      }
      for (int i = 0; i < n; i++) {
        if (bb.get(i) == '\n') {
          out.write(bb.array(), 0, i);
          return out.toByteArray();
        }
      }
      out.write(bb.array(), 0, n);
      pos += n;
      if (out.size() > MAX_LINE_BYTES) {
        throw new IOException("audit line at byte " + offset + " is longer than " + MAX_LINE_BYTES + " bytes");
      }
    }
  }

  private ChainHead readHead(long size) throws IOException {
    return readLast(size).head();
  }

  /** The chain head of a file of {@code size} bytes, under the locks: see {@link #writtenSize}. */
  private ChainHead headAt(long size) throws IOException {
    if (size == writtenSize && writtenHead != null) {
      return writtenHead;
    }
    writtenSize = -1; // read from the file; set again once this instance has appended
    writtenHead = null;
    return readHead(size);
  }

  /**
   * A field as {@code valueToTree} would give it, scalars directly: the same JSON text and so the
   * same hash, without a round trip through a token buffer for every field of every line. The
   * tree form of a line that {@link AuditLineWriter} writes without building it (its differential
   * test builds lines with this).
   */
  static void putField(ObjectNode line, String key, Object value) {
    if (value == null) {
      line.putNull(key);
    } else if (value instanceof String v) {
      line.put(key, v);
    } else if (value instanceof Integer v) {
      line.put(key, v);
    } else if (value instanceof Long v) {
      line.put(key, v);
    } else if (value instanceof Boolean v) {
      line.put(key, v);
    } else {
      line.set(key, JSON.valueToTree(value));
    }
  }

  private Mark readLast(long size) throws IOException {
    if (size == 0) {
      return new Mark(-1, ChainHead.empty());
    }
    long lastNl = Recordings.lastNewline(channel, size);
    if (lastNl != size - 1) {
      // A torn line would make the next link point at garbage. Fail closed: an operator looks.
      throw new IOException(
          "audit log "
              + file
              + " ends with a partial line at byte "
              + (lastNl + 1)
              + "; refusing to append. Run `gatehouse sessions verify` and repair by hand");
    }
    long start = Recordings.lastNewline(channel, lastNl) + 1;
    ByteBuffer bb = ByteBuffer.allocate((int) (lastNl - start));
    while (bb.hasRemaining()) {
      channel.read(bb, start + bb.position());
    }
    // Read as every reader reads it; a line spelled otherwise still links (verify reports it).
    JsonNode n = AuditReader.parse(bb.array(), 0, bb.capacity(), -1, start, true).entry();
    if (n == null) {
      throw new IOException(
          "audit log " + file + ": last line (byte " + start + ") is not a valid audit entry");
    }
    return new Mark(start, new ChainHead(n.get("seq").asLong(), n.get("hash").asText()));
  }

  /**
   * A line as written: JSON escapes every control character in its strings, and {@link
   * VisibleText#json} every other character that would act on or hide from the terminal of someone
   * reading the file. The hash does not depend on it: it is taken over the canonical JSON of the
   * parsed values. Written from parsed values it gives the same bytes again, which is how {@link
   * AuditReader} tells a line as written from one spelled otherwise.
   */
  static byte[] lineBytes(JsonNode line) throws IOException {
    return (VisibleText.json(JSON.writeValueAsString(line)) + "\n").getBytes(StandardCharsets.UTF_8);
  }

  /** SHA-256 hex of prev + canonical JSON of the line without "hash". */
  static String hashOf(String prev, JsonNode lineWithoutHash) throws IOException {
    var md = Recordings.newSha256();
    md.update(prev.getBytes(StandardCharsets.UTF_8));
    md.update(JSON.writeValueAsBytes(canonical(lineWithoutHash, true)));
    return Recordings.hex(md.digest());
  }

  /** Sorted keys at every level; at the top level the "hash" field is left out. */
  static JsonNode canonical(JsonNode n, boolean top) {
    if (n.isObject()) {
      List<String> names = new ArrayList<>();
      for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
        names.add(it.next());
      }
      Collections.sort(names);
      ObjectNode out = JSON.createObjectNode();
      for (String k : names) {
        if (!(top && k.equals("hash"))) {
          out.set(k, canonical(n.get(k), false));
        }
      }
      return out;
    }
    if (n.isArray()) {
      var out = JSON.createArrayNode();
      n.forEach(e -> out.add(canonical(e, false)));
      return out;
    }
    return n;
  }

  @Override
  public void close() {
    // Under the JVM lock: closing a channel can release another instance's lock on the file.
    jvmLock.lock();
    closed = true;
    try {
      syncLocked(); // lines appended without an fdatasync: on disk before the file is let go
    } catch (IOException e) {
      // They are in the file all the same, left to the kernel's write-back.
    }
    try {
      channel.close();
    } catch (IOException e) {
      // Nothing is buffered here: every line is in the file.
    } finally {
      jvmLock.unlock();
    }
  }
}
