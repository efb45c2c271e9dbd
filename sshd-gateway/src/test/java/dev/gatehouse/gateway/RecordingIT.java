package dev.gatehouse.gateway;

import static dev.gatehouse.gateway.GatewayFixture.field;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gatehouse.recorder.Recordings;
import dev.gatehouse.recorder.SessionRecord;
import dev.gatehouse.recorder.SessionState;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Every session leaves a closed index row, a playable asciicast and a verifiable chain. */
@ExtendWith(GatewayLogOnFailure.class)
class RecordingIT {
  private static final Duration WAIT = Duration.ofSeconds(10);

  @Test
  void execSessionIsIndexedClosedWithStatusAndHashAndPlaysInAsciinema(@TempDir Path dir) throws Exception {
    try (GatewayFixture gw = GatewayFixture.start(dir)) {
      SshClientKey key = gw.sign(GatewayFixture.uniqueIdentity("rec"), List.of("dev"));
      String marker = "rec-" + UUID.randomUUID();

      SshResult r = gw.ssh(key, "shell").run("echo " + marker + "; echo to-stderr >&2; exit 3");
      assertThat(r.exitCode()).as("%s", r).isEqualTo(3);

      SessionRecord s = gw.awaitSession(key.identity(), x -> x.state() == SessionState.CLOSED);
      Path file = gw.dataDir().resolve(s.path());
      assertThat(s.exitStatus()).isEqualTo(3);
      assertThat(s.target()).isEqualTo("shell");
      assertThat(s.clientAddress()).isEqualTo("127.0.0.1");
      assertThat(s.end()).isNotNull();
      assertThat(s.sha256()).isEqualTo(Recordings.sha256(file));
      assertThat(s.path()).matches("recordings/\\d{4}/\\d{2}/\\d{2}/" + s.id() + "\\.cast");

      // What scripts see: `gatehouse sessions list --format json`.
      GatewayFixture.CliResult list = gw.cli("sessions", "list", "--format", "json", "--identity", key.identity());
      assertThat(list.exitCode()).as(list.err()).isZero();
      JsonNode rows = new ObjectMapper().readTree(list.out());
      assertThat(rows.size()).isEqualTo(1);
      assertThat(rows.get(0).path("id").asText()).isEqualTo(s.id());
      assertThat(rows.get(0).path("state").asText()).isEqualTo("closed");
      assertThat(rows.get(0).path("exitStatus").asInt()).isEqualTo(3);
      assertThat(rows.get(0).path("sha256").asText()).isEqualTo(s.sha256());

      // The header names the session; the audit's session-end line carries the same hash.
      String header = Files.readAllLines(file).get(0);
      assertThat(header).contains(s.id()).contains(key.identity());
      JsonNode end = gw.awaitAudit("session-end " + s.id(), field("code", "GH2001I").and(field("sessionId", s.id())));
      assertThat(end.path("sha256").asText()).isEqualTo(s.sha256());
      assertThat(end.path("exitStatus").asInt()).isEqualTo(3);

      String played = Asciinema.cat(file);
      assertThat(played).contains(marker).contains("to-stderr");
    }
  }

  @Test
  void interactiveSessionRecordsWhatTheUserSaw(@TempDir Path dir) throws Exception {
    try (GatewayFixture gw = GatewayFixture.start(dir)) {
      SshClientKey key = gw.sign(GatewayFixture.uniqueIdentity("rec-pty"), List.of("dev"));
      try (InteractiveProcess ssh = gw.interactive(key, "shell")) {
        ssh.await("gh$ ", WAIT);
        ssh.send("echo seen-$((20+3))\n");
        ssh.await("seen-23\r\n", WAIT);
        ssh.send("exit\n");
        assertThat(ssh.waitFor(WAIT)).isZero();
      }
      SessionRecord s = gw.awaitSession(key.identity(), x -> x.state() == SessionState.CLOSED);
      assertThat(Asciinema.cat(gw.dataDir().resolve(s.path()))).contains("seen-23").contains("gh$ ");
    }
  }

  @Test
  void sessionsVerifyPassesAndFailsAfterOneByteOfARecordingIsChanged(@TempDir Path dir) throws Exception {
    try (GatewayFixture gw = GatewayFixture.start(dir)) {
      SshClientKey key = gw.sign(GatewayFixture.uniqueIdentity("verify"), List.of("dev"));
      assertThat(gw.ssh(key, "shell").run("echo untouched-output").exitCode()).isZero();
      SessionRecord s = gw.awaitSession(key.identity(), x -> x.state() == SessionState.CLOSED);

      GatewayFixture.CliResult ok = gw.cli("sessions", "verify");
      assertThat(ok.exitCode()).as(ok.out() + ok.err()).isZero();
      assertThat(ok.out()).startsWith("OK:");

      Path file = gw.dataDir().resolve(s.path());
      byte[] b = Files.readAllBytes(file);
      String text = new String(b, StandardCharsets.UTF_8);
      int at = text.indexOf("untouched-output");
      assertThat(at).isPositive();
      b[at] = (byte) 'U';
      Files.write(file, b);

      GatewayFixture.CliResult bad = gw.cli("sessions", "verify");
      assertThat(bad.exitCode()).as(bad.out() + bad.err()).isEqualTo(1);
      assertThat(bad.out()).contains("PROBLEM").contains(s.id()).contains("FAILED");
    }
  }
}
