package dev.gatehouse.gateway.postgres;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A hand-written extended-protocol client for batches pgJDBC never sends (an unnamed portal left
 * suspended while a named one runs, a portal executed twice in one batch). Messages are read back
 * as "T body", NULs shown as '|'. Public for the ITs that reach the proxy through {@code ssh -L}.
 */
public final class RawPgClient implements AutoCloseable {
  private final Socket socket;
  private final DataOutputStream out;
  private final DataInputStream in;
  private final ByteArrayOutputStream batch = new ByteArrayOutputStream();
  private final List<String> startup = new ArrayList<>();

  /**
   * Connects to 127.0.0.1:{@code port} as {@code user} (database app), answers a cleartext
   * password request with {@code password} and returns at the first ReadyForQuery.
   */
  public RawPgClient(int port, String user, String password) throws IOException {
    socket = new Socket("127.0.0.1", port);
    socket.setSoTimeout(60_000);
    out = new DataOutputStream(socket.getOutputStream());
    in = new DataInputStream(socket.getInputStream());
    byte[] params = ("user\0" + user + "\0database\0app\0\0").getBytes(StandardCharsets.UTF_8);
    out.writeInt(8 + params.length);
    out.writeInt(196608);
    out.write(params);
    out.flush();
    while (true) {
      int type = in.read();
      if (type < 0) {
        throw new EOFException();
      }
      byte[] body = in.readNBytes(in.readInt() - 4);
      startup.add(shown(type, body));
      if (type == 'R' && body.length >= 4 && body[3] == 3) { // cleartext password asked for
        byte[] p = (password + "\0").getBytes(StandardCharsets.UTF_8);
        out.writeByte('p');
        out.writeInt(4 + p.length);
        out.write(p);
        out.flush();
      } else if (type == 'E') {
        throw new IOException("startup refused: " + new String(body, StandardCharsets.UTF_8));
      } else if (type == 'Z') {
        return;
      }
    }
  }

  /** The connection itself: for a test that writes what this client would not. */
  public Socket socket() {
    return socket;
  }

  /** What the server answered to the startup, up to and with ReadyForQuery ("R ||||" is AuthenticationOk). */
  public List<String> startup() {
    return List.copyOf(startup);
  }

  public RawPgClient parse(String statement, String sql) throws IOException {
    return message('P', cstring(statement), cstring(sql), new byte[] {0, 0});
  }

  public RawPgClient bind(String portal, String statement) throws IOException {
    return message('B', cstring(portal), cstring(statement), new byte[] {0, 0, 0, 0, 0, 0});
  }

  public RawPgClient execute(String portal, int maxRows) throws IOException {
    return message('E', cstring(portal), new byte[] {(byte) (maxRows >>> 24), (byte) (maxRows >>> 16),
        (byte) (maxRows >>> 8), (byte) maxRows});
  }

  public RawPgClient query(String sql) throws IOException {
    return message('Q', cstring(sql));
  }

  /** Sends the batch ending in Sync and returns every message up to ReadyForQuery. */
  public List<String> sync() throws IOException {
    sendSync();
    return readUntilReady();
  }

  /**
   * Sends the batch ending in Sync and reads nothing: for answers that come in parts (a notice
   * while a statement is held), read with {@link #read()} and {@link #readUntilReady()}.
   */
  public void sendSync() throws IOException {
    message('S');
    flush();
  }

  /** Sends the batch (ending in a Query) and returns every message up to ReadyForQuery. */
  public List<String> send() throws IOException {
    flush();
    return readUntilReady();
  }

  /** The next message. */
  public String read() throws IOException {
    int type = in.read();
    if (type < 0) {
      throw new EOFException();
    }
    return shown(type, in.readNBytes(in.readInt() - 4));
  }

  /** Every message up to and with the next ReadyForQuery. */
  public List<String> readUntilReady() throws IOException {
    List<String> messages = new ArrayList<>();
    while (true) {
      String m = read();
      messages.add(m);
      if (m.startsWith("Z")) {
        return messages;
      }
    }
  }

  private void flush() throws IOException {
    out.write(batch.toByteArray());
    out.flush();
    batch.reset();
  }

  private RawPgClient message(char type, byte[]... parts) throws IOException {
    int len = 4;
    for (byte[] p : parts) {
      len += p.length;
    }
    DataOutputStream d = new DataOutputStream(batch);
    d.writeByte(type);
    d.writeInt(len);
    for (byte[] p : parts) {
      d.write(p);
    }
    return this;
  }

  private static String shown(int type, byte[] body) {
    return (char) type + " " + new String(body, StandardCharsets.UTF_8).replace('\0', '|');
  }

  private static byte[] cstring(String s) {
    return (s + "\0").getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
