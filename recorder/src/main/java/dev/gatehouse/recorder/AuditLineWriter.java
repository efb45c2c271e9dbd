package dev.gatehouse.recorder;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.OutputStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;

/**
 * Writes audit lines straight from their values, the bytes and hash {@link AuditLog#lineBytes}
 * and {@link AuditLog#hashOf} give for the same line built as a tree: every allowed statement is a
 * line, and building an ObjectNode, copying it sorted and serialising both cost several times what
 * the line itself does. The tree path stays the definition (readers and verification use it); a
 * differential test holds the two equal byte for byte.
 *
 * <p>Both texts come from Jackson generators made by {@link AuditLog#JSON}, of the same kinds the
 * tree path's {@code writeValueAsBytes} (UTF-8: it writes a surrogate pair as two escapes) and
 * {@code writeValueAsString} (characters: it writes the pair as itself) use, so every escape is
 * Jackson's own. A value other than a string, int, long, boolean or null goes through {@code
 * valueToTree} as before, and is written from that tree.
 *
 * <p>Not thread-safe: one per {@link AuditLog}, used under its JVM lock.
 */
final class AuditLineWriter {
  private static final String[] HEAD = {"seq", "time", "code", "event"};

  private static final byte[] HASH_FIELD = "\"hash\":\"".getBytes(StandardCharsets.US_ASCII);

  private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

  private final MessageDigest sha = Recordings.newSha256();
  private final Bytes canonical = new Bytes(512);
  private final Chars text = new Chars(512);
  /**
   * One generator for each form, kept from line to line: making one (its context, its buffers)
   * cost about as much as writing a line. Each line is one root value; with no root separator
   * the bytes of each are those a fresh generator writes. Dropped after any failure, so that a
   * line cut off half way leaves nothing in them.
   */
  private JsonGenerator canonicalGen;
  private JsonGenerator textGen;
  /** The last hash returned, and its bytes: the next line's prev, as the digest takes it. */
  private String lastHash;
  private final byte[] lastHashBytes = new byte[64];
  /** The line's top-level names and values (nested ones as trees), in the order the line has them. */
  private String[] names = new String[16];
  private Object[] values = new Object[16];
  private int[] sorted = new int[16];
  /** Each field's bytes in the canonical form, by the line's order. */
  private int[] spanStart = new int[16];
  private int[] spanEnd = new int[16];
  /** Lines written in the same millisecond share one time text; formatting it is not cheap. */
  private Instant lastTime;
  private String lastTimeText;

  /** {@code time.toString()}, reusing the text of the previous line when the instant is the same. */
  String timeText(Instant time) {
    if (!time.equals(lastTime)) {
      lastTimeText = time.toString();
      lastTime = time;
    }
    return lastTimeText;
  }

  /**
   * Appends the line {@code {"seq":..,"time":..,"code":..,"event":..,<fields>,"prev":..,"hash":..}}
   * and its newline to {@code out}, and returns its hash.
   */
  String write(long seq, String time, String code, String event, Map<String, ?> fields, String prev, Bytes out)
      throws IOException {
    try {
      return writeLine(seq, time, code, event, fields, prev, out);
    } catch (IOException | RuntimeException e) {
      canonicalGen = null;
      textGen = null;
      lastHash = null;
      throw e;
    } finally {
      Arrays.fill(values, null); // no caller's values kept alive between groups
      canonical.shrink();
      text.shrink();
    }
  }

