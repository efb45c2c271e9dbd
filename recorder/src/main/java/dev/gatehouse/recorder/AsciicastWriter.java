package dev.gatehouse.recorder;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;

/**
 * asciicast v2 writer, one file per session.
 *
 * <p>Events are escaped by hand into one reusable buffer. Only whole lines ever reach the file: an
 * output event stays open (so bursts within {@link #COALESCE_NANOS} become one event) until another
 * event, a size limit or a flush closes it. Buffered lines are written out at least every {@link
 * #FLUSH_NANOS}: each call checks the age of the oldest buffered byte, and the shared {@link
 * Flusher} daemon covers idle sessions. The file is only fsynced on close: a killed JVM leaves the
 * written bytes in the page cache, which is the failure the 100 ms bound is about.
 *
 * <p>Any IOException is remembered and thrown from every later call: the caller ends the session.
 * Thread-safe.
 *
 * <p>Not {@code Closeable}: {@link #close()} returns the {@link ClosedRecording} (hash and size the
 * index and audit log need), and Java does not let a {@code close()} that returns a value implement
 * {@code Closeable}. Close it in a {@code finally}.
 */
public final class AsciicastWriter {
  /** Output calls closer together than this join the open event. */
  static final long COALESCE_NANOS = 2_000_000L;
  /** Buffered data older than this is written on the next call; the flusher ticks faster. */
  static final long FLUSH_NANOS = 50_000_000L;
  /** Past this much buffered data, write it now regardless of age. */
  private static final int WRITE_THRESHOLD = 512 * 1024;
  /**
   * A burst's recording is forced to disk in the background every this many bytes, so that the
   * force at close, which the session's end waits for, only has the tail left to write.
   */
  static final long BACKGROUND_FORCE_BYTES = 32L << 20;
  /** Input is escaped in slices so the worst-case expansion (6x) fits a bounded buffer. */
  private static final int SLICE = 64 * 1024;

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
  /** For bytes below 0x80: 0 = copy, 1 = short escape, 2 = \\u00XX. */
  private static final byte[] ESCAPE = new byte[128];

  static {
    for (int c = 0; c < 0x20; c++) {
      ESCAPE[c] = 2;
    }
    ESCAPE['"'] = 1;
    ESCAPE['\\'] = 1;
    ESCAPE['\n'] = 1;
    ESCAPE['\r'] = 1;
    ESCAPE['\t'] = 1;
    ESCAPE['\b'] = 1;
    ESCAPE['\f'] = 1;
    ESCAPE[0x7f] = 2;
  }

  private final Path file;
  private final FileChannel channel;
  private final long startNanos;
  private final ReentrantLock lock = new ReentrantLock();
  private final MessageDigest digest;
  /**
   * Output leaves NUL out: a terminal shows nothing for it (the output masker reads it the same
   * way), and as {@code \u0000} it cost six bytes of file, hash and disk each. Input keeps it: a
   * typed Ctrl-@ is a keystroke.
   */
  private final Utf8Escaper outputDecoder = new Utf8Escaper(true);
  private final Utf8Escaper inputDecoder = new Utf8Escaper(false);

  // Guarded by lock.
  /**
   * Starts small and grows under a burst (to WRITE_THRESHOLD + a few slices), then shrinks back
   * when the session has been quiet: hundreds of idle sessions must not each hold a megabyte.
   */
  private static final int INITIAL_BUFFER = 16 * 1024;
  private static final long SHRINK_AFTER_NANOS = 2_000_000_000L;
  private byte[] buf = new byte[INITIAL_BUFFER];
  private long lastActivity = System.nanoTime();
  private int len;
  /** 'o' or 'i' while an event line is open at the end of buf, else 0. */
  private byte openType;
  private long openNanos;
  /** nanoTime when buf first held unwritten data; meaningful when len > 0. */
  private long dirtySince;

  private long fileSize;
  /** fileSize when the last background force was asked for ({@link #writeBuffered}). */
  private long forceAskedAt;
  private volatile long outputBytes;
  private IOException failure;
  private ClosedRecording closed;

