package dev.gatehouse.recorder;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What someone who can write the data directory (but not the journal) can do to the chain, the
 * index and the recordings, and what {@link IntegrityCheck}, {@link StartupRepair} and {@link
 * ChainWitness} make of it. The gateway-level routes (with real sessions and restarts) are in the
 * gateway's RecordingIntegrityIT.
 */
class TamperedChainTest {
  @TempDir Path dataDir;
  Path auditFile;
  SessionIndex index;

  @BeforeEach
  void setUp() throws Exception {
    auditFile = dataDir.resolve("audit/audit.jsonl");
    index = SessionIndex.open(dataDir.resolve("gatehouse.db"));
  }

  @AfterEach
  void tearDown() {
    index.close();
  }

  /** A finished session as the gateway leaves it: recording, row, start and end lines. */
  SessionRecord finished(String id, String output) throws Exception {
    Instant start = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    Path file = Recordings.pathFor(dataDir, id, start);
    AsciicastWriter w = AsciicastWriter.create(file, AsciicastWriterTest.header(id));
    byte[] b = output.getBytes(StandardCharsets.UTF_8);
    w.output(b, 0, b.length);
    ClosedRecording rec = w.close();
    index.started(new SessionRecord(id, "alice", "db", "c", start, null, null, 0,
        dataDir.relativize(file).toString(), null, SessionState.ACTIVE));
    try (AuditLog log = AuditLog.open(auditFile)) {
      log.append(AuditCode.SESSION_START, Map.of("sessionId", id));
      index.ended(id, Instant.now(), 0, rec.outputBytes(), rec.sha256(), SessionState.CLOSED);
      log.append(AuditCode.SESSION_END, Map.of("sessionId", id, "sha256", rec.sha256(), "exitStatus", 0,
          "bytes", rec.outputBytes()));
    }
    return index.find(id).orElseThrow();
  }

  ChainHead head() throws Exception {
    try (AuditLog log = AuditLog.open(auditFile)) {
      return log.head();
    }
  }

  IntegrityReport verify(List<ChainHead> journal, RunningGateway running) throws Exception {
    return IntegrityCheck.verify(dataDir, auditFile, index, journal, running);
  }

  void edit(SessionRecord s, String from, String to) throws Exception {
    Path f = dataDir.resolve(s.path());
    String text = Files.readString(f);
    assertThat(text).contains(from);
    Files.writeString(f, text.replace(from, to));
  }

  /** The attacker's tool: every line re-linked and re-hashed as the docs describe, after {@code change}. */
  void rewriteChain(java.util.function.Consumer<List<ObjectNode>> change) throws Exception {
    List<ObjectNode> lines = new ArrayList<>();
    for (String l : Files.readAllLines(auditFile, StandardCharsets.UTF_8)) {
      lines.add((ObjectNode) AuditLog.JSON.readTree(l));
    }
    change.accept(lines);
    StringBuilder out = new StringBuilder();
    String prev = ChainHead.GENESIS;
    long seq = 0;
    for (ObjectNode n : lines) {
      n.put("seq", ++seq);
      n.put("prev", prev);
      n.remove("hash");
      prev = AuditLog.hashOf(prev, n);
      n.put("hash", prev);
      out.append(AuditLog.JSON.writeValueAsString(n)).append('\n');
    }
    Files.writeString(auditFile, out);
  }

  static void setSha(List<ObjectNode> lines, String sessionId, String sha) {
    for (ObjectNode n : lines) {
      if (sessionId.equals(n.path("sessionId").asText()) && n.path("event").asText().equals("session-end")) {
        n.put("sha256", sha);
      }
    }
  }

  @Test
  void aSecondEndLineAppendedWithTheEditedHashIsReportedAndThePageSaysAltered() throws Exception {
    SessionRecord s = finished("s1", "rm -rf /srv\r\n");
    edit(s, "rm -rf", "ls -la");
    String forged = Recordings.sha256(dataDir.resolve(s.path()));
    index.ended(s.id(), s.end(), 0, s.bytes(), forged, SessionState.CLOSED);
    try (AuditLog log = AuditLog.open(auditFile)) { // appending is open to anyone who can write the file
      log.append(AuditCode.SESSION_END, Map.of("sessionId", "s1", "sha256", forged));
    }
    IntegrityReport r = verify(List.of(), null);
    assertThat(r.problems()).anySatisfy(p -> assertThat(p).contains("session s1").contains("ends it 2 times"));
    assertThat(r.problems()).anySatisfy(p -> assertThat(p).contains("session s1").contains("seq 2) says"));
    RecordingIntegrity page = IntegrityCheck.session(dataDir, auditFile, index.find("s1").orElseThrow(), null);
    assertThat(page.status()).isEqualTo(RecordingIntegrity.ALTERED);
    assertThat(page.detail()).contains("ends this session 2 times");
  }

