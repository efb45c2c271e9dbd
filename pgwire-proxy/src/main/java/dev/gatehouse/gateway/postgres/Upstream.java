package dev.gatehouse.gateway.postgres;

import dev.gatehouse.gateway.config.PostgresSettings;
import dev.gatehouse.gateway.config.Secrets;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * One logged-in connection to the target database: TCP, TLS when the settings ask for it, and
 * SCRAM-SHA-256 (or md5, or cleartext) with the target's stored password.
 */
final class Upstream implements Closeable {
  final Socket socket;
  final Input in;
  final OutputStream out;
  /** ParameterStatus bodies as the server sent them at startup. */
  final List<byte[]> parameterStatus = new ArrayList<>();
  int pid;
  int secret;
  char transactionStatus = 'I';

  private Upstream(Socket socket) throws IOException {
    this.socket = socket;
    this.in = new Input(socket.getInputStream());
    this.out = new BufferedOutputStream(socket.getOutputStream(), 65536);
  }

  /** Connects and logs in; {@code parameters} are the client's allow-listed startup parameters. */
  static Upstream connect(PostgresSettings s, Map<String, String> parameters) throws UpstreamFailure {
    // The connect timeout bounds the whole login by closing the socket when it passes, not as the
    // socket's own timeout: a socket that ever had one stays in non-blocking mode in the JDK, and
    // each later read of the session would then take three system calls (read, poll, read) where a
    // blocking read takes one.
    Deadline deadline = new Deadline(s.connectTimeout());
    Socket socket = null;
    try {
      socket = open(s, deadline);
      Upstream up = new Upstream(socket);
      up.startup(s, parameters);
      if (!deadline.disarm()) {
        throw new SocketTimeoutException("login not done within " + s.connectTimeout().toMillis() + " ms");
      }
      return up;
    } catch (IOException e) {
      // Whatever the failure looked like ("closed during login", a socket error), a deadline that
      // fired is the cause: it closed the socket.
      boolean timedOut = !deadline.disarm() || e instanceof SocketTimeoutException;
      closeQuietly(socket);
      if (timedOut) {
        throw new UpstreamFailure("08001", "timed out talking to " + s.host() + ":" + s.port(), e);
      }
      throw failure(s, e);
    }
  }

  private static UpstreamFailure failure(PostgresSettings s, IOException e) {
    if (e instanceof UpstreamFailure u) {
      return u;
    }
    if (e instanceof SSLException) {
      return new UpstreamFailure("08001", "TLS to " + s.host() + ":" + s.port() + " failed: " + rootMessage(e), e);
    }
    return new UpstreamFailure("08001", "cannot reach " + s.host() + ":" + s.port() + ": " + rootMessage(e), e);
  }

  /**
   * TCP, then TLS if the settings ask for it; the socket has the connect timeout as read timeout
   * (for short exchanges such as a CancelRequest).
   */
  static Socket open(PostgresSettings s) throws IOException {
    return open(s, null);
  }

  /** As {@link #open(PostgresSettings)}, but a {@code deadline} (when given) bounds it instead of socket timeouts. */
  private static Socket open(PostgresSettings s, Deadline deadline) throws IOException {
    int timeout = (int) Math.min(Integer.MAX_VALUE, s.connectTimeout().toMillis());
    Socket plain = new Socket();
    try {
      plain.setTcpNoDelay(true);
      plain.setKeepAlive(true);
      if (deadline != null) {
        deadline.watch(plain);
        plain.connect(new InetSocketAddress(s.host(), s.port()));
      } else {
        plain.connect(new InetSocketAddress(s.host(), s.port()), timeout);
        plain.setSoTimeout(timeout);
      }
      if (PostgresSettings.TLS_DISABLE.equals(s.tls())) {
        return plain;
      }
      OutputStream o = plain.getOutputStream();
      Wire.writeInt(o, 8);
      Wire.writeInt(o, Wire.SSL_REQUEST);
      o.flush();
      // One byte, unbuffered: nothing the server sends before the handshake may be taken as data.
      int answer = plain.getInputStream().read();
      if (answer != 'S') {
        throw new UpstreamFailure(
            "08001",
            "the server at " + s.host() + ":" + s.port() + " does not accept TLS (tls: " + s.tls() + ")",
            null);
      }
      SSLSocket tls = (SSLSocket) context(s).getSocketFactory().createSocket(plain, s.host(), s.port(), true);
      SSLParameters p = tls.getSSLParameters();
      if (PostgresSettings.TLS_VERIFY_FULL.equals(s.tls())) {
        p.setEndpointIdentificationAlgorithm("HTTPS"); // the certificate must name the host
      }
      tls.setSSLParameters(p);
      tls.setUseClientMode(true);
      tls.startHandshake();
      return tls;
    } catch (IOException | RuntimeException e) {
      closeQuietly(plain);
      throw e;
    }
  }

