package dev.gatehouse.gateway;

import static dev.gatehouse.gateway.GatewayFixture.field;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gatehouse.gateway.config.ConfigLoader;
import dev.gatehouse.recorder.SessionIndex;
import dev.gatehouse.recorder.SessionRecord;
import dev.gatehouse.recorder.SessionState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Retention and the low-disk guard, as an operator sees them: `sessions prune` deletes the oldest
 * recordings over the size limit with an audit line each, so `sessions verify` stays clean; a
 * recording deleted by hand is still caught; below minFreeDisk new sessions are refused.
 */
@ExtendWith(GatewayLogOnFailure.class)
class RetentionIT {
  private static final long MAX_BYTES = 8 * 1024;
  private static final String RETENTION =
      "recording:\n  retention: { maxBytes: 8KiB, maxAge: 1d }\n" + GatewayFixture.DEFAULT_TARGETS;

  /** Four finished sessions of about 3 KiB each, oldest first. */
  private static List<SessionRecord> fourSessions(GatewayFixture gw, SshClientKey key) throws Exception {
    for (int i = 1; i <= 4; i++) {
      SshResult r = gw.ssh(key, "shell").run("echo session-" + i + "; head -c 3000 /dev/zero | tr '\\0' x; echo");
      assertThat(r.exitCode()).as("%s", r).isZero();
      int n = i;
      long deadline = System.nanoTime() + 5_000_000_000L;
      while (gw.sessionsOf(key.identity()).stream().filter(s -> s.state() == SessionState.CLOSED).count() < n) {
        assertThat(System.nanoTime()).as("session %d closed", n).isLessThan(deadline);
        Thread.sleep(50);
      }
    }
    List<SessionRecord> all = new ArrayList<>(gw.sessionsOf(key.identity()));
    all.sort(Comparator.comparing(SessionRecord::start).thenComparing(SessionRecord::id));
    return all;
  }

  @Test
  void pruneDeletesTheOldestRecordingsOverMaxBytesAuditedSoVerifyStaysClean(@TempDir Path dir) throws Exception {
    try (GatewayFixture gw = GatewayFixture.start(dir, "", RETENTION)) {
      SshClientKey key = gw.sign(GatewayFixture.uniqueIdentity("prune"), List.of("dev"));
      List<SessionRecord> sessions = fourSessions(gw, key);

      // What retention must remove: the oldest while the total is over maxBytes.
      long total = 0;
      for (SessionRecord s : sessions) {
        total += Files.size(gw.dataDir().resolve(s.path()));
      }
      assertThat(total).as("the four recordings exceed maxBytes").isGreaterThan(MAX_BYTES);
      List<SessionRecord> expectPruned = new ArrayList<>();
      for (SessionRecord s : sessions) {
        if (total <= MAX_BYTES) {
          break;
        }
        total -= Files.size(gw.dataDir().resolve(s.path()));
        expectPruned.add(s);
      }
      List<SessionRecord> expectKept = sessions.subList(expectPruned.size(), sessions.size());
      assertThat(expectPruned).isNotEmpty();
      assertThat(expectKept).isNotEmpty();

      GatewayFixture.CliResult prune = gw.cli("sessions", "prune");

      assertThat(prune.exitCode()).as(prune.err()).isZero();
      assertThat(prune.out()).contains("pruned " + expectPruned.size() + " recordings");
      for (SessionRecord s : expectPruned) {
        assertThat(prune.out()).contains("pruned " + s.id());
        assertThat(gw.dataDir().resolve(s.path())).doesNotExist();
        JsonNode line = gw.awaitAudit("recording-pruned " + s.id(),
            field("code", "GH2006I").and(field("sessionId", s.id())));
        assertThat(line.path("event").asText()).isEqualTo("recording-pruned");
        assertThat(line.path("sha256").asText()).isEqualTo(s.sha256());
        assertThat(line.path("why").asText()).isEqualTo("max-bytes");
      }
      for (SessionRecord s : expectKept) {
        assertThat(prune.out()).doesNotContain(s.id());
        assertThat(gw.dataDir().resolve(s.path())).exists();
      }
      // The index lists only the kept sessions.
      assertThat(gw.sessionsOf(key.identity())).extracting(SessionRecord::id)
          .containsExactlyInAnyOrderElementsOf(expectKept.stream().map(SessionRecord::id).toList());

      // Pruned is not tampered.
      GatewayFixture.CliResult verify = gw.cli("sessions", "verify");
      assertThat(verify.exitCode()).as(verify.out() + verify.err()).isZero();
      assertThat(verify.out()).startsWith("OK");

      // A second prune finds nothing more to do.
      assertThat(gw.cli("sessions", "prune").out()).contains("pruned 0 recordings");
    }
  }

