package dev.gatehouse.gateway;

import static dev.gatehouse.gateway.GatewayFixture.field;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.keys.CertificateLedger;
import dev.gatehouse.keys.UserCertificateRequest;
import dev.gatehouse.recorder.SessionRecord;
import dev.gatehouse.recorder.SessionState;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Live sessions end when their certificate is revoked (from another process, through the store),
 * when an operator kills them, and when the certificate expires; the user is told why.
 */
@ExtendWith(GatewayLogOnFailure.class)
class LiveSessionControlIT {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final String LONG_COMMAND = "echo started; sleep 30; echo done";
  @TempDir static Path dir;
  static GatewayFixture gw;

  @BeforeAll
  static void start() throws Exception {
    gw = GatewayFixture.start(dir);
  }

  @AfterAll
  static void stop() {
    if (gw != null) {
      gw.close();
    }
  }

  private static GatewayFixture.Running longSession(SshClientKey key) throws Exception {
    GatewayFixture.Running ssh = gw.ssh(key, "shell").timeout(Duration.ofSeconds(40)).start(LONG_COMMAND);
    ssh.awaitStdout("started", WAIT);
    return ssh;
  }

  @Test
  void caRevokeSerialEndsTheLiveSessionWithinTwoSeconds() throws Exception {
    SshClientKey key = gw.sign(GatewayFixture.uniqueIdentity("revoke"), List.of("dev"));
    try (GatewayFixture.Running ssh = longSession(key)) {
      long t0 = System.nanoTime();
      GatewayFixture.CliResult revoke = gw.cli("ca", "revoke", "--serial", Long.toUnsignedString(key.serial()),
          "--reason", "laptop stolen");
      assertThat(revoke.exitCode()).as(revoke.err()).isZero();

      SshResult r = ssh.await();
      assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofMillis(2500));
      assertThat(r.err()).contains("gatehouse: your certificate (serial " + Long.toUnsignedString(key.serial())
          + ") was revoked; session closed");
      assertThat(r.out()).isEqualTo("started\n");
      assertThat(r.exitCode()).as("%s", r).isNotZero();
    }
    SessionRecord s = gw.awaitSession(key.identity(), x -> x.state() != SessionState.ACTIVE);
    gw.awaitAudit("session-end revoked", field("code", "GH2001I").and(field("sessionId", s.id()))
        .and(field("reason", "revoked")));
    // The certificate no longer logs in either.
    assertThat(gw.ssh(key, "shell").run("true").exitCode()).isEqualTo(255);
  }

  @Test
  void identityRevokedByAnotherProcessThroughTheStoreEndsTheSession() throws Exception {
    SshClientKey key = gw.sign(GatewayFixture.uniqueIdentity("revoke-id"), List.of("dev"));
    try (GatewayFixture.Running ssh = longSession(key)) {
      long t0 = System.nanoTime();
      try (CertificateLedger other = CertificateLedger.open(gw.dataDir().resolve("gatehouse.db"))) {
        other.revokeIdentity(key.identity(), "left the company", "LiveSessionControlIT");
      }

      SshResult r = ssh.await();
      assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofMillis(2500));
      assertThat(r.err()).contains("was revoked; session closed");
      assertThat(r.out()).doesNotContain("done");
    }
  }

  @Test
  void sessionsKillEndsTheSessionAndTellsTheUserWhoAndWhy() throws Exception {
    SshClientKey key = gw.sign(GatewayFixture.uniqueIdentity("kill"), List.of("dev"));
    try (GatewayFixture.Running ssh = longSession(key)) {
      SessionRecord live = gw.awaitSession(key.identity(), x -> x.state() == SessionState.ACTIVE);
      long t0 = System.nanoTime();

      GatewayFixture.CliResult kill = gw.cli("sessions", "kill", live.id(), "--reason", "incident 42");
      assertThat(kill.exitCode()).as(kill.out() + kill.err()).isZero();
      assertThat(kill.out()).contains("session " + live.id() + " ended");

      SshResult r = ssh.await();
      assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofMillis(2500));
      assertThat(r.err()).contains("gatehouse: session terminated by operator:").contains(": incident 42");
      assertThat(r.out()).isEqualTo("started\n");
    }
    SessionRecord s = gw.awaitSession(key.identity(), x -> x.state() == SessionState.CLOSED);
    gw.awaitAudit("session-end killed", field("code", "GH2001I").and(field("sessionId", s.id()))
        .and(field("reason", "killed")));
  }

  @Test
  void certificateExpiringDuringTheSessionEndsIt() throws Exception {
    SshClientKey key = gw.sign(new UserCertificateRequest(GatewayFixture.uniqueIdentity("expire"), List.of("dev"),
        Duration.ofSeconds(4), null, true, true, false, false));
    try (GatewayFixture.Running ssh = longSession(key)) {
      SshResult r = ssh.await();
      // Valid for 4 s from signing (whole seconds); the control loop looks every 300 ms.
      assertThat(r.elapsed()).isLessThan(Duration.ofSeconds(7));
      assertThat(r.err()).contains("gatehouse: your certificate expired; session closed");
      assertThat(r.out()).isEqualTo("started\n");
    }
  }
}