  private String writeLine(long seq, String time, String code, String event, Map<String, ?> fields, String prev,
      Bytes out) throws IOException {
    if (canonicalGen == null) {
      canonicalGen = AuditLog.JSON.createGenerator(canonical);
      canonicalGen.setRootValueSeparator(null);
      textGen = AuditLog.JSON.createGenerator(text);
      textGen.setRootValueSeparator(null);
    }
    int n = 0;
    ensure(fields.size() + HEAD.length + 1);
    names[n] = "seq";
    values[n++] = seq;
    names[n] = "time";
    values[n++] = time;
    names[n] = "code";
    values[n++] = code;
    names[n] = "event";
    values[n++] = event;
    for (Map.Entry<String, ?> f : fields.entrySet()) {
      names[n] = f.getKey();
      values[n++] = scalarOrTree(f.getValue());
    }
    names[n] = "prev";
    values[n++] = prev;

    // The canonical form: keys sorted (names are distinct: the reserved ones are refused in fields).
    for (int i = 0; i < n; i++) {
      int j = i;
      while (j > 0 && names[sorted[j - 1]].compareTo(names[i]) > 0) {
        sorted[j] = sorted[j - 1];
        j--;
      }
      sorted[j] = i;
    }
    canonical.reset();
    JsonGenerator g = canonicalGen;
    g.writeStartObject();
    boolean scalars = true;
    for (int k = 0; k < n; k++) {
      int i = sorted[k];
      // Where the field's "name":value starts and ends in the canonical bytes (after the comma).
      spanStart[i] = canonical.size + g.getOutputBuffered() + (k > 0 ? 1 : 0);
      g.writeFieldName(names[i]);
      writeValue(g, values[i], true);
      spanEnd[i] = canonical.size + g.getOutputBuffered();
      scalars &= !(values[i] instanceof JsonNode);
    }
    g.writeEndObject();
    g.flush();
    sha.reset();
    if (prev == lastHash) {
      sha.update(lastHashBytes);
    } else {
      sha.update(prev.getBytes(StandardCharsets.UTF_8));
    }
    sha.update(canonical.buf, 0, canonical.size);
    byte[] digest = sha.digest();
    for (int i = 0; i < digest.length; i++) { // lower-case hex, as Recordings.hex writes it
      lastHashBytes[2 * i] = HEX[(digest[i] >> 4) & 0xf];
      lastHashBytes[2 * i + 1] = HEX[digest[i] & 0xf];
    }
    String hash = new String(lastHashBytes, StandardCharsets.ISO_8859_1);
    lastHash = hash;

    if (scalars && canonical.plainAscii()) {
      // The common line: the text form is the canonical fields in the line's own order. Both of
      // Jackson's generators escape ASCII alike, and a value is a tree (which the canonical form
      // sorts within) nowhere; printable ASCII is what VisibleText leaves as it is. Not when the
      // canonical bytes hold a backslash-u escape: that may be a surrogate, which the text form writes as
      // itself (then VisibleText's escape, or UTF-8).
      out.write('{');
      for (int i = 0; i < n; i++) {
        out.write(canonical.buf, spanStart[i], spanEnd[i] - spanStart[i]);
        out.write(',');
      }
      out.write(HASH_FIELD, 0, HASH_FIELD.length);
      out.write(lastHashBytes, 0, lastHashBytes.length);
      out.write('"');
      out.write('}');
      out.write('\n');
      return hash;
    }
    text.reset();
    g = textGen;
    g.writeStartObject();
    for (int i = 0; i < n; i++) {
      g.writeFieldName(names[i]);
      writeValue(g, values[i], false);
    }
    g.writeFieldName("hash");
    g.writeString(hash);
    g.writeEndObject();
    g.flush();
    if (!text.asciiTo(out)) {
      if (VisibleText.anyHidden(text)) {
        // Rare (an invisible character in a value): the tree path's own escaping, from a String.
        out.write(VisibleText.json(text.toString()).getBytes(StandardCharsets.UTF_8));
      } else {
        out.write(text.toString().getBytes(StandardCharsets.UTF_8));
      }
    }
    out.write('\n');
    return hash;
  }

  private void ensure(int n) {
    if (names.length < n) {
      names = new String[n];
      values = new Object[n];
      sorted = new int[n];
      spanStart = new int[n];
      spanEnd = new int[n];
    }
  }