  @Test
  void aRowFlippedBackToActiveIsNotSkipped() throws Exception {
    finished("s1", "secret\r\n");
    try (var db = java.sql.DriverManager.getConnection("jdbc:sqlite:" + dataDir.resolve("gatehouse.db"));
        var st = db.createStatement()) {
      st.executeUpdate("UPDATE rec_sessions SET state='active', sha256=NULL, end_ms=NULL WHERE id='s1'");
    }
    SessionRecord flipped = index.find("s1").orElseThrow();
    for (RunningGateway running : new RunningGateway[] {null, new RunningGateway(1, head().seq(), Instant.now()),
        new RunningGateway(1, 0, Instant.EPOCH)}) {
      IntegrityReport r = verify(List.of(), running);
      assertThat(r.ok()).as("gateway %s", running).isFalse();
      assertThat(r.problems()).anySatisfy(p -> assertThat(p).contains("session s1")
          .contains("the index says active, but the audit log ended it at seq 2"));
    }
    RecordingIntegrity page = IntegrityCheck.session(dataDir, auditFile, flipped, null);
    assertThat(page.status()).isEqualTo(RecordingIntegrity.ALTERED);
    assertThat(page.detail()).contains("ended this session at seq 2");
  }

  @Test
  void anActiveRowWithoutEndLineIsLiveOnlyWhileAGatewayThatStartedBeforeItRuns() throws Exception {
    Instant start = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    index.started(new SessionRecord("live", "alice", "db", "c", start, null, null, 0, "recordings/x.cast", null,
        SessionState.ACTIVE));
    try (AuditLog log = AuditLog.open(auditFile)) {
      log.append(AuditCode.GATEWAY_START, Map.of());
      log.append(AuditCode.SESSION_START, Map.of("sessionId", "live"));
    }
    assertThat(verify(List.of(), null).problems()).singleElement().asString()
        .contains("session live").contains("no gateway is running");
    assertThat(verify(List.of(), new RunningGateway(42, 2, Instant.now())).problems()).singleElement().asString()
        .contains("started at audit seq 2 before the running gateway (pid 42)");
    IntegrityReport live = verify(List.of(), new RunningGateway(42, 1, Instant.now()));
    assertThat(live.problems()).isEmpty();
    assertThat(live.notes()).singleElement().asString().startsWith("LIVE session live");
  }

  @Test
  void journalHeadsCatchAConsistentRewriteACutAndARewriteWhileTheGatewayRan() throws Exception {
    SessionRecord s = finished("s1", "rm -rf /srv\r\n");
    ChainHead atEnd = head();
    finished("s2", "whoami\r\n");
    ChainHead later = head();
    edit(s, "rm -rf", "ls -la");
    String forged = Recordings.sha256(dataDir.resolve(s.path()));
    index.ended(s.id(), s.end(), 0, s.bytes(), forged, SessionState.CLOSED);
    rewriteChain(lines -> setSha(lines, "s1", forged));

    assertThat(verify(List.of(), null).problems()).as("the rewrite is consistent").isEmpty();
    IntegrityReport r = verify(List.of(atEnd, later), null);
    assertThat(r.problems()).anySatisfy(p -> assertThat(p).contains("audit seq 2").contains("the journal recorded "
        + atEnd.hash()));
    assertThat(r.problems()).anySatisfy(p -> assertThat(p).contains("audit seq 4"));
    // Without a witness (a gateway that saw the original), the page cannot tell: verify with the journal can.
    assertThat(IntegrityCheck.session(dataDir, auditFile, index.find("s1").orElseThrow(), null).status())
        .isEqualTo(RecordingIntegrity.OK);

    // Two hashes for one seq in the journal: the gateway logged the original, then the rewritten chain.
    ChainHead rewritten = head();
    assertThat(verify(List.of(new ChainHead(4, later.hash()), rewritten), null).problems())
        .anySatisfy(p -> assertThat(p).contains("2 different hashes for audit seq 4"));

    // Cut below a journaled head.
    List<String> l = Files.readAllLines(auditFile);
    Files.writeString(auditFile, String.join("\n", l.subList(0, 2)) + "\n");
    assertThat(verify(List.of(later), null).problems()).anySatisfy(p -> assertThat(p)
        .contains("audit chain ends at seq 2").contains("journal recorded seq 4"));
  }

