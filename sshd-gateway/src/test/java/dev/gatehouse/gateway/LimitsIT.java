package dev.gatehouse.gateway;

import static dev.gatehouse.gateway.GatewayFixture.field;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Limits before login: connections per address and the time allowed to authenticate. */
@ExtendWith(GatewayLogOnFailure.class)
class LimitsIT {
  @TempDir static Path dir;
  static GatewayFixture gw;

  @BeforeAll
  static void start() throws Exception {
    gw = GatewayFixture.start(dir, "maxConnectionsPerAddress: 2\nauthTimeout: 2s", GatewayFixture.DEFAULT_TARGETS);
  }

  @AfterAll
  static void stop() {
    if (gw != null) {
      gw.close();
    }
  }

  /** A TCP client that never authenticates: reads the server's identification line and waits. */
  private static Socket silentClient() throws IOException {
    Socket s = new Socket("127.0.0.1", gw.port());
    s.setSoTimeout(5000);
    assertThat(readLine(s.getInputStream())).startsWith("SSH-2.0-");
    return s;
  }

  private static String readLine(InputStream in) throws IOException {
    StringBuilder sb = new StringBuilder();
    int c;
    while ((c = in.read()) >= 0 && c != '\n') {
      sb.append((char) c);
    }
    return sb.toString();
  }

  /** Reads until EOF (the server closed), returning how long it took. */
  private static Duration timeToClose(Socket s, Duration max) throws IOException {
    long t0 = System.nanoTime();
    s.setSoTimeout((int) max.toMillis());
    InputStream in = s.getInputStream();
    byte[] buf = new byte[4096];
    try {
      while (in.read(buf) >= 0) {
        // Whatever the server says before closing (identification, KEXINIT) is not the point.
      }
    } catch (java.net.SocketException e) {
      // Reset by the server: closed too.
    }
    return Duration.ofNanos(System.nanoTime() - t0);
  }

  @Test
  void thirdUnauthenticatedConnectionFromOneAddressIsClosedAndAudited() throws Exception {
    try (Socket a = silentClient(); Socket b = silentClient(); Socket c = new Socket("127.0.0.1", gw.port())) {
      assertThat(timeToClose(c, Duration.ofSeconds(5))).isLessThan(Duration.ofSeconds(1));
      // The first two are still open (the auth timeout has not come yet).
      a.setSoTimeout(300);
      assertThatThrownBy(() -> a.getInputStream().read(new byte[4096]))
          .isInstanceOf(SocketTimeoutException.class);
      gw.awaitAudit("GH1002W too-many-connections", field("code", "GH1002W")
          .and(field("reason", "too-many-connections")).and(field("client", "127.0.0.1")));
    }
  }

  @Test
  void silentConnectionIsClosedAfterTheAuthTimeoutAndAudited() throws Exception {
    long before = gw.auditLines().size();
    try (Socket s = silentClient()) {
      Duration t = timeToClose(s, Duration.ofSeconds(10));
      assertThat(t).isBetween(Duration.ofMillis(1000), Duration.ofMillis(4000));
    }
    gw.awaitAudit("GH1001W no-auth-attempt", n -> n.path("seq").asLong() > before
        && "GH1001W".equals(n.path("code").asText()) && "no-auth-attempt".equals(n.path("reason").asText()));
  }

  @Test
  void aCertificateLoginStillWorksUnderTheLimits() throws Exception {
    SshClientKey key = gw.sign(GatewayFixture.uniqueIdentity("limits"), List.of("dev"));
    SshResult r = gw.ssh(key, "shell").run("echo fine");
    assertThat(r.exitCode()).as("%s", r).isZero();
    assertThat(new String(r.stdout(), StandardCharsets.UTF_8)).isEqualTo("fine\n");
  }
}