  /**
   * Creates the file (parent directories 0750, file 0640) and writes the header.
   *
   * @throws FileAlreadyExistsException if the file exists: recordings are never overwritten
   */
  public static AsciicastWriter create(Path file, RecordingHeader header) throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    Files.createDirectories(
        parent,
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-x---")));
    Set<PosixFilePermission> fileMode = PosixFilePermissions.fromString("rw-r-----");
    FileChannel ch =
        FileChannel.open(
            file,
            Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
            PosixFilePermissions.asFileAttribute(fileMode));
    try {
      // The umask may have narrowed the mode further; auditors' group read is part of the contract.
      Files.setPosixFilePermissions(file, fileMode);
      return new AsciicastWriter(file, ch, header);
    } catch (IOException | RuntimeException e) {
      ch.close();
      throw e;
    }
  }

  /** For tests that need to fail the channel under a live writer. */
  AsciicastWriter(Path file, FileChannel channel, RecordingHeader header) throws IOException {
    this.file = file;
    this.channel = channel;
    try {
      this.digest = MessageDigest.getInstance("SHA-256");
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 missing from this JVM", e);
    }
    this.startNanos = System.nanoTime();
    byte[] head = headerLine(header);
    System.arraycopy(head, 0, buf, 0, head.length);
    len = head.length;
    // The header goes out at once so even a writer killed right away leaves a playable file.
    writeBuffered();
    Flusher.INSTANCE.register(this);
  }

  private static byte[] headerLine(RecordingHeader h) throws IOException {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("version", 2);
    m.put("width", h.width());
    m.put("height", h.height());
    m.put("timestamp", h.start().getEpochSecond());
    if (h.term() != null) {
      m.put("env", Map.of("TERM", h.term()));
    }
    if (h.title() != null) {
      m.put("title", h.title());
    }
    Map<String, Object> g = new LinkedHashMap<>();
    g.put("sessionId", h.sessionId());
    putIfSet(g, "identity", h.identity());
    putIfSet(g, "target", h.target());
    putIfSet(g, "clientAddress", h.clientAddress());
    m.put("gatehouse", g);
    byte[] json = JSON.writeValueAsBytes(m);
    byte[] line = new byte[json.length + 1];
    System.arraycopy(json, 0, line, 0, json.length);
    line[json.length] = '\n';
    return line;
  }

  private static void putIfSet(Map<String, Object> m, String k, String v) {
    if (v != null) {
      m.put(k, v);
    }
  }

  public void output(byte[] b, int off, int len) throws IOException {
    data((byte) 'o', outputDecoder, b, off, len);
  }

  public void input(byte[] b, int off, int len) throws IOException {
    data((byte) 'i', inputDecoder, b, off, len);
  }

  public void resize(int cols, int rows) throws IOException {
    if (cols <= 0 || rows <= 0) {
      throw new IllegalArgumentException("terminal size must be positive, got " + cols + "x" + rows);
    }
    byte[] s = (cols + "x" + rows).getBytes(StandardCharsets.US_ASCII);
    single((byte) 'r', s);
  }

  public void marker(String label) throws IOException {
    single((byte) 'm', label.getBytes(StandardCharsets.UTF_8));
  }

  /** Output bytes seen, raw, before decoding and escaping. */
  /**
   * The recording so far as it is on disk: the size of the whole lines written to the file and the
   * SHA-256 of those bytes (the running hash the final one continues). Null once closed or failed.
   * A checkpoint in the audit log lets a recording cut by a crash be checked up to that size.
   */
  public RecordingCheckpoint checkpoint() {
    lock.lock();
    try {
      if (closed != null || failure != null) {
        return null;
      }
      try {
        MessageDigest copy = (MessageDigest) digest.clone();
        return new RecordingCheckpoint(fileSize, Recordings.hex(copy.digest()));
      } catch (CloneNotSupportedException e) {
        throw new IllegalStateException("this JVM's SHA-256 cannot be cloned", e);
      }
    } finally {
      lock.unlock();
    }
  }

  public long bytesWritten() {
    return outputBytes;
  }