  @Test
  void anEndLineEditedWithItsOwnHashRecomputedBreaksTheLinkToTheNextLine() throws Exception {
    SessionRecord s = finished("s1", "rm -rf /srv\r\n");
    finished("s2", "whoami\r\n");
    edit(s, "rm -rf", "ls -la");
    String forged = Recordings.sha256(dataDir.resolve(s.path()));
    index.ended(s.id(), s.end(), 0, s.bytes(), forged, SessionState.CLOSED);
    List<String> l = new ArrayList<>(Files.readAllLines(auditFile));
    ObjectNode end = (ObjectNode) AuditLog.JSON.readTree(l.get(1));
    end.put("sha256", forged);
    end.remove("hash");
    end.put("hash", AuditLog.hashOf(end.get("prev").asText(), end));
    l.set(1, AuditLog.JSON.writeValueAsString(end));
    Files.writeString(auditFile, String.join("\n", l) + "\n");

    assertThat(verify(List.of(), null).problems()).anySatisfy(p -> assertThat(p).contains("audit seq 3")
        .contains("prev does not match"));
    RecordingIntegrity page = IntegrityCheck.session(dataDir, auditFile, index.find("s1").orElseThrow(), null);
    assertThat(page.status()).isEqualTo(RecordingIntegrity.ALTERED);
    assertThat(page.detail()).contains("does not link to it");
  }

  @Test
  void aKeyGivenTwiceInALineIsNotAnEntry() throws Exception {
    SessionRecord s = finished("s1", "rm -rf /srv\r\n");
    List<String> l = new ArrayList<>(Files.readAllLines(auditFile));
    // A reader where the last key wins would still compute the old hash: the line would "verify"
    // while jq or a SIEM that keeps the first key shows the other value.
    l.set(1, l.get(1).replace("\"sha256\":", "\"sha256\":\"" + "0".repeat(64) + "\",\"sha256\":"));
    Files.writeString(auditFile, String.join("\n", l) + "\n");
    assertThat(verify(List.of(), null).problems()).anySatisfy(p -> assertThat(p).contains("audit seq 2")
        .contains("does not parse"));
    assertThat(IntegrityCheck.session(dataDir, auditFile, s, null).status()).isEqualTo(RecordingIntegrity.ALTERED);
  }

  @Test
  void startupRepairNeverRehashesASessionThatHasAnEndLine() throws Exception {
    SessionRecord s = finished("s1", "rm -rf /srv\r\n");
    String original = s.sha256();
    edit(s, "rm -rf", "ls -la");
    Path file = dataDir.resolve(s.path());
    Files.writeString(file, "[9.9, \"o\", \"half", java.nio.file.StandardOpenOption.APPEND); // a torn line too
    byte[] edited = Files.readAllBytes(file);
    try (var db = java.sql.DriverManager.getConnection("jdbc:sqlite:" + dataDir.resolve("gatehouse.db"));
        var st = db.createStatement()) {
      st.executeUpdate("UPDATE rec_sessions SET state='active', sha256=NULL, end_ms=NULL WHERE id='s1'");
    }
    String now = Recordings.sha256(file);
    List<StartupRepair.Finding> found = StartupRepair.run(dataDir, auditFile, index);
    assertThat(found).singleElement().isInstanceOfSatisfying(StartupRepair.AlreadyEnded.class, f -> {
      assertThat(f.endSeq()).isEqualTo(2);
      assertThat(f.endSha256()).isEqualTo(original);
      assertThat(f.found().state()).isEqualTo(SessionState.ACTIVE);
      assertThat(f.recordingSha256()).isEqualTo(now);
    });
    assertThat(Files.readAllBytes(file)).as("left as found").isEqualTo(edited);
    SessionRecord restored = index.find("s1").orElseThrow();
    assertThat(restored.state()).isEqualTo(SessionState.CLOSED);
    assertThat(restored.sha256()).isEqualTo(original);
    assertThat(verify(List.of(), null).problems()).anySatisfy(p -> assertThat(p).contains("session s1")
        .contains("changed after close"));
  }

