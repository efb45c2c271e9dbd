package dev.gatehouse.gateway.postgres;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;

/** Protocol v3 framing: typed messages, their fields, and the few messages the proxy makes. */
final class Wire {
  /** The protocol's own limit on a message; a larger length is malformed. */
  static final int MAX_MESSAGE = 1 << 30;

  static final int MAX_STARTUP = 10_000;
  static final int SSL_REQUEST = 80877103;
  static final int GSSENC_REQUEST = 80877104;
  static final int CANCEL_REQUEST = 80877102;
  static final int PROTOCOL_3_0 = 196608;

  /**
   * Client encodings whose multi-byte characters can contain ASCII quote or backslash bytes: the
   * gate would read such SQL differently from the server, so they are refused.
   */
  /**
   * The client encodings in which every byte below 0x80 is the ASCII character and never part of a
   * multi-byte character: the judge's reading of quotes, backslashes and semicolons is then the
   * server's whatever else the text holds. Every other encoding is refused — SJIS, SHIFT_JIS_2004,
   * BIG5, GBK, UHC, GB18030 and JOHAB carry a 0x5C (backslash) or a quote byte inside characters,
   * and a name this list does not know is not trusted either. Names as PostgreSQL normalises them
   * (upper case, without '-' and '_').
   */
  static final Set<String> SAFE_ENCODINGS = Set.of(
      "UTF8", "UNICODE", "SQLASCII", "LATIN1", "LATIN2", "LATIN3", "LATIN4", "LATIN5", "LATIN6", "LATIN7",
      "LATIN8", "LATIN9", "LATIN10", "ISO88591", "ISO88592", "ISO88593", "ISO88594", "ISO88595", "ISO88596",
      "ISO88597", "ISO88598", "ISO88599", "ISO885910", "ISO885913", "ISO885914", "ISO885915", "ISO885916",
      "WIN1250", "WIN1251", "WIN1252", "WIN1253", "WIN1254", "WIN1255", "WIN1256", "WIN1257", "WIN1258",
      "WIN866", "WIN874", "WIN", "ALT", "KOI8", "KOI8R", "KOI8U", "EUCJP", "EUCJIS2004", "EUCCN", "EUCKR",
      "EUCTW", "MULEINTERNAL", "TCVN", "TCVN5712", "VSCII", "ABC", "WINDOWS1250", "WINDOWS1251",
      "WINDOWS1252", "WINDOWS1253", "WINDOWS1254", "WINDOWS1255", "WINDOWS1256", "WINDOWS1257",
      "WINDOWS1258", "WINDOWS866", "WINDOWS874", "CP866", "CP874", "CP1250", "CP1251", "CP1252",
      "CP1253", "CP1254", "CP1255", "CP1256", "CP1257", "CP1258");

  private Wire() {}

  record Message(byte type, byte[] body) {
    char kind() {
      return (char) (type & 0xff);
    }
  }

  /** The next message, or null at a clean end of stream before a type byte. */
  static Message read(InputStream in, String from) throws IOException {
    int type = in.read();
    if (type < 0) {
      return null;
    }
    int len = readInt(in);
    if (len < 4 || len > MAX_MESSAGE) {
      throw new ProtocolViolation(
          "invalid message length " + len + " for message type '" + printable(type) + "' from the " + from);
    }
    byte[] body = in.readNBytes(len - 4); // grows as bytes arrive: a lying length costs no memory
    if (body.length != len - 4) {
      throw new EOFException("the " + from + " closed the connection inside a message");
    }
    return new Message((byte) type, body);
  }

  static int readInt(InputStream in) throws IOException {
    int a = in.read();
    int b = in.read();
    int c = in.read();
    int d = in.read();
    if ((a | b | c | d) < 0) {
      throw new EOFException("connection closed");
    }
    return (a << 24) | (b << 16) | (c << 8) | d;
  }

  static String printable(int type) {
    return type >= 0x20 && type < 0x7f ? String.valueOf((char) type) : String.format("\\x%02x", type);
  }

  static void write(OutputStream out, char type, byte[] body) throws IOException {
    out.write(type);
    writeInt(out, body.length + 4);
    out.write(body);
  }

  static void writeInt(OutputStream out, int v) throws IOException {
    out.write(v >>> 24);
    out.write(v >>> 16);
    out.write(v >>> 8);
    out.write(v);
  }

  /** Builds a message body. */
  static final class Body {
    private final ByteArrayOutputStream b = new ByteArrayOutputStream(64);