  private void data(byte type, Utf8Escaper decoder, byte[] b, int off, int n) throws IOException {
    java.util.Objects.checkFromIndexSize(off, n, b.length);
    lock.lock();
    try {
      checkUsable();
      if (n == 0) {
        return;
      }
      long now = System.nanoTime();
      lastActivity = now;
      if (type == 'o') {
        outputBytes += n;
        if (!decoder.hasCarry() && allNul(b, off, n)) {
          return; // nothing a terminal shows, and no open UTF-8 sequence for it to cut
        }
      }
      int end = off + n;
      do {
        int slice = Math.min(SLICE, end - off);
        if (openType != type || now - openNanos > COALESCE_NANOS) {
          closeOpenEvent();
          openEvent(type, now);
        }
        ensure(slice * 6 + Utf8Escaper.SLACK);
        len = decoder.escape(b, off, slice, buf, len);
        off += slice;
        if (len >= WRITE_THRESHOLD) {
          // Big bursts: write now; the next slice opens a new event with the same time.
          closeOpenEvent();
          writeBuffered();
        }
      } while (off < end);
      writeIfDue(now);
    } catch (IOException e) {
      throw fail(e);
    } finally {
      lock.unlock();
    }
  }

  private void single(byte type, byte[] utf8) throws IOException {
    lock.lock();
    try {
      checkUsable();
      long now = System.nanoTime();
      closeOpenEvent();
      openEvent(type, now);
      ensure(utf8.length * 6 + Utf8Escaper.SLACK);
      len = new Utf8Escaper(false).escape(utf8, 0, utf8.length, buf, len);
      closeOpenEvent();
      writeIfDue(now);
    } catch (IOException e) {
      throw fail(e);
    } finally {
      lock.unlock();
    }
  }

  private static final byte[] ZEROS = new byte[SLICE];

  private static boolean allNul(byte[] b, int off, int n) {
    // Arrays.mismatch compares many bytes per instruction (a JIT intrinsic).
    for (int end = off + n; off < end; off += SLICE) {
      int k = Math.min(SLICE, end - off);
      if (java.util.Arrays.mismatch(b, off, off + k, ZEROS, 0, k) != -1) {
        return false;
      }
    }
    return true;
  }

  private void checkUsable() throws IOException {
    if (failure != null) {
      throw new IOException("recording " + file + " failed earlier: " + failure.getMessage(), failure);
    }
    if (closed != null) {
      throw new IllegalStateException("recording " + file + " is closed");
    }
  }

  private IOException fail(IOException e) {
    if (failure == null) {
      failure = e;
    }
    return e;
  }

  private void openEvent(byte type, long now) {
    if (len == 0) {
      dirtySince = now;
    }
    ensure(40);
    buf[len++] = '[';
    long micros = Math.max(0, (now - startNanos) / 1000);
    len = writeTime(micros, buf, len);
    buf[len++] = ',';
    buf[len++] = ' ';
    buf[len++] = '"';
    buf[len++] = type;
    buf[len++] = '"';
    buf[len++] = ',';
    buf[len++] = ' ';
    buf[len++] = '"';
    openType = type;
    openNanos = now;
  }

  private void closeOpenEvent() {
    if (openType != 0) {
      ensure(3);
      buf[len++] = '"';
      buf[len++] = ']';
      buf[len++] = '\n';
      openType = 0;
    }
  }

  /** seconds with six decimals, e.g. 12.000345 */
  static int writeTime(long micros, byte[] out, int p) {
    String secs = Long.toString(micros / 1_000_000);
    for (int i = 0; i < secs.length(); i++) {
      out[p++] = (byte) secs.charAt(i);
    }
    out[p++] = '.';
    long frac = micros % 1_000_000;
    for (int div = 100_000; div > 0; div /= 10) {
      out[p++] = (byte) ('0' + (frac / div) % 10);
    }
    return p;
  }

  private void ensure(int extra) {
    if (len + extra > buf.length) {
      buf = java.util.Arrays.copyOf(buf, Math.max(buf.length * 2, len + extra));
    }
  }

