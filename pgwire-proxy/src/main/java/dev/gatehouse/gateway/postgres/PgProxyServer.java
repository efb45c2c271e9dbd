package dev.gatehouse.gateway.postgres;

import dev.gatehouse.gateway.config.PostgresSettings;
import dev.gatehouse.gateway.terminal.UnixListener;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A listener that runs one {@link PgProxySession} per accepted connection, each on its own
 * thread (plus the session's server→client thread): on TCP for tests, benches and {@code ssh -L},
 * on a Unix-domain socket for psql on the bastion. On the Unix socket every connection is first
 * checked against the caller's rule for the connecting process (its pid, uid and gid from the
 * kernel): a session's proxy serves only that session's own psql, whatever the socket file's
 * permissions and whoever learns its path.
 */
public final class PgProxyServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(PgProxyServer.class);

  /** One accepted connection, whatever the transport. */
  private interface Accepted {
    InputStream input();

    OutputStream output();

    /** Ends the connection now (blocked reads and writes return). */
    void shutdown();

    /** Frees it; once nothing uses the streams. */
    void close();
  }

  private final ServerSocketChannel tcp; // null on a Unix socket
  private final UnixListener unix; // null on TCP
  private final Predicate<UnixListener.Peer> peerAllowed;
  private final Set<Accepted> open = ConcurrentHashMap.newKeySet();
  private final java.util.Map<Accepted, PgProxySession> sessions = new ConcurrentHashMap<>();
  private final Thread acceptor;
  private volatile boolean closing;
  private volatile PgProxySession newestSession;

  private PgProxyServer(ServerSocketChannel tcp, UnixListener unix, Predicate<UnixListener.Peer> peerAllowed,
      Config config) {
    this.tcp = tcp;
    this.unix = unix;
    this.peerAllowed = peerAllowed;
    this.acceptor = new Thread(() -> accept(config), "pg-proxy-accept-" + describe());
    acceptor.setDaemon(true);
    acceptor.start();
  }

  private record Config(
      PostgresSettings upstream, StatementGate gate, ResultMasker masker, StatementLog log, CancelRegistry cancels) {}

  /** Listens on {@code bind} (port 0: a free port, see {@link #port()}). */
  public static PgProxyServer tcp(
      InetSocketAddress bind,
      PostgresSettings upstream,
      StatementGate gate,
      ResultMasker masker,
      StatementLog log,
      CancelRegistry cancels)
      throws IOException {
    ServerSocketChannel ch = ServerSocketChannel.open(StandardProtocolFamily.INET);
    try {
      ch.setOption(StandardSocketOptions.SO_REUSEADDR, true);
      ch.bind(bind, 128);
    } catch (IOException e) {
      ch.close();
      throw new IOException("cannot listen on " + bind + ": " + e.getMessage(), e);
    }
    return new PgProxyServer(ch, null, null, new Config(upstream, gate, masker, log, cancels));
  }

  /**
   * Listens on a Unix-domain socket at {@code socket} (a stale file there is replaced) and serves
   * only connections whose process {@code peerAllowed} accepts; others are closed unanswered and
   * logged.
   */
  public static PgProxyServer unix(
      Path socket,
      Predicate<UnixListener.Peer> peerAllowed,
      PostgresSettings upstream,
      StatementGate gate,
      ResultMasker masker,
      StatementLog log,
      CancelRegistry cancels)
      throws IOException {
    Files.deleteIfExists(socket);
    UnixListener listener = UnixListener.bind(socket, 16);
    return new PgProxyServer(null, listener, peerAllowed, new Config(upstream, gate, masker, log, cancels));
  }

  /** The TCP port listened on; -1 for a Unix-domain socket. */
  public int port() {
    try {
      return tcp != null && tcp.getLocalAddress() instanceof InetSocketAddress a ? a.getPort() : -1;
    } catch (IOException e) {
      return -1;
    }
  }

  /** The socket file of a Unix-domain listener, else null. */
  public Path socketPath() {
    return unix != null ? unix.path() : null;
  }

  /**
   * The server's {@code standard_conforming_strings} as last reported to this listener's newest
   * client (at startup, and after a {@code SET}); empty before it has been reported. psql lexes
   * string literals by it, so the meta-command guard must too.
   */
  public Optional<Boolean> standardConformingStrings() {
    PgProxySession s = newestSession;
    if (s == null) {
      return Optional.empty();
    }
    return switch (s.standardConformingStrings()) {
      case ON -> Optional.of(true);
      case OFF -> Optional.of(false);
      default -> Optional.empty();
    };
  }

  private String describe() {
    return unix != null ? unix.path().getFileName().toString() : String.valueOf(port());
  }

  private void accept(Config c) {
    while (!closing) {
      Accepted conn;
      try {
        conn = unix != null ? acceptUnix() : acceptTcp();
      } catch (ClosedChannelException e) {
        return;
      } catch (IOException e) {
        if (!closing) {
          LOG.warn("pg proxy {}: accept failed: {}", describe(), e.toString());
          sleepBriefly();
        }
        continue;
      }
      if (conn == null) {
        if (unix != null && closing) {
          return;
        }
        continue; // a refused peer
      }
      try {
        open.add(conn);
        PgProxySession session = new PgProxySession(
            conn.input(), conn.output(), c.upstream(), c.gate(), c.masker(), c.log(), c.cancels());
        sessions.put(conn, session);
        newestSession = session;
        Thread t = new Thread(() -> {
          try {
            session.run();
          } finally {
            open.remove(conn);
            sessions.remove(conn);
            conn.shutdown();
            conn.close();
          }
        }, session.name + "-client");
        t.setDaemon(true);
        t.start();
      } catch (RuntimeException | Error e) {
        LOG.error("pg proxy {}: cannot start a session", describe(), e);
        open.remove(conn);
        conn.shutdown();
        conn.close();
      }
    }
  }

  private Accepted acceptTcp() throws IOException {
    SocketChannel ch = tcp.accept();
    ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
    return new Accepted() {
      private final InputStream in = new ChannelInput(ch);
      private final OutputStream out = new ChannelOutput(ch);

      @Override
      public InputStream input() {
        return in;
      }

      @Override
      public OutputStream output() {
        return out;
      }

      @Override
      public void shutdown() {
        try {
          ch.close();
        } catch (IOException e) {
          // closed anyway
        }
      }

      @Override
      public void close() {
        shutdown();
      }
    };
  }

  /** The next connection whose process may use this proxy; null for a refused one or when closed. */
  private Accepted acceptUnix() throws IOException {
    UnixListener.Connection conn = unix.accept();
    if (conn == null) {
      return null;
    }
    UnixListener.Peer peer = conn.peer();
    boolean allowed;
    try {
      allowed = peerAllowed.test(peer);
    } catch (RuntimeException e) {
      LOG.warn("pg proxy {}: cannot check the connecting process {}: {}", describe(), peer, e.toString());
      allowed = false; // fail closed
    }
    if (!allowed) {
      LOG.warn("pg proxy {}: refused a connection from pid {} uid {}: not this session's psql",
          describe(), peer.pid(), peer.uid());
      conn.shutdown();
      conn.close();
      return null;
    }
    return new Accepted() {
      @Override
      public InputStream input() {
        return conn.input();
      }

      @Override
      public OutputStream output() {
        return conn.output();
      }

      @Override
      public void shutdown() {
        conn.shutdown();
      }

      @Override
      public void close() {
        conn.close();
      }
    };
  }

  private static void sleepBriefly() {
    try {
      Thread.sleep(100);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Stops listening and ends every session of this listener. */
  @Override
  public void close() throws IOException {
    closing = true;
    if (tcp != null) {
      tcp.close();
    } else {
      unix.close();
    }
    for (Accepted a : open) {
      a.shutdown();
    }
    sessions.values().forEach(PgProxySession::shutdown); // also ends a statement held for approval
    if (unix != null) {
      Files.deleteIfExists(unix.path());
    }
  }

  /**
   * Streams straight over a blocking channel. {@code Channels.newInputStream} would take the
   * channel's blocking lock for a read and so stall the other thread's writes.
   */
  private static final class ChannelInput extends InputStream {
    private final SocketChannel ch;

    ChannelInput(SocketChannel ch) {
      this.ch = ch;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      int n = read(one, 0, 1);
      return n <= 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (len == 0) {
        return 0;
      }
      return ch.read(ByteBuffer.wrap(b, off, len));
    }

    @Override
    public void close() throws IOException {
      ch.close();
    }
  }

  private static final class ChannelOutput extends OutputStream {
    private final SocketChannel ch;

    ChannelOutput(SocketChannel ch) {
      this.ch = ch;
    }

    @Override
    public void write(int b) throws IOException {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      ByteBuffer buf = ByteBuffer.wrap(b, off, len);
      while (buf.hasRemaining()) {
        ch.write(buf);
      }
    }

    @Override
    public void close() throws IOException {
      ch.close();
    }
  }
}