  private static SSLContext context(PostgresSettings s) throws IOException {
    try {
      TrustManager[] trust;
      if (PostgresSettings.TLS_REQUIRE.equals(s.tls())) {
        trust = new TrustManager[] {new EncryptOnly()};
      } else if (s.rootCert() != null) {
        Path file = Path.of(s.rootCert().substring("file:".length()));
        KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
        ks.load(null, null);
        int n = 0;
        try (InputStream pem = new ByteArrayInputStream(Files.readAllBytes(file))) {
          for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(pem)) {
            ks.setCertificateEntry("ca" + n++, c);
          }
        } catch (IOException e) {
          throw new UpstreamFailure("08001", "postgres.rootCert: cannot read " + file + ": " + e.getMessage(), e);
        }
        if (n == 0) {
          throw new UpstreamFailure("08001", "postgres.rootCert: no certificate in " + file, null);
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        trust = tmf.getTrustManagers();
      } else {
        trust = null; // the JDK's trust store
      }
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(null, trust, null);
      return ctx;
    } catch (GeneralSecurityException e) {
      throw new UpstreamFailure("08001", "cannot set up TLS: " + e.getMessage(), e);
    }
  }

  private void startup(PostgresSettings s, Map<String, String> parameters) throws IOException {
    Wire.Body b = new Wire.Body().int32(Wire.PROTOCOL_3_0);
    b.cstring("user", StandardCharsets.UTF_8).cstring(s.user(), StandardCharsets.UTF_8);
    b.cstring("database", StandardCharsets.UTF_8).cstring(s.database(), StandardCharsets.UTF_8);
    for (Map.Entry<String, String> e : parameters.entrySet()) {
      b.cstring(e.getKey(), StandardCharsets.UTF_8).cstring(e.getValue(), StandardCharsets.UTF_8);
    }
    byte[] body = b.int8(0).build();
    Wire.writeInt(out, body.length + 4);
    out.write(body);
    out.flush();

    ScramClient scram = null;
    while (true) {
      Wire.Message m = Wire.read(in, "database server");
      if (m == null) {
        throw new UpstreamFailure("08006", "the server closed the connection during login", null);
      }
      Wire.Fields f = new Wire.Fields(m.body());
      switch (m.kind()) {
        case 'R' -> {
          int code = f.int32();
          switch (code) {
            case 0 -> {}
            case 3 -> send('p', new Wire.Body().bytes(password(s)).int8(0).build());
            case 5 -> {
              byte[] salt = Arrays.copyOfRange(m.body(), 4, 8);
              send('p', Wire.cstringBody(md5(password(s), s.user(), salt), StandardCharsets.UTF_8));
            }
            case 10 -> {
              List<String> mechanisms = new ArrayList<>();
              while (!f.atEnd()) {
                String mech = f.cstring(StandardCharsets.UTF_8);
                if (!mech.isEmpty()) {
                  mechanisms.add(mech);
                }
              }
              if (!mechanisms.contains("SCRAM-SHA-256")) {
                throw new UpstreamFailure("28000", "the server offers no SCRAM-SHA-256 (offers " + mechanisms + ")", null);
              }
              byte[] pw = password(s);
              CharBuffer chars = StandardCharsets.UTF_8.decode(ByteBuffer.wrap(pw));
              Arrays.fill(pw, (byte) 0);
              char[] pwChars = Arrays.copyOf(chars.array(), chars.limit());
              Arrays.fill(chars.array(), '\0');
              scram = new ScramClient(pwChars, "");
              Arrays.fill(pwChars, '\0');
              byte[] first = scram.clientFirst().getBytes(StandardCharsets.UTF_8);
              send('p', new Wire.Body().cstring("SCRAM-SHA-256", StandardCharsets.UTF_8).int32(first.length).bytes(first).build());
            }
            case 11 -> {
              if (scram == null) {
                throw new UpstreamFailure("08P01", "the server sent a SCRAM challenge out of turn", null);
              }
              String serverFirst = new String(m.body(), 4, m.body().length - 4, StandardCharsets.UTF_8);
              send('p', scram.clientFinal(serverFirst).getBytes(StandardCharsets.UTF_8));
            }
            case 12 -> {
              if (scram == null) {
                throw new UpstreamFailure("08P01", "the server sent a SCRAM result out of turn", null);
              }
              scram.verifyServerFinal(new String(m.body(), 4, m.body().length - 4, StandardCharsets.UTF_8));
            }
            default -> throw new UpstreamFailure(
                "28000", "the server asks for an authentication method the gateway does not speak (" + code + ")", null);
          }
        }
        case 'S' -> parameterStatus.add(m.body());
        case 'K' -> {
          pid = f.int32();
          secret = f.int32();
        }
        case 'N', 'v' -> {}
        case 'E' -> throw new UpstreamFailure(field(m.body(), 'C', "28000"), field(m.body(), 'M', "login refused"), null);
        case 'Z' -> {
          transactionStatus = (char) f.int8();
          return;
        }
        default -> throw new UpstreamFailure(
            "08P01", "unexpected message '" + m.kind() + "' from the server during login", null);
      }
    }
  }

