package dev.gatehouse.gateway;

import static dev.gatehouse.gateway.GatewayFixture.field;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gatehouse.recorder.SessionRecord;
import dev.gatehouse.recorder.SessionState;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.OAuth2Config;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Attack on "integrity survives a restart": whoever can write the data directory kills the gateway
 * while a session runs, appends made-up output to its recording (after the bytes its last
 * checkpoint covers), then appends a {@code session-end} line of their own with the new file's hash
 * (laid out exactly as the gateway lays out its end lines) and sets the row to {@code closed}. The
 * start-up repair only looks at {@code active} rows, so nothing records that the gateway had
 * stopped without ending the session; {@code sessions verify --journal} (with every head the
 * gateway wrote) says OK and the replay API says {@code ok}, although the gateway logs a head right
 * after every session-end line it writes and the journal has none for this one.
 */
@ExtendWith(GatewayLogOnFailure.class)
class ForgedEndLineAttack19bIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  @BeforeAll
  static void startProvider() {
    RecordingIntegrityIT.idp = new MockOAuth2Server(new OAuth2Config(true));
    RecordingIntegrityIT.idp.start(InetAddress.getLoopbackAddress(), 0);
  }

  @AfterAll
  static void stopProvider() {
    if (RecordingIntegrityIT.idp != null) {
      RecordingIntegrityIT.idp.shutdown();
    }
  }

  @Test
  void aCrashedSessionWithFabricatedOutputAndAForgedEndLineIsNotReportedOk(@TempDir Path dir) throws Exception {
    try (RecordingIntegrityIT.Bastion b = new RecordingIntegrityIT.Bastion(dir)) {
      b.start();
      // A genuine end line, for its layout (the attacker's template: any finished session).
      SessionRecord template = b.session("template", "echo hi");
      JsonNode genuineEnd = b.endLine(template.id());

      String identity = GatewayFixture.uniqueIdentity("victim");
      SshClientKey key = b.clients.sign(identity, List.of("dev"));
      String said = RecordingIntegrityIT.word("SAID");
      SessionRecord live;
      try (GatewayFixture.Running ssh = b.clients.ssh(key, "shell").timeout(Duration.ofSeconds(60))
          .start("echo " + said + "; sleep 60")) {
        ssh.awaitStdout(said, Duration.ofSeconds(20));
        live = b.clients.awaitSession(identity, r -> r.state() == SessionState.ACTIVE);
        Path cast = b.recording(live);
        // Wait for a checkpoint that covers everything on disk: the attacker edits nothing it vouches for.
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        JsonNode covering = null;
        while (covering == null) {
          assertThat(System.nanoTime()).as("a checkpoint covering %s", said).isLessThan(deadline);
          long onDisk = Files.readString(cast).contains(said) ? Files.size(cast) : Long.MAX_VALUE;
          covering = b.clients.auditLines().stream()
              .filter(field("code", "GH2009I").and(field("sessionId", live.id())))
              .filter(n -> n.path("size").asLong() >= onDisk).findFirst().orElse(null);
          Thread.sleep(200);
        }
        b.gw.signal("KILL");
        b.gw.awaitExit(Duration.ofSeconds(10));
      }

      // The attacker: output the user never saw, appended as whole asciicast lines.
      Path cast = b.recording(live);
      String fabricated = RecordingIntegrityIT.word("NEVER-TYPED");
      Files.writeString(cast, "[1.5, \"o\", \"$ psql -c 'DROP TABLE payroll' " + fabricated + "\\r\\n\"]\n",
          StandardOpenOption.APPEND);
      String forgedSha = RecordingIntegrityIT.sha256(Files.readAllBytes(cast));

      // ...an end line laid out as the gateway lays out its own, chained onto the last line...
      List<String> lines = Files.readAllLines(b.auditFile(), StandardCharsets.UTF_8);
      JsonNode last = JSON.readTree(lines.get(lines.size() - 1));
      ObjectNode forged = (ObjectNode) genuineEnd.deepCopy();
      forged.put("seq", last.path("seq").asLong() + 1);
      forged.put("time", Instant.now().toString());
      forged.put("sessionId", live.id());
      forged.put("identity", identity);
      forged.put("bytes", genuineEnd.path("bytes").asLong() + 40);
      forged.put("sha256", forgedSha);
      forged.remove("hash");
      forged.put("prev", last.path("hash").asText());
      forged.put("hash", RecordingIntegrityIT.Forger.hash(last.path("hash").asText(), forged));
      Files.writeString(b.auditFile(), JSON.writeValueAsString(forged) + "\n", StandardOpenOption.APPEND);

      // ...and the row says closed, with that hash.
      try (var db = java.sql.DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("data/gatehouse.db"));
          var st = db.createStatement()) {
        assertThat(st.executeUpdate("UPDATE rec_sessions SET state='closed', end_ms=" + System.currentTimeMillis()
            + ", exit_status=0, sha256='" + forgedSha + "' WHERE id='" + live.id() + "'")).isEqualTo(1);
      }

      b.start();
      GatewayFixture.CliResult verify = b.verify("--journal", b.journal().toString());
      JsonNode integrity = b.integrity(live.id());
      // The session never ended: the gateway was killed under it and its recording holds output the
      // user never saw. What must hold: the auditor is told (verify fails, or at the least lists it as
      // a session the chain cannot vouch for; the page does not say ok).
      assertThat(integrity.path("status").asText()).as("replay API integrity: %s%nverify --journal (exit %d):%n%s", integrity, verify.exitCode(), verify.out())
          .isNotEqualTo("ok");
      assertThat(verify.exitCode() != 0 || verify.out().contains(live.id()))
          .as("sessions verify --journal names the session or fails:%n%s", verify.out()).isTrue();
      // What the auditor is told: the forged line has no head of its own in the journal (the next
      // start's head covers it, which proves nothing), and the start found it after the last head.
      long forgedSeq = forged.path("seq").asLong();
      assertThat(verify.exitCode()).as(verify.out()).isEqualTo(1);
      assertThat(verify.out()).contains("PROBLEM audit seq " + forgedSeq + ": session " + live.id()
          + ": its session-end line (seq " + forgedSeq + ") is not witnessed");
      JsonNode flagged = b.clients.awaitAudit("GH2010W", field("code", "GH2010W").and(field("sessionId", live.id())));
      assertThat(flagged.path("endSeq").asLong()).isEqualTo(forgedSeq);
      assertThat(flagged.path("endSha256").asText()).isEqualTo(forgedSha);
      assertThat(integrity.path("status").asText()).isEqualTo("altered");
      assertThat(integrity.path("detail").asText()).contains("(seq " + forgedSeq + ") is not witnessed");
      // The genuine session that ended before the crash stays ok.
      assertThat(b.integrity(template.id()).path("status").asText()).isEqualTo("ok");
    }
  }
}
