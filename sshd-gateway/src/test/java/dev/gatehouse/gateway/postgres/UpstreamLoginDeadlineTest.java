package dev.gatehouse.gateway.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatehouse.gateway.config.PostgresSettings;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The target's connect timeout bounds the whole login (connect, TLS, startup) by closing the socket
 * when it passes, and no longer as the socket's read timeout: a server that takes the connection
 * and then says nothing is refused with "timed out", and a login done in time leaves a session
 * whose socket the deadline never closes, however long it stays quiet.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS) // a hang guard, not a measurement
class UpstreamLoginDeadlineTest {

  private static PostgresSettings settings(int port, String tls, Duration timeout) {
    return new PostgresSettings("127.0.0.1", port, "db", "u", "env:GH_TEST_UNUSED_PASSWORD", tls, null, timeout);
  }

  @Test
  void aServerThatAcceptsAndSaysNothingIsATimeout() throws Exception {
    try (ServerSocket silent = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
      CompletableFuture<Socket> held = CompletableFuture.supplyAsync(() -> accept(silent));
      assertThatThrownBy(() -> Upstream.connect(settings(silent.getLocalPort(), "disable", Duration.ofMillis(300)), Map.of()))
          .isInstanceOfSatisfying(UpstreamFailure.class, e -> assertThat(e.sqlState()).isEqualTo("08001"))
          .hasMessage("timed out talking to 127.0.0.1:" + silent.getLocalPort());
      held.get(10, TimeUnit.SECONDS).close();
    }
  }

  @Test
  void aServerThatNeverAnswersTheTlsRequestIsATimeout() throws Exception {
    try (ServerSocket silent = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
      CompletableFuture<Socket> held = CompletableFuture.supplyAsync(() -> accept(silent));
      assertThatThrownBy(() -> Upstream.connect(settings(silent.getLocalPort(), "require", Duration.ofMillis(300)), Map.of()))
          .isInstanceOf(UpstreamFailure.class)
          .hasMessage("timed out talking to 127.0.0.1:" + silent.getLocalPort());
      held.get(10, TimeUnit.SECONDS).close();
    }
  }

  @Test
  void aServerThatAcceptsTlsButNeverShakesHandsIsATimeout() throws Exception {
    try (ServerSocket stalls = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
      CompletableFuture<Socket> held = CompletableFuture.supplyAsync(() -> {
        Socket s = accept(stalls);
        try {
          new DataInputStream(s.getInputStream()).readFully(new byte[8]); // the SSLRequest
          s.getOutputStream().write('S');
          s.getOutputStream().flush();
        } catch (IOException e) {
          throw new RuntimeException(e);
        }
        return s;
      });
      assertThatThrownBy(() -> Upstream.connect(settings(stalls.getLocalPort(), "require", Duration.ofMillis(300)), Map.of()))
          .isInstanceOf(UpstreamFailure.class)
          .hasMessage("timed out talking to 127.0.0.1:" + stalls.getLocalPort());
      held.get(10, TimeUnit.SECONDS).close();
    }
  }

  @Test
  void aSessionLoggedInInTimeOutlivesTheDeadline() throws Exception {
    CountDownLatch quietLongEnough = new CountDownLatch(1);
    try (ServerSocket server = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
      CompletableFuture<Void> fake = CompletableFuture.runAsync(() -> {
        try (Socket s = accept(server)) {
          DataInputStream in = new DataInputStream(s.getInputStream());
          byte[] startup = new byte[in.readInt() - 4];
          in.readFully(startup);
          DataOutputStream out = new DataOutputStream(s.getOutputStream());
          out.writeByte('R'); // AuthenticationOk
          out.writeInt(8);
          out.writeInt(0);
          out.writeByte('Z'); // ReadyForQuery, idle
          out.writeInt(5);
          out.writeByte('I');
          out.flush();
          quietLongEnough.await(30, TimeUnit.SECONDS);
          out.writeByte('Z'); // said long after the login's deadline
          out.writeInt(5);
          out.writeByte('I');
          out.flush();
          in.read(); // until the client closes
        } catch (IOException | InterruptedException e) {
          throw new RuntimeException(e);
        }
      });
      try (Upstream up = Upstream.connect(settings(server.getLocalPort(), "disable", Duration.ofMillis(200)), Map.of())) {
        Thread.sleep(600); // three times the login's timeout
        quietLongEnough.countDown();
        Wire.Message m = Wire.read(up.in, "database server");
        assertThat(m).isNotNull();
        assertThat(m.kind()).isEqualTo('Z');
        assertThat(up.socket.isClosed()).isFalse();
      }
      fake.get(10, TimeUnit.SECONDS);
    }
  }

  private static Socket accept(ServerSocket s) {
    try {
      return s.accept();
    } catch (IOException e) {
      throw new RuntimeException(e);
    }
  }
}