  private void writeIfDue(long now) throws IOException {
    if (len > 0 && now - dirtySince >= FLUSH_NANOS) {
      closeOpenEvent();
      writeBuffered();
    }
  }

  /** Writes every complete line in buf. Callers close the open event first when they want it out. */
  private void writeBuffered() throws IOException {
    int upTo = len;
    if (openType != 0) {
      // Never let half a JSON line reach the file: stop at the last newline.
      upTo = lastNewline() + 1;
    }
    if (upTo == 0) {
      return;
    }
    ByteBuffer bb = ByteBuffer.wrap(buf, 0, upTo);
    while (bb.hasRemaining()) {
      channel.write(bb);
    }
    digest.update(buf, 0, upTo);
    fileSize += upTo;
    if (fileSize - forceAskedAt >= BACKGROUND_FORCE_BYTES) {
      forceAskedAt = fileSize;
      Syncer.INSTANCE.force(channel);
    }
    System.arraycopy(buf, upTo, buf, 0, len - upTo);
    len -= upTo;
    dirtySince = System.nanoTime();
  }

  private int lastNewline() {
    for (int i = len - 1; i >= 0; i--) {
      if (buf[i] == '\n') {
        return i;
      }
    }
    return -1;
  }

  /** Called by the shared flusher: writes out whatever is buffered, unless a call is busy. */
  void flushFromBackground() {
    if (!lock.tryLock()) {
      return; // the busy call checks the age itself on its way out
    }
    try {
      if (failure == null && closed == null && len > 0) {
        closeOpenEvent();
        writeBuffered();
      }
      if (len == 0 && buf.length > INITIAL_BUFFER && System.nanoTime() - lastActivity > SHRINK_AFTER_NANOS) {
        buf = new byte[INITIAL_BUFFER];
      }
    } catch (IOException e) {
      fail(e);
    } finally {
      lock.unlock();
    }
  }

  boolean isClosed() {
    return closed != null;
  }