  @Test
  void startupRepairRecordsTheHashBeforeAndAfter() throws Exception {
    Instant start = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    Path file = Recordings.pathFor(dataDir, "cut", start);
    AsciicastWriter w = AsciicastWriter.create(file, AsciicastWriterTest.header("cut"));
    byte[] b = "hello".getBytes(StandardCharsets.UTF_8);
    w.output(b, 0, b.length);
    w.close();
    Files.writeString(file, "[9.5, \"o\", \"half", java.nio.file.StandardOpenOption.APPEND);
    String before = Recordings.sha256(file);
    long sizeBefore = Files.size(file);
    index.started(new SessionRecord("cut", "alice", "db", "c", start, null, null, 0,
        dataDir.relativize(file).toString(), null, SessionState.ACTIVE));
    List<StartupRepair.Finding> found = StartupRepair.run(dataDir, auditFile, index);
    assertThat(found).singleElement().isInstanceOfSatisfying(StartupRepair.Repaired.class, f -> {
      assertThat(f.what().foundSha256()).isEqualTo(before);
      assertThat(f.what().foundSize()).isEqualTo(sizeBefore);
      assertThat(f.what().size()).isEqualTo(sizeBefore - "[9.5, \"o\", \"half".length());
      assertThat(f.session().sha256()).isNotEqualTo(before);
    });
  }

  /** A session cut by a killed gateway, with a checkpoint line for what was on disk then. */
  SessionRecord cutWithCheckpoint(String id, String before, String after) throws Exception {
    Instant start = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    Path file = Recordings.pathFor(dataDir, id, start);
    AsciicastWriter w = AsciicastWriter.create(file, AsciicastWriterTest.header(id));
    byte[] b = before.getBytes(StandardCharsets.UTF_8);
    w.output(b, 0, b.length);
    w.flushFromBackground();
    RecordingCheckpoint cp = w.checkpoint();
    assertThat(cp.size()).isEqualTo(Files.size(file));
    assertThat(cp.sha256()).isEqualTo(Recordings.sha256(file));
    byte[] a = after.getBytes(StandardCharsets.UTF_8);
    w.output(a, 0, a.length);
    w.close(); // stands in for what a killed writer left: the later bytes on disk, no end line
    index.started(new SessionRecord(id, "alice", "db", "c", start, null, null, 0,
        dataDir.relativize(file).toString(), null, SessionState.ACTIVE));
    try (AuditLog log = AuditLog.open(auditFile)) {
      log.append(AuditCode.SESSION_START, Map.of("sessionId", id));
      log.append(AuditCode.RECORDING_CHECKPOINT, Map.of("sessionId", id, "size", cp.size(), "sha256", cp.sha256()));
    }
    return index.find(id).orElseThrow();
  }

  @Test
  void aRecordingEditedBeforeItsLastCheckpointIsAProblemAfterTheRepair() throws Exception {
    SessionRecord s = cutWithCheckpoint("cp", "rm -rf /srv\r\n", "exit\r\n");
    edit(s, "rm -rf", "ls -la");
    List<StartupRepair.Finding> found = StartupRepair.run(dataDir, auditFile, index);
    assertThat(found).singleElement().isInstanceOfSatisfying(StartupRepair.Repaired.class, f -> {
      assertThat(f.checkpoint().seq()).isEqualTo(2);
      assertThat(f.checkpoint().holds()).isFalse();
    });
    SessionRecord repaired = index.find("cp").orElseThrow();
    try (AuditLog log = AuditLog.open(auditFile)) {
      log.append(AuditCode.SESSION_INTERRUPTED, Map.of("sessionId", "cp", "sha256", repaired.sha256()));
    }
    IntegrityReport r = verify(List.of(), null);
    assertThat(r.problems()).anySatisfy(p -> assertThat(p).contains("session cp")
        .contains("as its checkpoint (audit seq 2) says: the recording was changed before the start-up repair"));
    RecordingIntegrity page = IntegrityCheck.session(dataDir, auditFile, repaired, null);
    assertThat(page.status()).isEqualTo(RecordingIntegrity.ALTERED);
    assertThat(page.detail()).contains("the recording was changed before the start-up repair");
  }

