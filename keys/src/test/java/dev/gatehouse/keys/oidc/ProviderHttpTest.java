package dev.gatehouse.keys.oidc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link ProviderHttp} against identity providers that misbehave on purpose, over real sockets: one
 * that trickles its answer, one that floods, one that never answers, one that redirects. The
 * bounds asserted are the deadline (1 s here) with generous margins for a loaded machine.
 */
class ProviderHttpTest {
  private final ProviderHttp http = new ProviderHttp(Duration.ofSeconds(1));
  private RawServer server;

  @AfterEach
  void stop() throws IOException {
    http.close();
    if (server != null) {
      server.close();
    }
  }

  @Test
  void anAnswerTrickledAByteAtATimeIsCutAtTheDeadlineAndItsConnectionClosed() throws Exception {
    CountDownLatch closed = new CountDownLatch(1);
    server = RawServer.start(s -> {
      readRequest(s);
      OutputStream out = s.getOutputStream();
      out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{")
          .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      try {
        while (true) {
          Thread.sleep(100);
          out.write(' ');
          out.flush();
        }
      } catch (IOException gone) {
        closed.countDown();
      }
    });
    long t0 = System.nanoTime();
    assertThatThrownBy(() -> ProviderHttp.await(http.get(server.url("/jwks"), 64 * 1024)))
        .isInstanceOf(HttpTimeoutException.class)
        .hasMessageContaining("gave no complete answer within 1000 ms");
    Duration took = Duration.ofNanos(System.nanoTime() - t0);
    assertThat(took).isBetween(Duration.ofMillis(900), Duration.ofSeconds(3));
    // Not just given up on: the connection is closed, so the provider's writes fail.
    assertThat(closed.await(5, TimeUnit.SECONDS)).isTrue();
  }

  @Test
  void anAnswerLargerThanTheCapIsCutOffWithoutReadingIt() throws Exception {
    AtomicLong written = new AtomicLong();
    CountDownLatch closed = new CountDownLatch(1);
    server = RawServer.start(s -> {
      readRequest(s);
      OutputStream out = s.getOutputStream();
      out.write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1073741824\r\n\r\n"
          .getBytes(StandardCharsets.US_ASCII));
      byte[] chunk = new byte[64 * 1024];
      java.util.Arrays.fill(chunk, (byte) '[');
      try {
        while (written.get() < (1L << 30)) {
          out.write(chunk);
          written.addAndGet(chunk.length);
        }
      } catch (IOException gone) {
        closed.countDown();
      }
    });
    assertThatThrownBy(() -> ProviderHttp.await(http.get(server.url("/jwks"), 64 * 1024)))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("answered more than 65536 bytes");
    assertThat(closed.await(5, TimeUnit.SECONDS)).isTrue();
    // What the provider got out before the close: the cap plus what socket buffers hold, not a gigabyte.
    assertThat(written.get()).isLessThan(32L << 20);
  }

  @Test
  void aChunkedAnswerWithoutALengthIsCappedToo() throws Exception {
    server = RawServer.start(s -> {
      readRequest(s);
      OutputStream out = s.getOutputStream();
      out.write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
          .getBytes(StandardCharsets.US_ASCII));
      byte[] chunk = ("4000\r\n" + "a".repeat(0x4000) + "\r\n").getBytes(StandardCharsets.US_ASCII);
      try {
        for (int i = 0; i < 10_000; i++) {
          out.write(chunk);
        }
      } catch (IOException gone) {
        // cut off, as expected
      }
    });
    assertThatThrownBy(() -> ProviderHttp.await(http.get(server.url("/token"), 64 * 1024)))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("answered more than 65536 bytes");
  }

  @Test
  void aProviderThatAcceptsButNeverAnswersTimesOutWithoutHoldingTheCaller() throws Exception {
    server = RawServer.start(s -> {
      readRequest(s);
      try {
        Thread.sleep(60_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    CompletableFuture<ProviderHttp.Answer> call = http.postForm(server.url("/device"), "client_id=x", 1024);
    // The call returned to its caller with the provider still silent.
    assertThat(call).isNotDone();
    assertThatThrownBy(() -> ProviderHttp.await(call)).isInstanceOf(HttpTimeoutException.class);
    assertThat(call).isCompletedExceptionally();
  }

  @Test
  void aRedirectIsAnAnswerAndIsNotFollowed() throws Exception {
    AtomicInteger followed = new AtomicInteger();
    server = RawServer.start(s -> {
      String request = readRequest(s);
      if (request.startsWith("GET /elsewhere")) {
        followed.incrementAndGet();
      }
      s.getOutputStream().write(("HTTP/1.1 302 Found\r\nLocation: /elsewhere\r\nContent-Length: 0\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      s.getOutputStream().flush();
    });
    ProviderHttp.Answer a = ProviderHttp.await(http.get(server.url("/.well-known/openid-configuration"), 1024));
    assertThat(a.status()).isEqualTo(302);
    assertThat(followed).hasValue(0);
  }

  /** The request line and headers (the request bodies here are small and ignored). */
  private static String readRequest(Socket s) throws IOException {
    InputStream in = s.getInputStream();
    StringBuilder head = new StringBuilder();
    int c;
    while ((c = in.read()) != -1) {
      head.append((char) c);
      if (head.length() >= 4 && head.substring(head.length() - 4).equals("\r\n\r\n")) {
        break;
      }
    }
    return head.toString();
  }

  interface Handler {
    void handle(Socket s) throws Exception;
  }

  /** A loopback TCP server that runs {@code handler} for each connection on a thread of its own. */
  static final class RawServer implements AutoCloseable {
    private final ServerSocket socket;

    private RawServer(ServerSocket socket) {
      this.socket = socket;
    }

    static RawServer start(Handler handler) throws IOException {
      ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
      Thread acceptor = new Thread(() -> {
        while (!socket.isClosed()) {
          try {
            Socket s = socket.accept();
            Thread t = new Thread(() -> {
              try (s) {
                handler.handle(s);
              } catch (Exception e) {
                // the client went away
              }
            });
            t.setDaemon(true);
            t.start();
          } catch (IOException closed) {
            return;
          }
        }
      });
      acceptor.setDaemon(true);
      acceptor.start();
      return new RawServer(socket);
    }

    URI url(String path) {
      return URI.create("http://127.0.0.1:" + socket.getLocalPort() + path);
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }
}