  /**
   * Flushes (an incomplete UTF-8 sequence left over becomes U+FFFD), fsyncs and closes. Returns the
   * SHA-256 and size of the bytes written. Idempotent: later calls return the same result. If an
   * earlier write failed, the channel is still closed and that failure is thrown.
   */
  public ClosedRecording close() throws IOException {
    lock.lock();
    try {
      if (closed != null) {
        return closed;
      }
      if (failure != null) {
        Flusher.INSTANCE.unregister(this);
        try {
          channel.close();
        } catch (IOException ignored) {
          // the first failure is the one the operator needs
        }
        throw new IOException("recording " + file + " failed earlier: " + failure.getMessage(), failure);
      }
      try {
        long now = System.nanoTime();
        if (outputDecoder.hasCarry()) {
          if (openType != 'o') {
            closeOpenEvent();
            openEvent((byte) 'o', now);
          }
          ensure(Utf8Escaper.SLACK);
          len = outputDecoder.finish(buf, len);
        }
        if (inputDecoder.hasCarry()) {
          closeOpenEvent();
          openEvent((byte) 'i', now);
          ensure(Utf8Escaper.SLACK);
          len = inputDecoder.finish(buf, len);
        }
        closeOpenEvent();
        writeBuffered();
        channel.force(true);
        channel.close();
      } catch (IOException e) {
        fail(e);
        try {
          channel.close();
        } catch (IOException ignored) {
          // keep the first failure
        }
        throw e;
      } finally {
        Flusher.INSTANCE.unregister(this);
      }
      closed = new ClosedRecording(file, Recordings.hex(digest.digest()), fileSize, outputBytes);
      return closed;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Decodes UTF-8 and escapes it for a JSON string in one pass. Valid sequences are copied as they
   * are; an invalid byte or truncated sequence becomes one U+FFFD (the "maximal subpart" rule Java
   * and browsers use); a sequence cut at the end of a call is carried to the next call. With
   * {@code dropNul} a NUL still ends an open sequence (it is a byte of the stream) but is not
   * written.
   *
   * <p>Runs of plain ASCII are copied in bulk. Everything else goes through a state machine whose
   * every step is table look-ups and two fixed-size stores, with no branch on the byte: binary
   * output (random bytes, half of them invalid UTF-8) made a branchy decoder mispredict on nearly
   * every byte, which held the recorder to well under 100 MB/s. The bytes of an open sequence are
   * written at once and taken back if it turns out invalid.
   */
  static final class Utf8Escaper {
    /** States: 0 ground; 1..7 inside a sequence, by the bytes still needed and the next byte's range. */
    private static final int STATES = 8;
    /**
     * Per (state, byte): bits 0-3 bytes written, bit 4 take back the open sequence first, bit 5
     * the open sequence continues (its length + 1), bit 6 a new sequence starts (length 1), bits
     * 8-10 the next state.
     */
    private static final int[] STEP_KEEP_NUL = new int[STATES * 256];
    private static final int[] STEP_DROP_NUL = new int[STATES * 256];
    /** The bytes written, first eight as a little-endian long, the ninth apart. */
    private static final long[] HEAD_KEEP_NUL = new long[STATES * 256];
    private static final long[] HEAD_DROP_NUL = new long[STATES * 256];
    private static final byte[] NINTH = new byte[STATES * 256];
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    /** Room a call may write past its 6 bytes per input byte: a carried sequence and the fixed-size stores. */
    static final int SLACK = 32;

    private static final byte[] REPLACEMENT = {(byte) 0xEF, (byte) 0xBF, (byte) 0xBD};

    /** Bytes still needed (1-3) and the range the next one must fall in, per state 1..7. */
    private static final int[] NEED = {0, 1, 2, 2, 2, 3, 3, 3};
    private static final int[] LO = {0, 0x80, 0x80, 0xA0, 0x80, 0x90, 0x80, 0x80};
    private static final int[] HI = {0, 0xBF, 0xBF, 0xBF, 0x9F, 0xBF, 0xBF, 0x8F};

    /** The state a lead byte opens, or 0 if it cannot start a sequence. */
    private static int opens(int x) {
      if (x >= 0xC2 && x <= 0xDF) {
        return 1;
      } else if (x == 0xE0) {
        return 3;
      } else if ((x >= 0xE1 && x <= 0xEC) || x == 0xEE || x == 0xEF) {
        return 2;
      } else if (x == 0xED) {
        return 4; // no UTF-16 surrogates
      } else if (x == 0xF0) {
        return 5;
      } else if (x >= 0xF1 && x <= 0xF3) {
        return 6;
      } else if (x == 0xF4) {
        return 7; // nothing above U+10FFFF
      }
      return 0;
    }

    /** What byte x writes in the ground state, and the state it leads to. */
    private static byte[] ground(int x, boolean dropNul) {
      if (x < 0x80) {
        if (x == 0 && dropNul) {
          return new byte[0];
        }
        if (ESCAPE[x] == 0) {
          return new byte[] {(byte) x};
        }
        if (ESCAPE[x] == 1) {
          return new byte[] {'\\', shortEscape(x)};
        }
        return new byte[] {'\\', 'u', '0', '0', HEX[x >> 4], HEX[x & 0xf]};
      }
      return opens(x) != 0 ? new byte[] {(byte) x} : REPLACEMENT.clone();
    }

    private static void build(int[] step, long[] head, boolean dropNul) {
      for (int state = 0; state < STATES; state++) {
        for (int x = 0; x < 256; x++) {
          byte[] out;
          int bits;
          int next;
          if (state != 0 && x >= LO[state] && x <= HI[state]) {
            out = new byte[] {(byte) x};
            next = NEED[state] == 1 ? 0 : (NEED[state] == 2 ? 1 : 2);
            bits = next == 0 ? 0 : 1 << 5;
          } else {
            byte[] g = ground(x, dropNul);
            next = x >= 0x80 ? opens(x) : 0;
            bits = next == 0 ? 0 : 1 << 6;
            if (state != 0) {
              // Truncated sequence: take its bytes back, one U+FFFD for it, then this byte afresh.
              out = new byte[REPLACEMENT.length + g.length];
              System.arraycopy(REPLACEMENT, 0, out, 0, REPLACEMENT.length);
              System.arraycopy(g, 0, out, REPLACEMENT.length, g.length);
              bits |= 1 << 4;
            } else {
              out = g;
            }
          }
          int i = state << 8 | x;
          step[i] = bits | out.length | next << 8;
          long h = 0;
          for (int k = 0; k < Math.min(8, out.length); k++) {
            h |= (out[k] & 0xffL) << (8 * k);
          }
          head[i] = h;
          if (out.length > 8) {
            NINTH[i] = out[8];
          }
        }
      }
    }

    // After every table it reads: static fields initialise in the order written.
    static {
      build(STEP_KEEP_NUL, HEAD_KEEP_NUL, false);
      build(STEP_DROP_NUL, HEAD_DROP_NUL, true);
    }

    private final int[] step;
    private final long[] head;
    private int state;
    /** The open sequence's bytes when a call ended inside it. */
    private final byte[] pending = new byte[4];
    private int pendingLen;

    Utf8Escaper(boolean dropNul) {
      this.step = dropNul ? STEP_DROP_NUL : STEP_KEEP_NUL;
      this.head = dropNul ? HEAD_DROP_NUL : HEAD_KEEP_NUL;
    }

    boolean hasCarry() {
      return pendingLen > 0;
    }

    /** Escapes src into out at p (caller ensured room for 6 bytes per input byte + {@link #SLACK}), returns the new end. */
    int escape(byte[] src, int off, int n, byte[] out, int p) {
      // State in locals: the JIT keeps them in registers through the hot loop.
      int end = off + n;
      int i = off;
      int state = this.state;
      int open = pendingLen;
      System.arraycopy(pending, 0, out, p, open);
      p += open;
      pendingLen = 0;
      byte[] esc = ESCAPE;
      int[] step = this.step;
      long[] head = this.head;
      byte[] ninth = NINTH;
      while (i < end) {
        if (state == 0) {
          // A run of plain ASCII needs no decoding, only a table look-up per byte.
          int run = i;
          while (run < end) {
            int c = src[run];
            if (c < 0 || esc[c] != 0) {
              break;
            }
            run++;
          }
          if (run > i) {
            System.arraycopy(src, i, out, p, run - i);
            p += run - i;
            i = run;
            if (i == end) {
              break;
            }
          }
          int c = src[i];
          if (c >= 0) {
            // An ASCII byte to escape (a line's end in text): its escape, then back to copying.
            LONGS.set(out, p, head[c]);
            out[p + 8] = ninth[c];
            p += step[c] & 0xf;
            i++;
            continue;
          }
        }
        // Then a stretch through the tables: binary output has few plain runs worth looking for.
        int stop = Math.min(end, i + 16);
        while (i < stop) {
          int k = state << 8 | (src[i++] & 0xff);
          int t = step[k];
          p -= open & -((t >> 4) & 1);
          LONGS.set(out, p, head[k]);
          out[p + 8] = ninth[k];
          p += t & 0xf;
          open = (open + 1) * ((t >> 5) & 1) + ((t >> 6) & 1);
          state = t >>> 8;
        }
      }
      if (state != 0) {
        // Carry the open sequence to the next call: it must not reach the file before it is judged.
        p -= open;
        System.arraycopy(out, p, pending, 0, open);
        pendingLen = open;
      }
      this.state = state;
      return p;
    }

    /** A sequence still open at the very end becomes U+FFFD. */
    int finish(byte[] out, int p) {
      if (pendingLen > 0) {
        System.arraycopy(REPLACEMENT, 0, out, p, REPLACEMENT.length);
        p += REPLACEMENT.length;
        pendingLen = 0;
        state = 0;
      }
      return p;
    }

    private static byte shortEscape(int x) {
      switch (x) {
        case '"':
          return '"';
        case '\\':
          return '\\';
        case '\n':
          return 'n';
        case '\r':
          return 'r';
        case '\t':
          return 't';
        case '\b':
          return 'b';
        default:
          return 'f';
      }
    }
  }
}