  /** As {@code AuditLog.putField} stores a value: these five as themselves, anything else as its tree. */
  private static Object scalarOrTree(Object v) {
    if (v == null || v instanceof String || v instanceof Integer || v instanceof Long || v instanceof Boolean) {
      return v;
    }
    return AuditLog.JSON.valueToTree(v); // null when it is: ObjectNode.set(k, null) stores a null node
  }

  private static void writeValue(JsonGenerator g, Object v, boolean canonical) throws IOException {
    if (v == null) {
      g.writeNull();
    } else if (v instanceof String s) {
      g.writeString(s);
    } else if (v instanceof Integer i) {
      g.writeNumber(i.intValue());
    } else if (v instanceof Long l) {
      g.writeNumber(l.longValue());
    } else if (v instanceof Boolean b) {
      g.writeBoolean(b);
    } else {
      JsonNode t = (JsonNode) v;
      AuditLog.JSON.writeTree(g, canonical ? AuditLog.canonical(t, false) : t);
    }
  }

  /** A growable byte buffer, reused from line to line. */
  static final class Bytes extends OutputStream {
    byte[] buf;
    int size;

    Bytes(int capacity) {
      buf = new byte[capacity];
    }

    void reset() {
      size = 0;
    }

    private void grow(int need) {
      if (need > buf.length) {
        buf = Arrays.copyOf(buf, Math.max(need, buf.length * 2));
      }
    }

    /** After a very large group: not kept for the life of the log. */
    void shrink() {
      if (buf.length > 1 << 20) {
        buf = new byte[4096];
      }
      size = 0;
    }

    @Override
    public void write(int b) {
      grow(size + 1);
      buf[size++] = (byte) b;
    }

    /** Whether every byte is printable ASCII (0x20 to 0x7e) and no backslash is followed by a {@code u}. */
    boolean plainAscii() {
      for (int i = 0; i < size; i++) {
        byte b = buf[i];
        if (b < 0x20 || b > 0x7e || b == '\\' && i + 1 < size && buf[i + 1] == 'u') {
          return false;
        }
      }
      return true;
    }

    @Override
    public void write(byte[] b, int off, int len) {
      grow(size + len);
      System.arraycopy(b, off, buf, size, len);
      size += len;
    }
  }

  /** A growable character buffer, reused from line to line; read by {@link VisibleText#anyHidden}. */
  static final class Chars extends Writer implements CharSequence {
    private char[] buf;
    private int size;

    Chars(int capacity) {
      buf = new char[capacity];
    }

    void reset() {
      size = 0;
    }

    private void grow(int need) {
      if (need > buf.length) {
        buf = Arrays.copyOf(buf, Math.max(need, buf.length * 2));
      }
    }

    /** After a very long line: not kept for the life of the log. */
    void shrink() {
      if (buf.length > 1 << 20) {
        buf = new char[512];
      }
      size = 0;
    }

    @Override
    public void write(char[] c, int off, int len) {
      grow(size + len);
      System.arraycopy(c, off, buf, size, len);
      size += len;
    }

    @Override
    public void write(int c) {
      grow(size + 1);
      buf[size++] = (char) c;
    }

    @Override
    public void write(String s, int off, int len) {
      grow(size + len);
      s.getChars(off, off + len, buf, size);
      size += len;
    }

    /**
     * Appends the text when it is all printable ASCII (VisibleText hides none of it, and its UTF-8
     * is itself), in one pass; false, with nothing appended, otherwise.
     */
    boolean asciiTo(Bytes out) {
      out.grow(out.size + size);
      byte[] b = out.buf;
      int o = out.size;
      for (int i = 0; i < size; i++) {
        char c = buf[i];
        if (c < 0x20 || c > 0x7e) {
          return false;
        }
        b[o++] = (byte) c;
      }
      out.size = o;
      return true;
    }

    @Override
    public int length() {
      return size;
    }

    @Override
    public char charAt(int index) {
      return buf[index];
    }

    @Override
    public CharSequence subSequence(int start, int end) {
      return new String(buf, start, end - start);
    }

    @Override
    public String toString() {
      return new String(buf, 0, size);
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
  }
}
