package dev.gatehouse.gateway.mcp;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The smallest PostgreSQL v3 client the MCP server needs: a startup without TLS or password (the
 * gateway's own wire proxy answers it; the proxy alone holds the target's credentials), then one
 * simple Query with the caller's whole text, as {@code psql -c} sends it, so the proxy judges the
 * same text the same way.
 *
 * <p>What it keeps is bounded: at most {@code maxRows} rows and {@code maxBytes} of values and
 * notices; the rest is read and dropped ({@code truncated}). The last statement of a
 * multi-statement text that returned rows gives the columns and rows; {@code rowCount} is the
 * count its CommandComplete tag names (rows selected or changed). An error's or a notice's text is
 * read field by field and kept up to {@code maxBytes} too (PostgreSQL echoes the input it could
 * not read, whole): the rest of a field is read and dropped, never buffered.
 */
final class WireQueryClient {
  /** A message larger than this ends the call (the proxy never sends one this large for text). */
  private static final int MAX_MESSAGE = 1 << 30;

  /** The server's ErrorResponse fields the result shows. */
  record ServerError(String sqlState, String message) {}

  /** What one Query returned. */
  record Result(
      List<String> columns,
      List<List<String>> rows,
      long rowCount,
      boolean truncated,
      List<String> notices,
      ServerError error) {}

  private final DataInputStream in;
  private final OutputStream out;
  private final int maxRows;
  private final long maxBytes;

  WireQueryClient(InputStream in, OutputStream out, int maxRows, long maxBytes) {
    this.in = new DataInputStream(new java.io.BufferedInputStream(in, 65536));
    this.out = out;
    this.maxRows = maxRows;
    this.maxBytes = maxBytes;
  }

  /** Startup, the Query, Terminate. A FATAL before the query is an IOException with its text. */
  Result run(String database, String applicationName, String sql) throws IOException {
    startup(database, applicationName);
    ServerError fatal = awaitReady(null);
    if (fatal != null) {
      throw new IOException("the proxy refused the connection: " + fatal.message());
    }
    send('Q', cstring(sql));
    Result r = readResults();
    send('X', new byte[0]);
    return r;
  }

  private void startup(String database, String applicationName) throws IOException {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    writeInt(body, 196608); // protocol 3.0
    for (String s : new String[] {"user", "gatehouse", "database", database, "application_name", applicationName,
        "client_encoding", "UTF8"}) {
      body.write(cstring(s));
    }
    body.write(0);
    byte[] b = body.toByteArray();
    ByteArrayOutputStream msg = new ByteArrayOutputStream();
    writeInt(msg, b.length + 4);
    msg.write(b);
    out.write(msg.toByteArray());
    out.flush();
  }

  /** Reads to ReadyForQuery; returns the error seen on the way (a FATAL ends the stream). */
  private ServerError awaitReady(List<String> notices) throws IOException {
    ServerError error = null;
    while (true) {
      int type = in.read();
      if (type < 0) {
        if (error != null) {
          return error;
        }
        throw new EOFException("the proxy closed the connection");
      }
      int len = length();
      switch (type) {
        case 'R' -> {
          byte[] body = body(len);
          int code = ((body[0] & 0xff) << 24) | ((body[1] & 0xff) << 16) | ((body[2] & 0xff) << 8) | (body[3] & 0xff);
          if (code != 0) {
            throw new IOException("the proxy asked for authentication method " + code);
          }
        }
        case 'E' -> error = error(len);
        case 'N' -> {
          String m = message(len);
          if (notices != null) {
            notices.add(m);
          }
        }
        case 'Z' -> {
          skip(len);
          return error;
        }
        default -> skip(len);
      }
    }
  }

  private Result readResults() throws IOException {
    List<String> columns = List.of();
    List<List<String>> rows = new ArrayList<>();
    List<String> notices = new ArrayList<>();
    long rowCount = 0;
    long budget = maxBytes;
    boolean truncated = false;
    ServerError error = null;
    // A later statement's RowDescription replaces the earlier result (psql -c shows the last one).
    boolean freshResult = false;
    while (true) {
      int type = in.read();
      if (type < 0) {
        throw new EOFException("the proxy closed the connection before the query finished");
      }
      int len = length();
      switch (type) {
        case 'T' -> {
          byte[] body = body(len);
          columns = columns(body);
          rows = new ArrayList<>();
          budget = maxBytes;
          truncated = false;
          freshResult = true;
        }
        case 'D' -> {
          if (rows.size() >= maxRows || len > budget) {
            truncated = true;
            skip(len);
            continue;
          }
          byte[] body = body(len);
          rows.add(row(body));
          budget -= len;
        }
        case 'C' -> {
          String tag = field0(body(len));
          if (freshResult || columns.isEmpty()) {
            rowCount = count(tag);
          }
          freshResult = false;
        }
        case 'N' -> {
          String m = message(len);
          if (m != null && m.length() <= budget) {
            notices.add(m);
            budget -= m.length();
          } else {
            truncated = true;
          }
        }
        case 'E' -> error = error(len);
        case 'G' -> {
          // COPY FROM STDIN: there is no stdin here; end the copy so the server answers.
          skip(len);
          send('f', cstring("COPY FROM STDIN is not available through the MCP server"));
        }
        case 'Z' -> {
          skip(len);
          return new Result(columns, rows, rowCount, truncated, notices, error);
        }
        default -> skip(len); // ParameterStatus, CopyOut data, NotificationResponse, EmptyQuery...
      }
    }
  }