  @Test
  void aRepairedRecordingThatMatchesItsCheckpointIsListedWithWhatNothingVouchesFor() throws Exception {
    SessionRecord s = cutWithCheckpoint("cp", "whoami\r\n", "rm -rf /srv\r\n");
    edit(s, "rm -rf", "ls -la"); // after the checkpoint: nothing can tell
    StartupRepair.run(dataDir, auditFile, index);
    SessionRecord repaired = index.find("cp").orElseThrow();
    try (AuditLog log = AuditLog.open(auditFile)) {
      log.append(AuditCode.SESSION_INTERRUPTED, Map.of("sessionId", "cp", "sha256", repaired.sha256()));
    }
    IntegrityReport r = verify(List.of(), null);
    assertThat(r.problems()).isEmpty();
    assertThat(r.notes()).singleElement().asString().startsWith("REPAIRED session cp")
        .contains("match its last checkpoint (audit seq 2); nothing vouches for the bytes after them");
    assertThat(IntegrityCheck.session(dataDir, auditFile, repaired, null).status())
        .isEqualTo(RecordingIntegrity.ALTERED);
  }

  @Test
  void aLiveRecordingEditedBeforeItsCheckpointIsAProblemWhileItRuns() throws Exception {
    SessionRecord s = cutWithCheckpoint("cp", "rm -rf /srv\r\n", "");
    RunningGateway running = new RunningGateway(7, 0, Instant.EPOCH); // started before the session
    assertThat(verify(List.of(), running).problems()).isEmpty();
    edit(s, "rm -rf", "ls -la");
    assertThat(verify(List.of(), running).problems()).singleElement().asString().contains("session cp")
        .contains("changed while it ran");
    assertThat(IntegrityCheck.session(dataDir, auditFile, s, null).detail()).contains("changed while it ran");
  }

  @Test
  void aLiveRecordingReplacedUnderAnAppendedEndLineFailsAgainstItsEarlierCheckpoint() throws Exception {
    // While the session runs (and after a checkpoint of it), the attacker appends its end line and a
    // checkpoint for a recording of their own, sets the row to closed, and kills the gateway so the
    // session never writes its own end line.
    SessionRecord s = cutWithCheckpoint("cp", "rm -rf /srv\r\n", "");
    Path file = dataDir.resolve(s.path());
    Files.writeString(file, Files.readString(file).replace("rm -rf", "ls -la"));
    String fake = Recordings.sha256(file);
    try (AuditLog log = AuditLog.open(auditFile)) {
      log.append(AuditCode.RECORDING_CHECKPOINT, Map.of("sessionId", "cp", "size", Files.size(file), "sha256", fake));
      log.append(AuditCode.SESSION_END, Map.of("sessionId", "cp", "sha256", fake));
    }
    index.ended("cp", Instant.now(), 0, 0, fake, SessionState.CLOSED);
    assertThat(StartupRepair.run(dataDir, auditFile, index)).as("nothing active").isEmpty();

    IntegrityReport r = verify(List.of(), null);
    assertThat(r.problems()).singleElement().asString().contains("session cp")
        .contains("as its checkpoint (audit seq 2) says: the recording is not the one that was written");
    RecordingIntegrity page = IntegrityCheck.session(dataDir, auditFile, index.find("cp").orElseThrow(), null);
    assertThat(page.status()).isEqualTo(RecordingIntegrity.ALTERED);
    assertThat(page.detail()).contains("the recording is not the one that was written");
  }

  @Test
  void aFinishedRecordingMatchesEveryCheckpointItsSessionWrote() throws Exception {
    Instant start = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    Path file = Recordings.pathFor(dataDir, "long", start);
    AsciicastWriter w = AsciicastWriter.create(file, AsciicastWriterTest.header("long"));
    index.started(new SessionRecord("long", "alice", "db", "c", start, null, null, 0,
        dataDir.relativize(file).toString(), null, SessionState.ACTIVE));
    try (AuditLog log = AuditLog.open(auditFile)) {
      log.append(AuditCode.SESSION_START, Map.of("sessionId", "long"));
      for (int i = 0; i < 5; i++) {
        byte[] b = ("line " + i + "\r\n").getBytes(StandardCharsets.UTF_8);
        w.output(b, 0, b.length);
        w.flushFromBackground();
        RecordingCheckpoint cp = w.checkpoint();
        log.append(AuditCode.RECORDING_CHECKPOINT, Map.of("sessionId", "long", "size", cp.size(), "sha256", cp.sha256()));
      }
      ClosedRecording rec = w.close();
      index.ended("long", Instant.now(), 0, rec.outputBytes(), rec.sha256(), SessionState.CLOSED);
      log.append(AuditCode.SESSION_END, Map.of("sessionId", "long", "sha256", rec.sha256()));
    }
    assertThat(verify(List.of(), null).problems()).isEmpty();
    assertThat(IntegrityCheck.session(dataDir, auditFile, index.find("long").orElseThrow(), null).status())
        .isEqualTo(RecordingIntegrity.OK);
  }