  private static byte[] password(PostgresSettings s) throws UpstreamFailure {
    if (s.password() == null) {
      throw new UpstreamFailure("28000", "the server asks for a password and postgres.password is not set", null);
    }
    try {
      byte[] pw = Secrets.resolve(s.password(), "postgres.password");
      int n = pw.length;
      while (n > 0 && (pw[n - 1] == '\n' || pw[n - 1] == '\r')) {
        n--; // a password file usually ends with a newline
      }
      return n == pw.length ? pw : Arrays.copyOf(pw, n);
    } catch (IOException e) {
      throw new UpstreamFailure("28000", e.getMessage(), e);
    }
  }

  private static String md5(byte[] password, String user, byte[] salt) throws UpstreamFailure {
    try {
      MessageDigest md = MessageDigest.getInstance("MD5");
      md.update(password);
      md.update(user.getBytes(StandardCharsets.UTF_8));
      String inner = HexFormat.of().formatHex(md.digest());
      md.update(inner.getBytes(StandardCharsets.US_ASCII));
      md.update(salt);
      return "md5" + HexFormat.of().formatHex(md.digest());
    } catch (GeneralSecurityException e) {
      throw new UpstreamFailure("28000", "MD5 is not available: " + e.getMessage(), e);
    } finally {
      Arrays.fill(password, (byte) 0);
    }
  }

  private void send(char type, byte[] body) throws IOException {
    Wire.write(out, type, body);
    out.flush();
  }

  /** A field of an ErrorResponse body, or {@code fallback}. */
  static String field(byte[] errorBody, char code, String fallback) {
    int i = 0;
    while (i < errorBody.length && errorBody[i] != 0) {
      char c = (char) errorBody[i++];
      int end = i;
      while (end < errorBody.length && errorBody[end] != 0) {
        end++;
      }
      if (c == code) {
        return new String(errorBody, i, end - i, StandardCharsets.UTF_8);
      }
      i = end + 1;
    }
    return fallback;
  }

  static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
  }

  static void closeQuietly(Closeable c) {
    if (c != null) {
      try {
        c.close();
      } catch (IOException e) {
        // nothing more to do
      }
    }
  }

  @Override
  public void close() {
    closeQuietly(socket);
  }

  /** tls: require — encrypted, the certificate is not checked (as libpq's sslmode=require). */
  private static final class EncryptOnly implements X509TrustManager {
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }

  /**
   * The server's bytes, buffered. {@link #moreReady} asks the socket (an ioctl) only once the
   * buffer is empty: {@link BufferedInputStream#available} asks it on every call, and the answer
   * side calls it after every message.
   */
  static final class Input extends BufferedInputStream {
    Input(InputStream socket) {
      super(socket, 65536);
    }

    /** Whether bytes are buffered or already waiting at the socket (the reader's own thread only). */
    boolean moreReady() throws IOException {
      return count > pos || super.available() > 0;
    }

    /** Whether bytes are buffered (no system call; the reader's own thread only). */
    boolean buffered() {
      return count > pos;
    }
  }

  /**
   * Closes a socket when a login takes longer than its timeout; {@link #disarm} says whether it was
   * in time. Closing from another thread wakes a connect or read blocked on the socket.
   */
  static final class Deadline {
    private static final ScheduledThreadPoolExecutor TIMER = timer();
    private final ScheduledFuture<?> task;
    private final AtomicReference<Socket> socket = new AtomicReference<>();
    private final AtomicBoolean fired = new AtomicBoolean();

    Deadline(Duration timeout) {
      task = TIMER.schedule(() -> {
        if (fired.compareAndSet(false, true)) {
          closeQuietly(socket.get());
        }
      }, Math.max(1, timeout.toMillis()), TimeUnit.MILLISECONDS);
    }

    void watch(Socket s) {
      socket.set(s);
      if (fired.get()) {
        closeQuietly(s);
      }
    }

    /** Stops the timer; false when it had already fired (the socket is closed). */
    boolean disarm() {
      task.cancel(false);
      return fired.compareAndSet(false, true);
    }

    private static ScheduledThreadPoolExecutor timer() {
      ScheduledThreadPoolExecutor t = new ScheduledThreadPoolExecutor(1, r -> {
        Thread th = new Thread(r, "gh-pg-login-deadline");
        th.setDaemon(true);
        return th;
      });
      t.setRemoveOnCancelPolicy(true);
      return t;
    }
  }
}
