package dev.gatehouse.gateway.postgres;

import dev.gatehouse.gateway.config.PostgresSettings;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A listener that runs one {@link PgProxySession} per accepted connection, each on its own
 * thread (plus the session's server→client thread): on TCP for tests, benches and {@code ssh -L},
 * on a Unix-domain socket for psql on the bastion. The socket file's permissions are the caller's
 * to set (the directory it lives in decides who may connect).
 */
public final class PgProxyServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(PgProxyServer.class);

  private final ServerSocketChannel server;
  private final Path socketPath;
  private final Set<SocketChannel> open = ConcurrentHashMap.newKeySet();
  private final java.util.Map<SocketChannel, PgProxySession> sessions = new ConcurrentHashMap<>();
  private final Thread acceptor;
  private volatile boolean closing;
  private volatile PgProxySession newestSession;

  private PgProxyServer(ServerSocketChannel server, Path socketPath, Config config) {
    this.server = server;
    this.socketPath = socketPath;
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
    return new PgProxyServer(ch, null, new Config(upstream, gate, masker, log, cancels));
  }

  /** Listens on a Unix-domain socket at {@code socket} (a stale file there is replaced). */
  public static PgProxyServer unix(
      Path socket,
      PostgresSettings upstream,
      StatementGate gate,
      ResultMasker masker,
      StatementLog log,
      CancelRegistry cancels)
      throws IOException {
    Files.deleteIfExists(socket);
    ServerSocketChannel ch = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    try {
      ch.bind(UnixDomainSocketAddress.of(socket), 16);
    } catch (IOException e) {
      ch.close();
      throw new IOException("cannot listen on " + socket + ": " + e.getMessage(), e);
    }
    return new PgProxyServer(ch, socket, new Config(upstream, gate, masker, log, cancels));
  }

  /** The TCP port listened on; -1 for a Unix-domain socket. */
  public int port() {
    try {
      return server.getLocalAddress() instanceof InetSocketAddress a ? a.getPort() : -1;
    } catch (IOException e) {
      return -1;
    }
  }

  /** The socket file of a Unix-domain listener, else null. */
  public Path socketPath() {
    return socketPath;
  }

  /**
   * The server's {@code standard_conforming_strings} as last reported to this listener's newest
   * client (at startup, and after a {@code SET}); empty before it has been reported. psql lexes
   * string literals by it, so the meta-command guard must too.
   */
  public Optional<Boolean> standardConformingStrings() {
    PgProxySession s = newestSession;
    return s == null ? Optional.empty() : Optional.ofNullable(s.standardConformingStrings);
  }

  private String describe() {
    return socketPath != null ? socketPath.getFileName().toString() : String.valueOf(port());
  }

  private void accept(Config c) {
    while (!closing) {
      SocketChannel ch;
      try {
        ch = server.accept();
      } catch (ClosedChannelException e) {
        return;
      } catch (IOException e) {
        if (!closing) {
          LOG.warn("pg proxy {}: accept failed: {}", describe(), e.toString());
          sleepBriefly();
        }
        continue;
      }
      try {
        if (socketPath == null) {
          ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
        }
        open.add(ch);
        PgProxySession session = new PgProxySession(
            new ChannelInput(ch), new ChannelOutput(ch), c.upstream(), c.gate(), c.masker(), c.log(), c.cancels());
        sessions.put(ch, session);
        newestSession = session;
        Thread t = new Thread(() -> {
          try {
            session.run();
          } finally {
            open.remove(ch);
            sessions.remove(ch);
            try {
              ch.close();
            } catch (IOException e) {
              // closed anyway
            }
          }
        }, session.name + "-client");
        t.setDaemon(true);
        t.start();
      } catch (IOException | RuntimeException | Error e) {
        LOG.error("pg proxy {}: cannot start a session", describe(), e);
        open.remove(ch);
        try {
          ch.close();
        } catch (IOException ignored) {
          // closed anyway
        }
      }
    }
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
    server.close();
    for (SocketChannel ch : open) {
      ch.close();
    }
    sessions.values().forEach(PgProxySession::shutdown); // also ends a statement held for approval
    if (socketPath != null) {
      Files.deleteIfExists(socketPath);
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