  @Test
  void theWitnessFindsAConsistentRewriteAndACut() throws Exception {
    finished("s1", "a\r\n");
    List<ChainWitness.Breach> heard = new ArrayList<>();
    try (AuditLog log = AuditLog.open(auditFile)) {
      ChainWitness w = ChainWitness.start(log, Instant.now(), heard::add);
      assertThat(w.witness().seq()).isEqualTo(2);
      assertThat(w.breach(2)).isNull();
      rewriteChain(lines -> setSha(lines, "s1", "0".repeat(64)));
      ChainWitness.Breach b = w.breach(2);
      assertThat(b).isNotNull();
      assertThat(b.seq()).isEqualTo(2);
      assertThat(heard).hasSize(1);

      log.append(AuditCode.SESSION_START, Map.of("sessionId", "s3"));
      w.witness();
      List<String> l = Files.readAllLines(auditFile);
      Files.writeString(auditFile, String.join("\n", l.subList(0, 2)) + "\n");
      assertThat(w.breach(3).detail()).contains("line seq 3").contains("gone");
      assertThat(heard).hasSize(2);
    }
  }

  @Test
  void theWitnessFindsAnEditedEndLineItWitnessedEarlierInTheRun() throws Exception {
    List<ChainWitness.Breach> heard = new ArrayList<>();
    try (AuditLog log = AuditLog.open(auditFile)) {
      log.append(AuditCode.GATEWAY_START, Map.of());
      ChainWitness w = ChainWitness.start(log, Instant.now(), heard::add);
      finished("s1", "a\r\n");
      assertThat(w.witness().seq()).isEqualTo(3); // as the gateway does right after an end line
      finished("s2", "b\r\n");
      assertThat(w.witness().seq()).isEqualTo(5);
      List<String> l = new ArrayList<>(Files.readAllLines(auditFile));
      ObjectNode end = (ObjectNode) AuditLog.JSON.readTree(l.get(2));
      end.put("sha256", "f".repeat(64));
      end.remove("hash");
      end.put("hash", AuditLog.hashOf(end.get("prev").asText(), end));
      l.set(2, AuditLog.JSON.writeValueAsString(end));
      Files.writeString(auditFile, String.join("\n", l) + "\n");

      assertThat(w.breach(5)).as("the last witnessed line is untouched").isNull();
      ChainWitness.Breach b = w.breach(3);
      assertThat(b).isNotNull();
      assertThat(b.seq()).isEqualTo(3);
      assertThat(b.detail()).contains("line seq 3").contains("now reads");
      assertThat(heard).containsExactly(b);
      assertThat(w.breach(3)).as("still reported, not heard again").isEqualTo(b);
      assertThat(heard).hasSize(1);
    }
  }

  @Test
  void journalHeadsAreReadFromTheGatewaysLogAsTheJournalKeepsIt() {
    String h1 = "a".repeat(64);
    String h2 = "b".repeat(64);
    String journal = """
        Mar 03 10:00:01 bastion gatehouse[812]: 2026-03-03T10:00:01.123Z [INFO] Gateway - audit chain head seq=12 hash=%s
        Mar 03 10:00:02 bastion gatehouse[812]: 2026-03-03T10:00:02.000Z [INFO] Gateway - something else seq=13 hash=%s
        2026-03-03T10:01:01.000Z [INFO] Gateway - audit chain head seq=40 hash=%s
        2026-03-03T10:01:02.000Z [WARN] TargetRouter - no target 'audit chain head seq=41 hash=%s'
        2026-03-03T10:01:03.000Z [INFO] Gateway - user audit chain head seq=42 hash=%s
        audit chain head seq=43 hash=%s
        """.formatted(h1, h2, h2, h1, h1, h2);
    assertThat(ChainHead.fromJournal(journal))
        .containsExactly(new ChainHead(12, h1), new ChainHead(40, h2), new ChainHead(43, h2));
    assertThat(ChainHead.parse("12:" + h1)).isEqualTo(new ChainHead(12, h1));
    assertThat(new ChainHead(12, h1).journalLine()).isEqualTo("audit chain head seq=12 hash=" + h1);
  }
}