  private int length() throws IOException {
    int len = in.readInt() - 4;
    if (len < 0 || len > MAX_MESSAGE) {
      throw new IOException("a message of " + len + " bytes from the proxy");
    }
    return len;
  }

  private byte[] body(int len) throws IOException {
    byte[] b = new byte[len];
    in.readFully(b);
    return b;
  }

  private void skip(long len) throws IOException {
    while (len > 0) {
      long n = in.skip(len);
      if (n <= 0) {
        if (in.read() < 0) {
          throw new EOFException("the proxy closed the connection");
        }
        n = 1;
      }
      len -= n;
    }
  }

  private void send(char type, byte[] body) throws IOException {
    ByteArrayOutputStream msg = new ByteArrayOutputStream(body.length + 5);
    msg.write(type);
    writeInt(msg, body.length + 4);
    msg.write(body);
    out.write(msg.toByteArray());
    out.flush();
  }

  private static List<String> columns(byte[] b) {
    int n = ((b[0] & 0xff) << 8) | (b[1] & 0xff);
    List<String> names = new ArrayList<>(n);
    int at = 2;
    for (int i = 0; i < n; i++) {
      int end = at;
      while (b[end] != 0) {
        end++;
      }
      names.add(new String(b, at, end - at, StandardCharsets.UTF_8));
      at = end + 1 + 18; // table oid, attnum, type oid, typlen, typmod, format
    }
    return names;
  }

  private static List<String> row(byte[] b) {
    int n = ((b[0] & 0xff) << 8) | (b[1] & 0xff);
    List<String> values = new ArrayList<>(n);
    int at = 2;
    for (int i = 0; i < n; i++) {
      int len = ((b[at] & 0xff) << 24) | ((b[at + 1] & 0xff) << 16) | ((b[at + 2] & 0xff) << 8) | (b[at + 3] & 0xff);
      at += 4;
      if (len < 0) {
        values.add(null);
      } else {
        values.add(new String(b, at, len, StandardCharsets.UTF_8));
        at += len;
      }
    }
    return values;
  }

  /** The count in a CommandComplete tag: its last word when numeric ("SELECT 3", "INSERT 0 2"). */
  static long count(String tag) {
    int sp = tag.lastIndexOf(' ');
    try {
      return sp < 0 ? 0 : Long.parseLong(tag.substring(sp + 1));
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  /** An ErrorResponse of {@code len} bytes: its SQLSTATE and its message, bounded. */
  private ServerError error(int len) throws IOException {
    String[] kept = fields(len, 'C', 'M');
    return new ServerError(kept[0], kept[1]);
  }

  /** A NoticeResponse's message, bounded. */
  private String message(int len) throws IOException {
    return fields(len, 'M')[0];
  }

  /**
   * Reads an ErrorResponse or NoticeResponse body of {@code len} bytes field by field and returns
   * the fields named by {@code codes} (null where absent), each at most {@code maxBytes} of UTF-8
   * with a {@code …(N bytes more)} marker when cut. What is not kept is read and dropped.
   */
  private String[] fields(int len, char... codes) throws IOException {
    int cap = (int) Math.min(maxBytes, Integer.MAX_VALUE - 64);
    String[] kept = new String[codes.length];
    ByteArrayOutputStream value = new ByteArrayOutputStream();
    while (len > 0) {
      int code = in.readUnsignedByte();
      len--;
      if (code == 0) {
        break;
      }
      int which = -1;
      for (int i = 0; i < codes.length; i++) {
        if (codes[i] == code) {
          which = i;
        }
      }
      value.reset();
      long dropped = 0;
      while (len > 0) {
        int c = in.readUnsignedByte();
        len--;
        if (c == 0) {
          break;
        }
        if (which >= 0 && value.size() < cap) {
          value.write(c);
        } else {
          dropped++;
        }
      }
      if (which >= 0) {
        kept[which] = TextLimit.cut(value.toString(StandardCharsets.UTF_8), dropped, cap);
      }
    }
    skip(len);
    return kept;
  }

  private static String field0(byte[] body) {
    int end = 0;
    while (end < body.length && body[end] != 0) {
      end++;
    }
    return new String(body, 0, end, StandardCharsets.UTF_8);
  }

  private static byte[] cstring(String s) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    byte[] z = new byte[b.length + 1];
    System.arraycopy(b, 0, z, 0, b.length);
    return z;
  }

  private static void writeInt(ByteArrayOutputStream o, int v) {
    o.write(v >>> 24);
    o.write(v >>> 16);
    o.write(v >>> 8);
    o.write(v);
  }
}
