package dev.gatehouse.recorder;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The one reader of the audit log: {@code sessions verify}, the replay page's check, the start-up
 * repair and {@code sessions show} all see its lines through it, so none of them can read a line
 * differently from the others.
 *
 * <p>Lines end at '\n' only (a bare CR is JSON white space inside a line, not a line end); each is
 * parsed strictly ({@link AuditLog#JSON}) and must be byte for byte what the gateway writes for the
 * values it holds ({@link AuditLog#lineBytes}): its escapes, no white space, numbers as Jackson
 * writes them, the keys seq, time, code, event first and prev, hash last (the event's own fields
 * may come in any order between them, see {@link #asWritten}). The chain's hash covers the parsed values, not the
 * bytes, so without that rule a line could be spelled another way (a JSON escape in a string, white
 * space between fields, keys in another order) and keep its hash: a reader looking at bytes would
 * then see another line than one looking at values. A line spelled otherwise is a {@link
 * Line#problem}, as is one that does not parse or has no newline.
 */
public final class AuditReader implements AutoCloseable {
  private static final int BLOCK = 1 << 16;

  /**
   * One line of the log. {@code entry} is its parsed object (null when it is not an audit entry:
   * not JSON, not an object, no seq or hash); {@code problem} says what is wrong with its form,
   * null when it is exactly as the gateway writes it.
   *
   * @param number 1-based line number
   * @param offset where it starts in the file
   * @param length its length in bytes, without the newline
   */
  public record Line(long number, long offset, int length, JsonNode entry, String problem) {
    public long seq() {
      return entry == null ? -1 : entry.path("seq").asLong(-1);
    }

    public String event() {
      return entry == null ? "" : entry.path("event").asText("");
    }

    /** The session the line is about, or null. */
    public String sessionId() {
      return entry == null || !entry.hasNonNull("sessionId") ? null : entry.get("sessionId").asText();
    }
  }

  /** Gets each line in file order. */
  @FunctionalInterface
  public interface LineVisitor {
    void line(Line line) throws IOException;
  }

  private final FileChannel channel;
  private final ReentrantLock jvmLock;

  private AuditReader(FileChannel channel, ReentrantLock jvmLock) {
    this.channel = channel;
    this.jvmLock = jvmLock;
  }

  /** Opens the log read-only. */
  public static AuditReader open(Path file) throws IOException {
    FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
    try {
      return new AuditReader(ch, AuditLog.jvmLock(file));
    } catch (IOException | RuntimeException e) {
      ch.close();
      throw e;
    }
  }

  /** Every line of {@code file}, as {@link #forEach(long, long, long, LineVisitor)} reads them, up to {@link #completeSize}. */
  public static void forEach(Path file, LineVisitor visitor) throws IOException {
    try (AuditReader r = open(file)) {
      r.forEach(0, r.completeSize(), 1, visitor);
    }
  }

  /**
   * The file's size at a moment when no writer was appending (taken under the writers' locks,
   * briefly): every byte before it belongs to a line written whole, so a line there without its
   * newline was cut, not caught half written.
   */
  public long completeSize() throws IOException {
    jvmLock.lock();
    try (FileLock ignored = channel.lock(0, Long.MAX_VALUE, true)) {
      return channel.size();
    } finally {
      jvmLock.unlock();
    }
  }

  FileChannel channel() {
    return channel;
  }

  /**
   * Reads the lines in {@code [from, to)} ({@code from} at a line start), numbering them from
   * {@code firstNumber}. A last line without its newline is given with a problem.
   */
  public void forEach(long from, long to, long firstNumber, LineVisitor visitor) throws IOException {
    ByteBuffer buf = ByteBuffer.allocate(BLOCK);
    ByteArrayOutputStream longLine = new ByteArrayOutputStream(); // a line that spans blocks
    long number = firstNumber;
    long lineStart = from;
    long pos = from;
    while (pos < to) {
      buf.clear().limit((int) Math.min(BLOCK, to - pos));
      int n = channel.read(buf, pos);
      if (n <= 0) {
        throw new IOException("the audit log shrank while it was read (at byte " + pos + ")");
      }
      byte[] b = buf.array();
      int start = 0;
      for (int i = 0; i < n; i++) {
        if (b[i] != '\n') {
          continue;
        }
        if (longLine.size() == 0) {
          visitor.line(parse(b, start, i - start, number++, lineStart, true));
        } else {
          longLine.write(b, start, i - start);
          byte[] whole = longLine.toByteArray();
          longLine.reset();
          visitor.line(parse(whole, 0, whole.length, number++, lineStart, true));
        }
        start = i + 1;
        lineStart = pos + start;
      }
      longLine.write(b, start, n - start);
      if (longLine.size() > AuditLog.MAX_LINE_BYTES) {
        throw new IOException("audit line " + number + " (byte " + lineStart + ") is longer than "
            + AuditLog.MAX_LINE_BYTES + " bytes");
      }
      pos += n;
    }
    if (longLine.size() > 0) {
      byte[] rest = longLine.toByteArray();
      visitor.line(parse(rest, 0, rest.length, number, lineStart, false));
    }
  }

  /** The line starting at {@code offset}, or null at or past the end of the file. */
  public Line lineAt(long offset, long number) throws IOException {
    if (offset >= channel.size()) {
      return null;
    }
    byte[] b = AuditLog.lineAt(channel, offset);
    boolean terminated = offset + b.length < channel.size(); // lineAt stopped at a newline
    return parse(b, 0, b.length, number, offset, terminated);
  }

  /** Parses one line's bytes (without its newline). */
  static Line parse(byte[] b, int from, int len, long number, long offset, boolean terminated) {
    JsonNode n;
    try {
      n = AuditLog.JSON.readTree(b, from, len);
    } catch (IOException e) {
      n = null;
    }
    if (n == null || !n.isObject() || !n.path("seq").canConvertToLong() || !n.hasNonNull("hash")) {
      return new Line(number, offset, len, null,
          terminated ? "line does not parse as an entry" : "partial last line, cut off");
    }
    if (!terminated) {
      return new Line(number, offset, len, n, "no newline");
    }
    byte[] written;
    try {
      written = AuditLog.lineBytes(asWritten((ObjectNode) n));
    } catch (IOException e) {
      written = null;
    }
    // lineBytes ends with the newline; the line here does not.
    if (written == null || written.length != len + 1
        || !Arrays.equals(written, 0, len, b, from, from + len)) {
      return new Line(number, offset, len, n, "not written as the gateway writes its lines (the same values spelled"
          + " in other bytes: escapes, white space or key order): re-spelled by hand");
    }
    return new Line(number, offset, len, n, null);
  }

  /**
   * The line's values in the order the gateway writes its keys: seq, time, code, event, the event's
   * own fields, prev, hash. The event's fields keep the order they have in the line: the gateway
   * writes them in the order its caller gave them, which the values do not tell, and the hash is
   * defined over sorted keys, so their order changes nothing any reader sees.
   */
  private static ObjectNode asWritten(ObjectNode n) {
    ObjectNode out = AuditLog.JSON.createObjectNode();
    for (String k : HEAD) {
      if (n.has(k)) {
        out.set(k, n.get(k));
      }
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> f = it.next();
      if (!AuditLog.RESERVED.contains(f.getKey())) {
        out.set(f.getKey(), f.getValue());
      }
    }
    for (String k : TAIL) {
      if (n.has(k)) {
        out.set(k, n.get(k));
      }
    }
    return out;
  }

  private static final List<String> HEAD = List.of("seq", "time", "code", "event");
  private static final List<String> TAIL = List.of("prev", "hash");

  /** Closes under the writers' in-process lock: closing a channel can drop this process's file locks. */
  @Override
  public void close() throws IOException {
    jvmLock.lock();
    try {
      channel.close();
    } finally {
      jvmLock.unlock();
    }
  }
}