    Body int8(int v) {
      b.write(v);
      return this;
    }

    Body int16(int v) {
      b.write(v >>> 8);
      b.write(v);
      return this;
    }

    Body int32(int v) {
      b.write(v >>> 24);
      b.write(v >>> 16);
      b.write(v >>> 8);
      b.write(v);
      return this;
    }

    Body cstring(String s, Charset cs) {
      b.writeBytes(s.getBytes(cs));
      b.write(0);
      return this;
    }

    Body bytes(byte[] v) {
      b.writeBytes(v);
      return this;
    }

    Body bytes(byte[] v, int off, int len) {
      b.write(v, off, len);
      return this;
    }

    byte[] build() {
      return b.toByteArray();
    }
  }

  /** Reads a message body's fields; a field past the end is a protocol violation. */
  static final class Fields {
    final byte[] b;
    int pos;

    Fields(byte[] b) {
      this.b = b;
    }

    int int8() throws ProtocolViolation {
      need(1);
      return b[pos++] & 0xff;
    }

    int int16() throws ProtocolViolation {
      need(2);
      int v = (short) (((b[pos] & 0xff) << 8) | (b[pos + 1] & 0xff));
      pos += 2;
      return v;
    }

    int int32() throws ProtocolViolation {
      need(4);
      int v = ((b[pos] & 0xff) << 24) | ((b[pos + 1] & 0xff) << 16) | ((b[pos + 2] & 0xff) << 8) | (b[pos + 3] & 0xff);
      pos += 4;
      return v;
    }

    String cstring(Charset cs) throws ProtocolViolation {
      int end = pos;
      while (end < b.length && b[end] != 0) {
        end++;
      }
      if (end == b.length) {
        throw new ProtocolViolation("unterminated string in message");
      }
      String s = new String(b, pos, end - pos, cs);
      pos = end + 1;
      return s;
    }

    void skip(int n) throws ProtocolViolation {
      need(n);
      pos += n;
    }

    boolean atEnd() {
      return pos == b.length;
    }

    void end() throws ProtocolViolation {
      if (pos != b.length) {
        throw new ProtocolViolation("message longer than its fields");
      }
    }

    private void need(int n) throws ProtocolViolation {
      if (n < 0 || pos + n > b.length) {
        throw new ProtocolViolation("message shorter than its fields");
      }
    }
  }

  /** ErrorResponse/NoticeResponse body: severity, SQLSTATE, message. */
  static byte[] error(String severity, String sqlState, String message) {
    return new Body()
        .int8('S').cstring(severity, StandardCharsets.UTF_8)
        .int8('V').cstring(severity, StandardCharsets.UTF_8)
        .int8('C').cstring(sqlState, StandardCharsets.UTF_8)
        .int8('M').cstring(message, StandardCharsets.UTF_8)
        .int8(0)
        .build();
  }

  static byte[] cstringBody(String s, Charset cs) {
    return new Body().cstring(s, cs).build();
  }

  /** The Java charset for a PostgreSQL client_encoding name (byte-preserving Latin-1 if unknown). */
  static Charset charset(String pgEncoding) {
    String e = pgEncoding == null ? "UTF8" : pgEncoding.toUpperCase(Locale.ROOT).replace("-", "").replace("_", "");
    switch (e) {
      case "UTF8":
      case "UNICODE":
      case "SQLASCII":
        return StandardCharsets.UTF_8;
      case "LATIN1":
      case "ISO88591":
        return StandardCharsets.ISO_8859_1;
      case "LATIN9":
      case "ISO885915":
        return Charset.forName("ISO-8859-15");
      case "WIN1252":
        return Charset.forName("windows-1252");
      case "WIN1251":
        return Charset.forName("windows-1251");
      case "KOI8R":
      case "KOI8":
        return Charset.forName("KOI8-R");
      case "EUCJP":
        return Charset.forName("EUC-JP");
      case "EUCKR":
        return Charset.forName("EUC-KR");
      default:
        try {
          return Charset.forName(pgEncoding);
        } catch (RuntimeException ex) {
          return StandardCharsets.ISO_8859_1;
        }
    }
  }

  /** Whether the judge cannot read text in this client encoding as the server does (see {@link #SAFE_ENCODINGS}). */
  static boolean unsafeEncoding(String pgEncoding) {
    return pgEncoding != null
        && !SAFE_ENCODINGS.contains(pgEncoding.toUpperCase(Locale.ROOT).replace("-", "").replace("_", ""));
  }
}
