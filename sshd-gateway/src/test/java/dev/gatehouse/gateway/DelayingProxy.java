package dev.gatehouse.gateway;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;

/**
 * A TCP forwarder on a free loopback port that holds each new connection for a while before
 * joining it to the real server: a slow host, so tests can act while the gateway is still
 * connecting.
 */
final class DelayingProxy implements AutoCloseable {
  private final ServerSocket server;
  private final int targetPort;
  private final Duration delay;

  DelayingProxy(int targetPort, Duration delay) throws IOException {
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    this.targetPort = targetPort;
    this.delay = delay;
    Thread t = new Thread(this::acceptLoop, "delaying-proxy-" + port());
    t.setDaemon(true);
    t.start();
  }

  int port() {
    return server.getLocalPort();
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      try {
        Socket client = server.accept();
        Thread t = new Thread(() -> join(client), "delaying-proxy-conn");
        t.setDaemon(true);
        t.start();
      } catch (IOException e) {
        return;
      }
    }
  }

  private void join(Socket client) {
    try (client) {
      Thread.sleep(delay.toMillis());
      try (Socket upstream = new Socket(InetAddress.getLoopbackAddress(), targetPort)) {
        Thread down = new Thread(() -> copy(upstream, client), "delaying-proxy-down");
        down.setDaemon(true);
        down.start();
        copy(client, upstream);
        down.join();
      }
    } catch (IOException | InterruptedException e) {
      // Connection over.
    }
  }

  private static void copy(Socket from, Socket to) {
    byte[] buf = new byte[16384];
    try {
      InputStream in = from.getInputStream();
      OutputStream out = to.getOutputStream();
      for (int n; (n = in.read(buf)) > 0; ) {
        out.write(buf, 0, n);
      }
      to.shutdownOutput();
    } catch (IOException e) {
      // One side closed.
    }
  }

  @Override
  public void close() throws IOException {
    server.close();
  }
}