  @Test
  void recordingDeletedByHandWithoutAPruneLineIsReportedByVerify(@TempDir Path dir) throws Exception {
    try (GatewayFixture gw = GatewayFixture.start(dir)) {
      SshClientKey key = gw.sign(GatewayFixture.uniqueIdentity("deleted"), List.of("dev"));
      SshResult r = gw.ssh(key, "shell").run("echo evidence");
      assertThat(r.exitCode()).as("%s", r).isZero();
      SessionRecord s = gw.awaitSession(key.identity(), x -> x.state() == SessionState.CLOSED);
      assertThat(gw.cli("sessions", "verify").exitCode()).isZero();

      // Someone with access to the data disk removes the evidence: file and index row, no audit line.
      Files.delete(gw.dataDir().resolve(s.path()));
      try (SessionIndex index = SessionIndex.open(ConfigLoader.load(gw.configFile()).databaseFile())) {
        assertThat(index.delete(s.id())).isTrue();
      }

      GatewayFixture.CliResult verify = gw.cli("sessions", "verify");
      assertThat(verify.exitCode()).as(verify.out()).isEqualTo(1);
      assertThat(verify.out()).contains("PROBLEM session " + s.id()).contains("missing from the index");
      assertThat(verify.out()).contains("FAILED");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"99%", "1000TiB"})
  void belowMinFreeDiskNewSessionsAreRefusedAndAudited(String minFreeDisk, @TempDir Path dir) throws Exception {
    // This disk is neither 99% free nor 1000 TiB large, so the guard trips at once.
    try (GatewayFixture gw = GatewayFixture.start(dir, "",
        "recording:\n  minFreeDisk: " + minFreeDisk + "\n" + GatewayFixture.DEFAULT_TARGETS)) {
      SshClientKey key = gw.sign(GatewayFixture.uniqueIdentity("lowdisk"), List.of("dev"));

      SshResult r = gw.ssh(key, "shell").run("echo should-not-run");

      assertThat(r.exitCode()).as("%s", r).isNotZero();
      assertThat(r.out()).isEmpty();
      assertThat(r.err()).contains("nearly full");
      JsonNode line = gw.awaitAudit("session-refused for " + key.identity(),
          field("code", "GH2007W").and(field("identity", key.identity())));
      assertThat(line.path("event").asText()).isEqualTo("session-refused");
      assertThat(line.path("reason").asText()).isEqualTo("low-disk");
      // Nothing ran, so nothing was recorded or indexed.
      assertThat(gw.sessionsOf(key.identity())).isEmpty();
    }
  }

  @Test
  void pruneNeverTouchesALiveSession(@TempDir Path dir) throws Exception {
    try (GatewayFixture gw = GatewayFixture.start(dir, "",
        "recording:\n  retention: { maxBytes: 1, maxAge: 1d }\n" + GatewayFixture.DEFAULT_TARGETS)) {
      SshClientKey key = gw.sign(GatewayFixture.uniqueIdentity("live"), List.of("dev"));
      try (GatewayFixture.Running live = gw.ssh(key, "shell").start("echo live-output; sleep 3; echo done")) {
        SessionRecord s = gw.awaitSession(key.identity(), x -> x.state() == SessionState.ACTIVE);

        GatewayFixture.CliResult prune = gw.cli("sessions", "prune");

        assertThat(prune.out()).as(prune.err()).contains("pruned 0 recordings").doesNotContain(s.id());
        SshResult r = live.await();
        assertThat(r.out()).as("%s", r).isEqualTo("live-output\ndone\n");
        SessionRecord closed = gw.awaitSession(key.identity(), x -> x.state() == SessionState.CLOSED);
        assertThat(gw.dataDir().resolve(closed.path())).exists();
      }
      // Finished now, and over the limit: the next prune takes it, audited, verify clean.
      assertThat(gw.cli("sessions", "prune").out()).contains("pruned 1 recordings");
      assertThat(gw.cli("sessions", "verify").exitCode()).isZero();
    }
  }

  @Test
  void pruneDeletesRecordingsOlderThanMaxAge(@TempDir Path dir) throws Exception {
    try (GatewayFixture gw = GatewayFixture.start(dir, "",
        "recording:\n  retention: { maxAge: 1s }\n" + GatewayFixture.DEFAULT_TARGETS)) {
      SshClientKey key = gw.sign(GatewayFixture.uniqueIdentity("age"), List.of("dev"));
      for (int i = 0; i < 2; i++) {
        assertThat(gw.ssh(key, "shell").run("echo old-" + i).exitCode()).isZero();
      }
      long deadline = System.nanoTime() + 5_000_000_000L;
      while (gw.sessionsOf(key.identity()).stream().filter(s -> s.state() == SessionState.CLOSED).count() < 2) {
        assertThat(System.nanoTime()).as("sessions closed").isLessThan(deadline);
        Thread.sleep(50);
      }
      List<SessionRecord> old = gw.sessionsOf(key.identity());
      Thread.sleep(1200); // both are now older than maxAge

      GatewayFixture.CliResult prune = gw.cli("sessions", "prune");

      assertThat(prune.out()).as(prune.err()).contains("pruned 2 recordings");
      for (SessionRecord s : old) {
        assertThat(gw.dataDir().resolve(s.path())).doesNotExist();
        JsonNode line = gw.awaitAudit("recording-pruned " + s.id(),
            field("code", "GH2006I").and(field("sessionId", s.id())));
        assertThat(line.path("why").asText()).isEqualTo("max-age");
      }
      assertThat(gw.sessionsOf(key.identity())).isEmpty();
      assertThat(gw.cli("sessions", "verify").exitCode()).isZero();
    }
  }
}
