package dev.gatehouse.gateway;

import static dev.gatehouse.gateway.GatewayFixture.field;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gatehouse.recorder.SessionRecord;
import dev.gatehouse.recorder.SessionState;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.OAuth2Config;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Someone who can write the data directory (but not the system journal) tries to make an edited
 * recording pass: the gateway as operators run it ({@code gatehouse serve}, restarted between
 * steps), real ssh sessions, the real {@code gatehouse sessions verify} (its exit code and output),
 * the replay API's {@code integrity} field and the session page in headless Chromium. The gateway's
 * stderr is the journal here, as it is under systemd.
 */
@ExtendWith(GatewayLogOnFailure.class)
class RecordingIntegrityIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String REALM = "corp";
  private static final String AUDITOR = "auditor-integrity@example.com";
  static MockOAuth2Server idp;

  @BeforeAll
  static void startProvider() {
    idp = new MockOAuth2Server(new OAuth2Config(true)); // interactive login page, for the browser
    idp.start(InetAddress.getLoopbackAddress(), 0);
  }

  @AfterAll
  static void stopProvider() {
    if (idp != null) {
      idp.shutdown();
    }
  }

  // ---- the routes ----------------------------------------------------------------------------

  @Test
  void anEditedRecordingWhoseRowWasSetBackToActiveIsNotRepairedAtRestartAndShowsAltered(@TempDir Path dir)
      throws Exception {
    try (Bastion b = new Bastion(dir)) {
      b.start();
      String secret = word("SECRET");
      SessionRecord s = b.session("edit", "echo " + secret);
      SessionRecord clean = b.session("clean", "echo " + word("fine"));
      long endSeq = b.endLine(s.id()).path("seq").asLong();
      b.stop();

      Path cast = b.recording(s);
      b.edit(cast, secret, word("harmless"));
      byte[] edited = Files.readAllBytes(cast);
      b.setActive(s.id());
      b.start();

      assertThat(Files.readAllBytes(cast)).as("the recording is left as found, not repaired").isEqualTo(edited);
      assertThat(b.clients.auditLines()).as("no repair line for a session that had ended")
          .noneMatch(field("event", "session-interrupted").and(field("sessionId", s.id())));
      JsonNode found = b.clients.awaitAudit("session-index-altered",
          field("code", "GH2008W").and(field("sessionId", s.id())));
      assertThat(found.path("endSeq").asLong()).isEqualTo(endSeq);
      assertThat(found.path("foundState").asText()).isEqualTo("active");
      assertThat(found.path("endSha256").asText()).isEqualTo(s.sha256());
      assertThat(found.path("recordingSha256").asText()).isEqualTo(sha256(edited));
      SessionRecord row = b.row(s.id());
      assertThat(row.state()).isEqualTo(SessionState.CLOSED);
      assertThat(row.sha256()).as("the end line's hash, not a new one").isEqualTo(s.sha256());
      assertThat(b.gw.stderr()).contains("the index was altered");

      GatewayFixture.CliResult verify = b.verify();
      assertThat(verify.exitCode()).as(verify.out()).isEqualTo(1);
      assertThat(verify.out())
          .contains("PROBLEM audit seq " + found.path("seq").asLong() + ": session " + s.id()
              + ": at a gateway start the index called it active although the audit log had ended it at seq " + endSeq)
          .contains("PROBLEM session " + s.id() + ": recording " + cast + " has sha256 " + sha256(edited)
              + " but the index recorded " + s.sha256() + " (changed after close)")
          .contains("FAILED:");

      JsonNode integrity = b.integrity(s.id());
      assertThat(integrity.path("status").asText()).isEqualTo("altered");
      assertThat(integrity.path("detail").asText()).contains("differs from the index")
          .contains("the index was altered");
      assertThat(b.integrity(clean.id()).path("status").asText()).isEqualTo("ok");

      List<JsonNode> page = b.browser("edit-flip-restart", s.id(), clean.id());
      assertThat(badge(page, s.id()).path("status").asText()).isEqualTo("altered");
      assertThat(badge(page, s.id()).path("text").asText()).contains("ALTERED").contains("the index was altered");
      assertThat(badge(page, clean.id()).path("status").asText()).isEqualTo("ok");
    }
  }

  @Test
  void aRowSetBackToActiveWithoutARestartIsReportedNotSkipped(@TempDir Path dir) throws Exception {
    try (Bastion b = new Bastion(dir)) {
      b.start();
      SessionRecord s = b.session("flip", "echo " + word("flip"));
      long endSeq = b.endLine(s.id()).path("seq").asLong();
      b.setActive(s.id());
      String expected = "PROBLEM session " + s.id() + ": the index says active, but the audit log ended it at seq "
          + endSeq + " (session-end)";

      GatewayFixture.CliResult verify = b.verify();
      assertThat(verify.exitCode()).as(verify.out()).isEqualTo(1);
      assertThat(verify.out()).contains(expected);
      JsonNode integrity = b.integrity(s.id());
      assertThat(integrity.path("status").asText()).isEqualTo("altered");
      assertThat(integrity.path("detail").asText())
          .contains("the index says active, but the audit log ended this session at seq " + endSeq);

      b.stop();
      GatewayFixture.CliResult stopped = b.verify();
      assertThat(stopped.exitCode()).as(stopped.out()).isEqualTo(1);
      assertThat(stopped.out()).contains(expected);
    }
  }

  @Test
  void aSecondEndLineAppendedWithTheNewHashIsReported(@TempDir Path dir) throws Exception {
    try (Bastion b = new Bastion(dir)) {
      b.start();
      String secret = word("SECRET");
      SessionRecord s = b.session("append", "echo " + secret);
      long endSeq = b.endLine(s.id()).path("seq").asLong();
      b.stop();

      Path cast = b.recording(s);
      b.edit(cast, secret, word("harmless"));
      String editedSha = sha256(Files.readAllBytes(cast));
      b.setSha(s.id(), editedSha);
      // Appending needs no rewrite: the last line's hash is the new line's prev.
      List<String> lines = Files.readAllLines(b.auditFile());
      JsonNode last = JSON.readTree(lines.get(lines.size() - 1));
      ObjectNode forged = JSON.createObjectNode();
      forged.put("seq", last.path("seq").asLong() + 1);
      forged.put("time", java.time.Instant.now().toString());
      forged.put("code", "GH2001I");
      forged.put("event", "session-end");
      forged.put("sessionId", s.id());
      forged.put("sha256", editedSha);
      forged.put("prev", last.path("hash").asText());
      forged.put("hash", Forger.hash(last.path("hash").asText(), forged));
      Files.writeString(b.auditFile(), JSON.writeValueAsString(forged) + "\n", java.nio.file.StandardOpenOption.APPEND);

      GatewayFixture.CliResult verify = b.verify();
      assertThat(verify.exitCode()).as(verify.out()).isEqualTo(1);
      assertThat(verify.out()).contains("PROBLEM session " + s.id() + ": the audit log ends it 2 times (seq " + endSeq
          + ", " + forged.path("seq").asLong() + ")")
          .contains("PROBLEM session " + s.id() + ": recording has sha256 " + editedSha
              + " but its session-end audit line (seq " + endSeq + ") says " + s.sha256());
      b.start();
      JsonNode integrity = b.integrity(s.id());
      assertThat(integrity.path("status").asText()).isEqualTo("altered");
      assertThat(integrity.path("detail").asText()).contains("ends this session 2 times");
    }
  }

  @Test
  void anEndLineCutOffTheLogThenRepairedAtRestartIsCaughtAgainstTheJournal(@TempDir Path dir) throws Exception {
    try (Bastion b = new Bastion(dir)) {
      b.start();
      String secret = word("SECRET");
      SessionRecord s = b.session("cut", "echo " + secret);
      long endSeq = b.endLine(s.id()).path("seq").asLong();
      b.stop();

      // Cut the log before the session-end line (a valid chain remains), edit, set the row back.
      List<String> lines = Files.readAllLines(b.auditFile());
      Files.writeString(b.auditFile(), String.join("\n", lines.subList(0, (int) endSeq - 1)) + "\n");
      Path cast = b.recording(s);
      b.edit(cast, secret, word("harmless"));
      String editedSha = sha256(Files.readAllBytes(cast));
      b.setActive(s.id());
      b.start();

      JsonNode repair = b.clients.awaitAudit("session-interrupted",
          field("event", "session-interrupted").and(field("sessionId", s.id())));
      assertThat(repair.path("seq").asLong()).isEqualTo(endSeq);
      assertThat(repair.path("foundSha256").asText()).isEqualTo(editedSha);
      assertThat(repair.path("sha256").asText()).isEqualTo(editedSha);
      assertThat(repair.path("size").asLong()).isEqualTo(Files.size(cast));

      // Without the journal the chain is consistent: verify says what the repair found.
      GatewayFixture.CliResult plain = b.verify();
      assertThat(plain.out()).contains("REPAIRED session " + s.id() + ": the gateway stopped without ending it;"
          + " at the next start (audit seq " + endSeq + ") its recording was repaired: found sha256 " + editedSha)
          .contains("NOTE no journal heads given");
      // Against the journal (the first run's heads), the cut is plain.
      GatewayFixture.CliResult journal = b.verify("--journal", b.journal().toString());
      assertThat(journal.exitCode()).as(journal.out()).isEqualTo(1);
      assertThat(journal.out()).contains("PROBLEM audit seq " + endSeq + " (line " + endSeq + ") has hash "
          + repair.path("hash").asText() + " but the journal recorded " + b.firstRunHeadAt(endSeq));

      JsonNode integrity = b.integrity(s.id());
      assertThat(integrity.path("status").asText()).isEqualTo("altered");
      assertThat(integrity.path("detail").asText()).contains("its recording was repaired")
          .contains("nothing vouches for the recording from before that repair");
      assertThat(badge(b.browser("cut-repair", s.id()), s.id()).path("status").asText()).isEqualTo("altered");
    }
  }

  @Test
  void anEndLineEditedToTheNewHashBreaksTheChain(@TempDir Path dir) throws Exception {
    try (Bastion b = new Bastion(dir)) {
      b.start();
      String secret = word("SECRET");
      SessionRecord s = b.session("endline", "echo " + secret);
      b.session("after", "echo " + word("after")); // lines follow the end line
      JsonNode end = b.endLine(s.id());
      long endSeq = end.path("seq").asLong();

      Path cast = b.recording(s);
      b.edit(cast, secret, word("harmless"));
      String editedSha = sha256(Files.readAllBytes(cast));
      b.setSha(s.id(), editedSha);
      // The end line in place, its sha256 the edited file's and its own hash recomputed.
      ObjectNode forged = end.deepCopy();
      forged.put("sha256", editedSha);
      forged.remove("hash");
      forged.put("hash", Forger.hash(forged.get("prev").asText(), forged));
      b.replaceLine(endSeq, JSON.writeValueAsString(forged));

      GatewayFixture.CliResult verify = b.verify();
      assertThat(verify.exitCode()).as(verify.out()).isEqualTo(1);
      assertThat(verify.out()).contains("PROBLEM audit seq " + (endSeq + 1) + " (line " + (endSeq + 1)
          + "): prev does not match the hash of the line before (seq " + endSeq + ")");
      JsonNode integrity = b.integrity(s.id());
      assertThat(integrity.path("status").asText()).isEqualTo("altered");
      assertThat(integrity.path("detail").asText()).contains("does not link to it");
      // The gateway had logged that line's hash to the journal; it says so there, and in the chain.
      b.gw.awaitStderr("AUDIT CHAIN REWRITTEN", Duration.ofSeconds(10));
      b.clients.awaitAudit("audit-chain-rewritten", field("code", "GH5003E"));
    }
  }

  @Test
  void aConsistentRewriteOfTheWholeChainIsCaughtAgainstTheJournalHeads(@TempDir Path dir) throws Exception {
    try (Bastion b = new Bastion(dir)) {
      b.start();
      String secret = word("SECRET");
      SessionRecord s = b.session("rewrite", "echo " + secret);
      long endSeq = b.endLine(s.id()).path("seq").asLong();
      String endHashInJournal = b.firstRunHeadAt(endSeq);
      b.stop();

      Path cast = b.recording(s);
      b.edit(cast, secret, word("harmless"));
      String editedSha = sha256(Files.readAllBytes(cast));
      b.setSha(s.id(), editedSha);
      Forger.rechain(b.auditFile(), lines -> lines.stream()
          .filter(n -> s.id().equals(n.path("sessionId").asText()) && "session-end".equals(n.path("event").asText()))
          .forEach(n -> n.put("sha256", editedSha)));

      GatewayFixture.CliResult plain = b.verify();
      assertThat(plain.exitCode()).as("the chain alone is consistent: " + plain.out()).isZero();
      assertThat(plain.out()).contains("NOTE no journal heads given");

      Path journal = b.journal();
      GatewayFixture.CliResult fromFile = b.verify("--journal", journal.toString());
      assertThat(fromFile.exitCode()).as(fromFile.out()).isEqualTo(1);
      assertThat(fromFile.out()).contains("PROBLEM audit seq " + endSeq + " (line " + endSeq + ") has hash ")
          .contains("but the journal recorded " + endHashInJournal + ": the chain was rewritten at or before this line");
      GatewayFixture.CliResult fromStdin = GatewayProcess.cliWithInput(journal, "sessions", "verify", "--journal", "-",
          "--config", b.config.toString());
      assertThat(fromStdin.exitCode()).as(fromStdin.out()).isEqualTo(1);
      assertThat(fromStdin.out()).contains("but the journal recorded " + endHashInJournal);
      GatewayFixture.CliResult oneHead = b.verify("--expect-head", endSeq + ":" + endHashInJournal);
      assertThat(oneHead.exitCode()).as(oneHead.out()).isEqualTo(1);
      assertThat(oneHead.out()).contains("journal: 1 of 1 heads found in the chain");
    }
  }

  @Test
  void aConsistentRewriteUnderARunningGatewayIsFoundByIt(@TempDir Path dir) throws Exception {
    try (Bastion b = new Bastion(dir)) {
      b.start();
      String secret = word("SECRET");
      SessionRecord s = b.session("live-rewrite", "echo " + secret);
      Path cast = b.recording(s);
      b.edit(cast, secret, word("harmless"));
      String editedSha = sha256(Files.readAllBytes(cast));
      b.setSha(s.id(), editedSha);
      Forger.rechain(b.auditFile(), lines -> lines.stream()
          .filter(n -> s.id().equals(n.path("sessionId").asText()) && "session-end".equals(n.path("event").asText()))
          .forEach(n -> n.put("sha256", editedSha)));

      JsonNode integrity = b.integrity(s.id());
      assertThat(integrity.path("status").asText()).isEqualTo("altered");
      assertThat(integrity.path("detail").asText()).contains("the audit log was rewritten after this gateway logged"
          + " its head");
      b.gw.awaitStderr("AUDIT CHAIN REWRITTEN", Duration.ofSeconds(10));
      JsonNode alarm = b.clients.awaitAudit("audit-chain-rewritten", field("code", "GH5003E"));
      GatewayFixture.CliResult verify = b.verify();
      assertThat(verify.exitCode()).as(verify.out()).isEqualTo(1);
      assertThat(verify.out()).contains("PROBLEM audit seq " + alarm.path("seq").asLong()
          + ": a gateway found the audit chain rewritten");
    }
  }

  @Test
  void aRecordingCutByAKilledGatewayAndEditedBeforeTheRestartFailsAgainstItsCheckpoint(@TempDir Path dir)
      throws Exception {
    try (Bastion b = new Bastion(dir)) {
      b.start();
      String identity = GatewayFixture.uniqueIdentity("crash");
      SshClientKey key = b.clients.sign(identity, List.of("dev"));
      String secret = word("SECRET");
      SessionRecord live;
      JsonNode checkpoint;
      try (GatewayFixture.Running ssh = b.clients.ssh(key, "shell").timeout(Duration.ofSeconds(60))
          .start("echo " + secret + "; sleep 60")) {
        ssh.awaitStdout(secret, Duration.ofSeconds(20));
        live = b.clients.awaitSession(identity, r -> r.state() == SessionState.ACTIVE);
        Path cast = b.recording(live);
        // recording.checkpoint is 1s here: wait for one that covers the output on disk.
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        JsonNode covering = null;
        while (covering == null) {
          assertThat(System.nanoTime()).as("a checkpoint covering %s", secret).isLessThan(deadline);
          long onDisk = Files.readString(cast).contains(secret) ? Files.size(cast) : Long.MAX_VALUE;
          covering = b.clients.auditLines().stream()
              .filter(field("code", "GH2009I").and(field("sessionId", live.id())))
              .filter(n -> n.path("size").asLong() >= onDisk).findFirst().orElse(null);
          Thread.sleep(200);
        }
        checkpoint = covering;
        b.gw.signal("KILL");
        b.gw.awaitExit(Duration.ofSeconds(10));
      }
      assertThat(dev.gatehouse.recorder.ChainHead.fromJournal(Files.readString(b.journal())))
          .as("a head covering the checkpoint went to the journal")
          .anySatisfy(h -> assertThat(h.seq()).isGreaterThanOrEqualTo(checkpoint.path("seq").asLong()));

      GatewayFixture.CliResult down = b.verify();
      assertThat(down.exitCode()).as(down.out()).isEqualTo(1);
      assertThat(down.out()).contains("PROBLEM session " + live.id()
          + ": the index says active, but no gateway is running on this data directory");

      Path cast = b.recording(live);
      b.edit(cast, secret, word("harmless"));
      String editedSha = sha256(Files.readAllBytes(cast));
      b.start();
      JsonNode repair = b.clients.awaitAudit("session-interrupted",
          field("event", "session-interrupted").and(field("sessionId", live.id())));
      assertThat(repair.path("foundSha256").asText()).isEqualTo(editedSha);
      // The first checkpoint (by size) that no longer holds: one taken after the secret was on disk.
      long failedSeq = repair.path("checkpointSeq").asLong();
      JsonNode failed = b.clients.auditLines().stream().filter(n -> n.path("seq").asLong() == failedSeq)
          .findFirst().orElseThrow();
      assertThat(failed.path("code").asText()).isEqualTo("GH2009I");
      assertThat(failed.path("sessionId").asText()).isEqualTo(live.id());
      assertThat(failedSeq).isLessThanOrEqualTo(checkpoint.path("seq").asLong());
      assertThat(repair.path("checkpointHolds").asBoolean(true)).isFalse();

      String broken = "its recording's first " + failed.path("size").asLong() + " bytes no longer hash to "
          + failed.path("sha256").asText() + " as its checkpoint (audit seq " + failedSeq
          + ") says: the recording was changed before the start-up repair";
      GatewayFixture.CliResult verify = b.verify();
      assertThat(verify.exitCode()).as(verify.out()).isEqualTo(1);
      assertThat(verify.out()).contains("PROBLEM session " + live.id() + ": " + broken)
          .contains("REPAIRED session " + live.id()).contains("found sha256 " + editedSha);
      JsonNode integrity = b.integrity(live.id());
      assertThat(integrity.path("status").asText()).isEqualTo("altered");
      assertThat(integrity.path("detail").asText()).contains("the gateway stopped without ending it").contains(broken);
    }
  }

  /**
   * What an honest gateway leaves: sessions one after another and several at once, a reload
   * (SIGHUP), a stop (SIGTERM), a second run, and a kill -9 under a live session repaired at the
   * next start. Every end line has its own head in the journal: verify with the journal finds no
   * problem, the start flags nothing (no GH2010W), and every finished session's page says ok.
   */
  @Test
  void stopsAReloadManySessionsAndACrashLeaveEveryEndLineWitnessedByTheJournal(@TempDir Path dir) throws Exception {
    try (Bastion b = new Bastion(dir)) {
      b.start();
      List<SessionRecord> done = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        done.add(b.session("serial" + i, "echo " + i));
      }
      java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(4);
      try {
        List<java.util.concurrent.Future<SessionRecord>> parallel = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
          String who = "parallel" + i;
          parallel.add(pool.submit(() -> b.session(who, "echo " + who)));
        }
        for (var f : parallel) {
          done.add(f.get(60, java.util.concurrent.TimeUnit.SECONDS));
        }
      } finally {
        pool.shutdownNow();
      }
      b.gw.signal("HUP");
      b.clients.awaitAudit("reload", field("event", "gateway-start").and(field("reason", "reload")));
      done.add(b.session("after-reload", "echo reloaded"));
      b.stop();

      b.start();
      done.add(b.session("second-run", "echo again"));
      String identity = GatewayFixture.uniqueIdentity("crashed");
      SshClientKey key = b.clients.sign(identity, List.of("dev"));
      String said = word("LIVE");
      SessionRecord live;
      try (GatewayFixture.Running ssh = b.clients.ssh(key, "shell").timeout(Duration.ofSeconds(60))
          .start("echo " + said + "; sleep 60")) {
        ssh.awaitStdout(said, Duration.ofSeconds(20));
        live = b.clients.awaitSession(identity, r -> r.state() == SessionState.ACTIVE);
        b.gw.signal("KILL");
        b.gw.awaitExit(Duration.ofSeconds(10));
      }
      b.start();

      GatewayFixture.CliResult verify = b.verify("--journal", b.journal().toString());
      assertThat(verify.exitCode()).as(verify.out()).isZero();
      assertThat(verify.out()).doesNotContain("PROBLEM").doesNotContain("not witnessed")
          .contains("REPAIRED session " + live.id());
      assertThat(b.clients.auditLines()).noneMatch(field("code", "GH2010W"));
      for (SessionRecord s : done) {
        assertThat(b.integrity(s.id()).path("status").asText()).as("page of %s", s.id()).isEqualTo("ok");
      }
      assertThat(Files.readString(dir.resolve("data/audit/journaled-head"))).startsWith("audit chain head seq=");
    }
  }

  @Test
  void aSecondGatewayOnTheSameDataDirectoryIsRefused(@TempDir Path dir) throws Exception {
    try (Bastion b = new Bastion(dir)) {
      b.start();
      Path other = dir.resolve("other.yaml");
      Files.writeString(other, Files.readString(b.config)
          .replace("127.0.0.1:" + b.sshPort, "127.0.0.1:" + freePort())
          .replace("127.0.0.1:" + b.webPort, "127.0.0.1:" + freePort()));
      GatewayFixture.CliResult second = GatewayProcess.cli("serve", "--config", other.toString());
      assertThat(second.exitCode()).isNotZero();
      assertThat(second.err() + second.out()).contains("another gateway is running on data directory");
      assertThat(b.gw.isAlive()).isTrue();
    }
  }

  // ---- a bastion, restarted between steps ---------------------------------------------------------

  /** One data directory and its gateway process; each start is a new run with its own log (the journal). */
  static final class Bastion implements AutoCloseable {
    final Path dir;
    final Path config;
    final int sshPort;
    final int webPort;
    final List<Path> journals = new ArrayList<>();
    GatewayProcess gw;
    GatewayFixture clients;

    Bastion(Path dir) throws IOException {
      this.dir = dir;
      this.sshPort = freePort();
      this.webPort = freePort();
      this.config = dir.resolve("gatehouse.yaml");
      Files.writeString(config, """
          dataDir: "%s"
          ssh:
            listen: "127.0.0.1:%d"
            hostNames: [127.0.0.1]
          web:
            listen: "127.0.0.1:%d"
            publicUrl: "http://127.0.0.1:%d"
            roles: { auditor: [security] }
          oidc:
            issuer: "%s"
            clientId: %s
          recording:
            checkpoint: 1s
          targets:
            - name: shell
              type: command
              command: ["/bin/sh", "-i"]
              exec: ["/bin/sh", "-c"]
              env: { PATH: "/usr/bin:/bin" }
              runAs: nobody
              allow: { groups: [dev] }
          """.formatted(dir.resolve("data"), sshPort, webPort, webPort,
          idp.issuerUrl(REALM).toString().replaceAll("/$", ""), OidcGatewayFixture.CLIENT));
    }

    void start() throws Exception {
      Path run = Files.createDirectories(dir.resolve("run-" + (journals.size() + 1)));
      gw = GatewayProcess.serve(run, config, sshPort);
      journals.add(run.resolve("gateway.stderr"));
      // serve prints its welcome once Gateway.start returned: the web listener is up too.
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (!Files.readString(run.resolve("gateway.stdout")).contains("Gatehouse is listening on")) {
        assertThat(gw.isAlive() && System.nanoTime() < deadline).as("gateway started:%n%s", gw.output()).isTrue();
        Thread.sleep(50);
      }
      if (clients == null) {
        clients = GatewayFixture.external(dir, config, sshPort);
      }
    }

    void stop() throws Exception {
      gw.close(); // SIGTERM: drains, writes gateway-stop and its head to the journal
      assertThat(gw.isAlive()).isFalse();
    }

    /** A finished exec session on the shell target. */
    SessionRecord session(String who, String command) throws Exception {
      String identity = GatewayFixture.uniqueIdentity(who);
      SshClientKey key = clients.sign(identity, List.of("dev"));
      SshResult r = clients.ssh(key, "shell").run(command);
      assertThat(r.exitCode()).as("%s", r).isZero();
      SessionRecord s = clients.awaitSession(identity, x -> x.state() == SessionState.CLOSED);
      endLine(s.id());
      return s;
    }

    JsonNode endLine(String id) throws Exception {
      return clients.awaitAudit("session-end " + id, field("event", "session-end").and(field("sessionId", id)));
    }

    Path auditFile() {
      return dir.resolve("data/audit/audit.jsonl");
    }

    Path recording(SessionRecord s) {
      return dir.resolve("data").resolve(s.path());
    }

    SessionRecord row(String id) throws Exception {
      try (var index = dev.gatehouse.recorder.SessionIndex.open(dir.resolve("data/gatehouse.db"))) {
        return index.find(id).orElseThrow();
      }
    }

    void edit(Path file, String from, String to) throws IOException {
      String text = Files.readString(file);
      assertThat(text).contains(from);
      Files.writeString(file, text.replace(from, to));
    }

    /** What the attacker does to the index: the row says the session still runs. */
    void setActive(String id) throws Exception {
      sql("UPDATE rec_sessions SET state='active', end_ms=NULL, exit_status=NULL, sha256=NULL WHERE id='" + id + "'");
    }

    void setSha(String id, String sha) throws Exception {
      sql("UPDATE rec_sessions SET sha256='" + sha + "' WHERE id='" + id + "'");
    }

    private void sql(String statement) throws Exception {
      try (var db = java.sql.DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("data/gatehouse.db"));
          var st = db.createStatement()) {
        assertThat(st.executeUpdate(statement)).isEqualTo(1);
      }
    }

    /** Overwrites the audit line with this seq in place (same length), as an editor would. */
    void replaceLine(long seq, String line) throws IOException {
      List<String> lines = Files.readAllLines(auditFile(), StandardCharsets.UTF_8);
      long offset = 0;
      for (int i = 0; i < seq - 1; i++) {
        offset += lines.get(i).getBytes(StandardCharsets.UTF_8).length + 1;
      }
      byte[] now = lines.get((int) seq - 1).getBytes(StandardCharsets.UTF_8);
      byte[] forged = line.getBytes(StandardCharsets.UTF_8);
      assertThat(forged).hasSameSizeAs(now);
      try (RandomAccessFile raf = new RandomAccessFile(auditFile().toFile(), "rw")) {
        raf.seek(offset);
        raf.write(forged);
      }
    }

    /** Every run's log, one file, as `journalctl -u gatehouse -o cat` would print it. */
    Path journal() throws IOException {
      StringBuilder all = new StringBuilder();
      for (Path j : journals) {
        all.append(Files.readString(j));
      }
      Path f = dir.resolve("journal.txt");
      Files.writeString(f, all);
      return f;
    }

    /** The hash the first run wrote to its log for this seq. */
    String firstRunHeadAt(long seq) throws IOException {
      String log = Files.readString(journals.get(0));
      var m = java.util.regex.Pattern.compile("audit chain head seq=" + seq + " hash=([0-9a-f]{64})").matcher(log);
      assertThat(m.find()).as("the journal has the head at seq %d:%n%s", seq, log).isTrue();
      return m.group(1);
    }

    GatewayFixture.CliResult verify(String... extra) throws Exception {
      List<String> argv = new ArrayList<>(List.of("sessions", "verify", "--config", config.toString()));
      argv.addAll(List.of(extra));
      return GatewayProcess.cli(argv.toArray(String[]::new));
    }

    /** GET /api/sessions/{id} as an auditor with a bearer token: its integrity object. */
    JsonNode integrity(String id) throws Exception {
      String token = OidcGatewayFixture.accessToken(idp, REALM, OidcGatewayFixture.CLIENT, "sub-auditor",
          Map.of("email", AUDITOR, "groups", List.of("security")));
      HttpResponse<String> r;
      try {
        r = HttpClient.newHttpClient().send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + webPort + "/api/sessions/" + id))
                .header("Authorization", "Bearer " + token).timeout(Duration.ofSeconds(20)).build(),
            HttpResponse.BodyHandlers.ofString());
      } catch (IOException e) {
        throw new AssertionError("GET /api/sessions/" + id + " (alive=" + gw.isAlive() + "):\n" + gw.output(), e);
      }
      assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
      return JSON.readTree(r.body()).path("integrity");
    }

    /** The session pages in headless Chromium, logged in as an auditor: each page's integrity badge. */
    List<JsonNode> browser(String name, String... sessionIds) throws Exception {
      Map<String, String> env = new LinkedHashMap<>();
      env.put("GH_LOGIN_USER", "auditor-" + UUID.randomUUID());
      env.put("GH_LOGIN_CLAIMS", JSON.writeValueAsString(Map.of("email", AUDITOR, "groups", List.of("security"))));
      env.put("GH_EXPECT_IDENTITY", AUDITOR);
      env.put("GH_INTEGRITY_SESSIONS", String.join(",", sessionIds));
      return dev.gatehouse.gateway.web.E2eBrowser.run("http://127.0.0.1:" + webPort, "integrity-" + name, env, Duration.ofMinutes(3));
    }

    @Override
    public void close() throws Exception {
      if (gw != null) {
        gw.close();
      }
    }
  }

  static JsonNode badge(List<JsonNode> steps, String id) {
    return steps.stream().filter(n -> n.path("step").asText().equals("integrity") && n.path("id").asText().equals(id))
        .findFirst().orElseThrow(() -> new AssertionError("no badge for " + id + " in " + steps));
  }

  /**
   * The attacker's tool, written from docs/recordings.md alone: hash = SHA-256 hex of prev followed
   * by the line's canonical JSON (keys sorted at every level, no whitespace, without "hash").
   */
  static final class Forger {
    static String hash(String prev, JsonNode lineWithoutHash) throws Exception {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      md.update(prev.getBytes(StandardCharsets.UTF_8));
      md.update(JSON.writeValueAsBytes(sorted(lineWithoutHash, true)));
      return HexFormat.of().formatHex(md.digest());
    }

    static JsonNode sorted(JsonNode n, boolean top) {
      if (n.isObject()) {
        List<String> names = new ArrayList<>();
        for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
          names.add(it.next());
        }
        Collections.sort(names);
        ObjectNode out = JSON.createObjectNode();
        for (String k : names) {
          if (!(top && k.equals("hash"))) {
            out.set(k, sorted(n.get(k), false));
          }
        }
        return out;
      }
      if (n.isArray()) {
        var out = JSON.createArrayNode();
        n.forEach(e -> out.add(sorted(e, false)));
        return out;
      }
      return n;
    }

    /** Applies {@code change}, then re-links and re-hashes every line: a consistent chain again. */
    static void rechain(Path auditFile, Consumer<List<ObjectNode>> change) throws Exception {
      List<ObjectNode> lines = new ArrayList<>();
      for (String l : Files.readAllLines(auditFile, StandardCharsets.UTF_8)) {
        lines.add((ObjectNode) JSON.readTree(l));
      }
      change.accept(lines);
      StringBuilder out = new StringBuilder();
      String prev = "0".repeat(64);
      for (ObjectNode n : lines) {
        n.put("prev", prev);
        n.remove("hash");
        prev = hash(prev, n);
        n.put("hash", prev);
        out.append(JSON.writeValueAsString(n)).append('\n');
      }
      Files.writeString(auditFile, out);
    }
  }

  static String sha256(byte[] b) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
  }

  static String word(String prefix) {
    return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
