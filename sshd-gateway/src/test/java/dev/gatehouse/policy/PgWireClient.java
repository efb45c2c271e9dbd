package dev.gatehouse.policy;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The least of a PostgreSQL v3 client: cleartext-password login and simple Query messages, each
 * text sent as ONE Query exactly as given (pgJDBC and psql split or rewrite statements themselves),
 * with every answer message kept, so a test sees how many statements the server ran.
 */
public final class PgWireClient implements AutoCloseable {
  /**
   * What the server answered to one Query message, up to its ReadyForQuery; {@code notices} are
   * the NoticeResponses as {@code SEVERITY: message} (with {@code debug_print_parse} and {@code
   * client_min_messages = log}, the parse trees).
   */
  public record Reply(List<String> completed, List<List<String>> columns, List<List<String>> rows, String errorCode,
      String errorMessage, boolean empty, List<String> notices) {
    /** Statements the server ran to completion (CommandComplete messages). */
    public int ran() {
      return completed.size();
    }

    public boolean failed() {
      return errorCode != null;
    }
  }

  private final Socket socket;
  private final DataInputStream in;
  private final DataOutputStream out;

  private PgWireClient(Socket socket) throws IOException {
    this.socket = socket;
    this.in = new DataInputStream(new BufferedInputStream(socket.getInputStream(), 1 << 16));
    this.out = new DataOutputStream(new BufferedOutputStream(socket.getOutputStream(), 1 << 16));
  }

  public static PgWireClient connect(int port, String user, String database, String password) throws IOException {
    Socket s = new Socket();
    s.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
    s.setSoTimeout(60_000);
    s.setTcpNoDelay(true);
    PgWireClient c = new PgWireClient(s);
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    DataOutputStream b = new DataOutputStream(body);
    b.writeInt(196608);
    for (String kv : List.of("user", user, "database", database, "client_encoding", "UTF8")) {
      b.write(kv.getBytes(StandardCharsets.UTF_8));
      b.write(0);
    }
    b.write(0);
    c.out.writeInt(body.size() + 4);
    body.writeTo(c.out);
    c.out.flush();
    while (true) {
      int type = c.in.readUnsignedByte();
      byte[] m = c.message();
      if (type == 'R') {
        int code = ((m[0] & 0xff) << 24) | ((m[1] & 0xff) << 16) | ((m[2] & 0xff) << 8) | (m[3] & 0xff);
        if (code == 3) {
          byte[] pw = (password + "\0").getBytes(StandardCharsets.UTF_8);
          c.out.writeByte('p');
          c.out.writeInt(pw.length + 4);
          c.out.write(pw);
          c.out.flush();
        } else if (code != 0) {
          throw new IOException("unsupported authentication request " + code);
        }
      } else if (type == 'E') {
        throw new IOException("login failed: " + fields(m));
      } else if (type == 'Z') {
        return c;
      }
    }
  }

  /** Sends each text as one Query message, all at once, and reads the replies in order. */
  public List<Reply> run(List<String> queries) throws IOException {
    for (String q : queries) {
      byte[] text = q.getBytes(StandardCharsets.UTF_8);
      out.writeByte('Q');
      out.writeInt(text.length + 5);
      out.write(text);
      out.writeByte(0);
    }
    out.flush();
    List<Reply> replies = new ArrayList<>(queries.size());
    for (int k = 0; k < queries.size(); k++) {
      replies.add(reply());
    }
    return replies;
  }

  private Reply reply() throws IOException {
    List<String> completed = new ArrayList<>();
    List<List<String>> columns = new ArrayList<>();
    List<List<String>> rows = new ArrayList<>();
    String code = null;
    String message = null;
    boolean empty = false;
    List<String> notices = new ArrayList<>();
    while (true) {
      int type = in.readUnsignedByte();
      byte[] m = message();
      switch (type) {
        case 'T' -> columns.add(rowDescription(m));
        case 'D' -> rows.add(dataRow(m));
        case 'C' -> completed.add(cstring(m, 0));
        case 'I' -> empty = true;
        case 'E' -> {
          code = field(m, 'C');
          message = field(m, 'M');
        }
        case 'N' -> notices.add(field(m, 'V') + ": " + field(m, 'M') + (field(m, 'D') == null ? "" : "\n" + field(m, 'D')));
        case 'Z' -> {
          return new Reply(completed, columns, rows, code, message, empty, notices);
        }
        default -> {} // parameter changes
      }
    }
  }

  private byte[] message() throws IOException {
    int len = in.readInt();
    byte[] m = new byte[len - 4];
    in.readFully(m);
    return m;
  }

  private static List<String> rowDescription(byte[] m) {
    int n = ((m[0] & 0xff) << 8) | (m[1] & 0xff);
    List<String> names = new ArrayList<>(n);
    int p = 2;
    for (int k = 0; k < n; k++) {
      String name = cstring(m, p);
      names.add(name);
      p += name.getBytes(StandardCharsets.UTF_8).length + 1 + 18;
    }
    return names;
  }

  private static List<String> dataRow(byte[] m) {
    int n = ((m[0] & 0xff) << 8) | (m[1] & 0xff);
    List<String> values = new ArrayList<>(n);
    int p = 2;
    for (int k = 0; k < n; k++) {
      int len = ((m[p] & 0xff) << 24) | ((m[p + 1] & 0xff) << 16) | ((m[p + 2] & 0xff) << 8) | (m[p + 3] & 0xff);
      p += 4;
      if (len < 0) {
        values.add(null);
      } else {
        values.add(new String(m, p, len, StandardCharsets.UTF_8));
        p += len;
      }
    }
    return values;
  }

  private static String cstring(byte[] m, int from) {
    int end = from;
    while (m[end] != 0) {
      end++;
    }
    return new String(m, from, end - from, StandardCharsets.UTF_8);
  }

  private static String field(byte[] m, char code) {
    int p = 0;
    while (p < m.length && m[p] != 0) {
      char c = (char) m[p];
      String v = cstring(m, p + 1);
      if (c == code) {
        return v;
      }
      p += 1 + v.getBytes(StandardCharsets.UTF_8).length + 1;
    }
    return null;
  }

  private static String fields(byte[] m) {
    return field(m, 'C') + " " + field(m, 'M');
  }

  @Override
  public void close() throws IOException {
    try {
      out.writeByte('X');
      out.writeInt(4);
      out.flush();
    } finally {
      socket.close();
    }
  }
}
