package dev.gatehouse.recorder;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SessionIndexTest {
  @TempDir Path dir;
  static final Instant T0 = Instant.parse("2026-03-04T10:00:00.123Z");

  static SessionRecord active(String id, String identity, String target, Instant start) {
    return new SessionRecord(
        id, identity, target, "192.0.2.1:4000", start, null, null, 0,
        "recordings/x/" + id + ".cast", null, SessionState.ACTIVE);
  }

  @Test
  void aStartedAndEndedSessionReadsBackAsWritten() throws Exception {
    try (SessionIndex idx = SessionIndex.open(dir.resolve("gatehouse.db"))) {
      idx.started(active("s1", "alice", "prod-db", T0));
      assertThat(idx.find("s1").orElseThrow().state()).isEqualTo(SessionState.ACTIVE);
      idx.ended("s1", T0.plusSeconds(5), 0, 1234, "ab".repeat(32), SessionState.CLOSED);
      assertThat(idx.find("s1"))
          .contains(
              new SessionRecord(
                  "s1", "alice", "prod-db", "192.0.2.1:4000", T0, T0.plusSeconds(5), 0, 1234,
                  "recordings/x/s1.cast", "ab".repeat(32), SessionState.CLOSED));
      assertThat(idx.find("nope")).isEmpty();
    }
  }

  @Test
  void listFiltersByIdentityTargetStateAndTimeNewestFirst() throws Exception {
    try (SessionIndex idx = SessionIndex.open(dir.resolve("gatehouse.db"))) {
      idx.started(active("a", "alice", "db", T0));
      idx.started(active("b", "bob", "db", T0.plusSeconds(10)));
      idx.started(active("c", "alice", "k8s", T0.plusSeconds(20)));
      idx.ended("a", T0.plusSeconds(1), 0, 1, null, SessionState.CLOSED);

      assertThat(idx.list(SessionQuery.all())).extracting(SessionRecord::id).containsExactly("c", "b", "a");
      assertThat(idx.list(new SessionQuery("alice", null, null, null, null, 10)))
          .extracting(SessionRecord::id).containsExactly("c", "a");
      assertThat(idx.list(new SessionQuery(null, "db", null, null, null, 10)))
          .extracting(SessionRecord::id).containsExactly("b", "a");
      assertThat(idx.list(new SessionQuery(null, null, SessionState.ACTIVE, null, null, 10)))
          .extracting(SessionRecord::id).containsExactly("c", "b");
      assertThat(idx.list(new SessionQuery(null, null, null, T0.plusSeconds(10), T0.plusSeconds(20), 10)))
          .extracting(SessionRecord::id).containsExactly("b");
      assertThat(idx.list(new SessionQuery(null, null, null, null, null, 1)))
          .extracting(SessionRecord::id).containsExactly("c");
    }
  }

  @Test
  void twoInstancesOnOneDatabaseSeeEachOthersWritesAndKillRequests() throws Exception {
    Path db = dir.resolve("gatehouse.db");
    try (SessionIndex gateway = SessionIndex.open(db);
        SessionIndex cli = SessionIndex.open(db)) {
      gateway.started(active("s1", "alice", "db", T0));
      assertThat(cli.find("s1")).isPresent();
      assertThat(gateway.takeKillRequests()).isEmpty();
      cli.requestKill("s1", "root", "left the desk");
      var taken = gateway.takeKillRequests();
      assertThat(taken).hasSize(1);
      assertThat(taken.get(0).sessionId()).isEqualTo("s1");
      assertThat(taken.get(0).by()).isEqualTo("root");
      assertThat(taken.get(0).reason()).isEqualTo("left the desk");
      assertThat(gateway.takeKillRequests()).as("taken requests are gone").isEmpty();
      cli.ended("s1", T0.plusSeconds(3), 137, 9, null, SessionState.CLOSED);
      assertThat(gateway.find("s1").orElseThrow().exitStatus()).isEqualTo(137);
    }
  }

  @Test
  void activeSessionsOfADeadGatewayAreRepairedAndMarkedInterrupted() throws Exception {
    Path dataDir = dir;
    Instant start = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    Path rel = dataDir.relativize(Recordings.pathFor(dataDir, "s1", start));
    AsciicastWriter w = AsciicastWriter.create(dataDir.resolve(rel), AsciicastWriterTest.header("s1"));
    byte[] b = "hello é".getBytes(StandardCharsets.UTF_8);
    w.output(b, 0, b.length);
    w.close();
    // The gateway died mid-line.
    Files.writeString(dataDir.resolve(rel), "[9.5, \"o\", \"half", java.nio.file.StandardOpenOption.APPEND);
    try (SessionIndex idx = SessionIndex.open(dataDir.resolve("gatehouse.db"))) {
      idx.started(
          new SessionRecord("s1", "alice", "db", "c", start, null, null, 0, rel.toString(), null,
              SessionState.ACTIVE));
      idx.started(
          new SessionRecord("gone", "bob", "db", "c", start, null, null, 0, "recordings/none.cast",
              null, SessionState.ACTIVE));
      var marked = StartupRepair.run(dataDir, dataDir.resolve("audit/audit.jsonl"), idx);
      assertThat(marked).extracting(StartupRepair.Finding::session).extracting(SessionRecord::id)
          .containsExactlyInAnyOrder("s1", "gone");
      assertThat(marked).allSatisfy(f -> assertThat(f).isInstanceOf(StartupRepair.Repaired.class));
      SessionRecord s1 = idx.find("s1").orElseThrow();
      assertThat(s1.state()).isEqualTo(SessionState.INTERRUPTED);
      assertThat(s1.sha256()).isEqualTo(Recordings.sha256(dataDir.resolve(rel)));
      assertThat(s1.bytes()).isEqualTo(b.length);
      assertThat(s1.end()).isBetween(start, start.plusSeconds(5));
      assertThat(Asciinema.catString(dataDir.resolve(rel))).isEqualTo("hello é");
      assertThat(idx.find("gone").orElseThrow().state()).isEqualTo(SessionState.INTERRUPTED);
      assertThat(idx.list(new SessionQuery(null, null, SessionState.ACTIVE, null, null, 10))).isEmpty();
    }
  }
}
