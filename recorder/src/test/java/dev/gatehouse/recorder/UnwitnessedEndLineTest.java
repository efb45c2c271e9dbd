package dev.gatehouse.recorder;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gateway logs the chain head to the journal right after every line that ends a session, with
 * that line's own seq. An end line the journal has no head for was written after the gateway's
 * last head: a crash between the line and its head, or a line added while no gateway ran (a later
 * start's head covers it as well, so only a head at exactly its seq witnesses it).
 */
class UnwitnessedEndLineTest {
  @TempDir Path dataDir;
  Path auditFile;
  SessionIndex index;
  /** What the gateway logged to the journal, in order. */
  final List<ChainHead> journal = new ArrayList<>();

  @BeforeEach
  void setUp() throws Exception {
    auditFile = dataDir.resolve("audit/audit.jsonl");
    index = SessionIndex.open(dataDir.resolve("gatehouse.db"));
  }

  @AfterEach
  void tearDown() {
    index.close();
  }

  /** A finished session: recording, row, start and end line; {@code journaled}: its head logged. */
  private AuditEntry finished(String id, boolean journaled) throws Exception {
    Instant start = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    Path file = Recordings.pathFor(dataDir, id, start);
    AsciicastWriter w = AsciicastWriter.create(file, AsciicastWriterTest.header(id));
    byte[] b = ("output of " + id).getBytes(StandardCharsets.UTF_8);
    w.output(b, 0, b.length);
    ClosedRecording rec = w.close();
    index.started(new SessionRecord(id, "alice", "db", "c", start, null, null, 0,
        dataDir.relativize(file).toString(), null, SessionState.ACTIVE));
    try (AuditLog log = AuditLog.open(auditFile)) {
      log.append(AuditCode.SESSION_START, Map.of("sessionId", id));
      index.ended(id, Instant.now(), 0, rec.outputBytes(), rec.sha256(), SessionState.CLOSED);
      AuditEntry end = log.append(AuditCode.SESSION_END, Map.of("sessionId", id, "sha256", rec.sha256(),
          "exitStatus", 0, "bytes", rec.outputBytes()));
      if (journaled) {
        journal.add(end.mark().head());
      }
      return end;
    }
  }

  /** Any other line, with its head logged (a gateway start's head, the minute's head). */
  private AuditEntry other(String event) throws Exception {
    try (AuditLog log = AuditLog.open(auditFile)) {
      AuditEntry e = log.append(AuditCode.GATEWAY_START, Map.of("reason", event));
      journal.add(e.mark().head());
      return e;
    }
  }

  private IntegrityReport verify(List<ChainHead> heads) throws Exception {
    return IntegrityCheck.verify(dataDir, auditFile, index, heads, null);
  }

  @Test
  void anEndLineWithoutAHeadAtItsOwnSeqIsAProblemEvenWhenALaterHeadCoversIt() throws Exception {
    AuditEntry a = finished("s-a", true);
    AuditEntry b = finished("s-b", false); // written, then the gateway was gone before its head
    other("restart"); // the next start's head covers b's line too
    IntegrityReport r = verify(journal);
    assertThat(r.problems()).as(String.join("\n", r.problems())).containsExactly(
        "audit seq " + b.seq() + ": session s-b: its session-end line (seq " + b.seq() + ") is not witnessed: the"
            + " gateway logs the chain head to the journal right after every such line, so it was written after the"
            + " last head the gateway logged (a gateway stopped between writing it and logging its head, or it was"
            + " added while no gateway ran): the journal has no head for seq " + b.seq());
    assertThat(r.problems()).noneMatch(p -> p.contains("s-a") || p.contains("seq " + a.seq() + ")"));
  }

  @Test
  void everyEndLineWitnessedByItsOwnHeadIsOk() throws Exception {
    finished("s-a", true);
    finished("s-b", true);
    other("minute");
    IntegrityReport r = verify(journal);
    assertThat(r.problems()).isEmpty();
    assertThat(r.ok()).isTrue();
  }

  @Test
  void endLinesBeforeTheJournalsFirstHeadAreLeftToTheChainAndSaidSo() throws Exception {
    finished("s-old", false);
    journal.clear(); // the journal given starts later (rotated)
    finished("s-a", true);
    IntegrityReport r = verify(journal);
    assertThat(r.problems()).isEmpty();
    assertThat(r.notes()).anyMatch(n -> n.startsWith("NOTE 1 line ending a session lies before the journal's first head"));
  }

  @Test
  void withoutJournalHeadsNothingIsClaimedAboutWitnesses() throws Exception {
    finished("s-a", false);
    assertThat(verify(List.of()).problems()).isEmpty();
  }

  @Test
  void theStartUpFlagsClosedSessionsWhoseEndLinesLieAfterTheLastJournaledHead() throws Exception {
    finished("s-a", true);
    ChainHead last = journal.get(journal.size() - 1);
    AuditEntry b = finished("s-b", false);
    List<StartupRepair.Finding> found = StartupRepair.run(dataDir, auditFile, index, last);
    assertThat(found).hasSize(1);
    StartupRepair.NotWitnessed nw = (StartupRepair.NotWitnessed) found.get(0);
    assertThat(nw.session().id()).isEqualTo("s-b");
    assertThat(nw.endSeq()).isEqualTo(b.seq());
    assertThat(nw.endSha256()).isEqualTo(index.find("s-b").orElseThrow().sha256());
    assertThat(nw.recordingSha256()).isEqualTo(nw.endSha256());
    // Nothing is changed: the row stays as found.
    assertThat(index.find("s-b").orElseThrow().state()).isEqualTo(SessionState.CLOSED);

    // With the head after it recorded, nothing is flagged.
    assertThat(StartupRepair.run(dataDir, auditFile, index, b.mark().head())).isEmpty();
  }

  @Test
  void aFlaggedEndLineIsAProblemAndAlteredUntilTheJournalShowsItsHead() throws Exception {
    finished("s-a", true);
    ChainHead last = journal.get(journal.size() - 1);
    AuditEntry b = finished("s-b", false);
    StartupRepair.NotWitnessed nw = (StartupRepair.NotWitnessed) StartupRepair.run(dataDir, auditFile, index, last)
        .get(0);
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("sessionId", "s-b");
    fields.put("endSeq", nw.endSeq());
    fields.put("endEvent", nw.endEvent());
    fields.put("endSha256", nw.endSha256());
    fields.put("journaledSeq", nw.journaled().seq());
    fields.put("recordingSha256", nw.recordingSha256());
    AuditEntry flagged;
    try (AuditLog log = AuditLog.open(auditFile)) {
      flagged = log.append(AuditCode.SESSION_END_UNWITNESSED, fields);
    }
    journal.add(flagged.mark().head());
    // Flagged once: a second start does not flag it again.
    assertThat(StartupRepair.run(dataDir, auditFile, index, last)).isEmpty();

    RecordingIntegrity page = IntegrityCheck.session(dataDir, auditFile, index.find("s-b").orElseThrow(), null);
    assertThat(page.status()).isEqualTo(RecordingIntegrity.ALTERED);
    assertThat(page.detail()).contains("its session-end line (seq " + b.seq() + ") is not witnessed");
    assertThat(IntegrityCheck.session(dataDir, auditFile, index.find("s-a").orElseThrow(), null).status())
        .isEqualTo(RecordingIntegrity.OK);

    IntegrityReport without = verify(List.of());
    assertThat(without.problems()).anyMatch(p -> p.startsWith("audit seq " + flagged.seq() + ": session s-b: its"
        + " session-end line (seq " + b.seq() + ") is not witnessed"));

    // The journal holds the head logged for b (the gateway logged it, then stopped before recording it).
    List<ChainHead> withB = new ArrayList<>(journal);
    withB.add(b.mark().head());
    IntegrityReport witnessed = verify(withB);
    assertThat(witnessed.problems()).isEmpty();
    assertThat(witnessed.notes()).anyMatch(n -> n.startsWith("WITNESSED session s-b"));
  }

  @Test
  void theLastJournaledHeadIsKeptBesideTheAuditLogOwnerOnlyAndOnlyMovesForward() throws Exception {
    JournaledHead h = JournaledHead.besides(auditFile);
    Files.createDirectories(auditFile.getParent());
    assertThat(h.read()).isEmpty();
    ChainHead five = new ChainHead(5, "a".repeat(64));
    h.record(five);
    h.record(new ChainHead(3, "b".repeat(64)));
    assertThat(h.read()).contains(five);
    assertThat(Files.getPosixFilePermissions(h.file())).containsExactlyInAnyOrder(
        java.nio.file.attribute.PosixFilePermission.OWNER_READ, java.nio.file.attribute.PosixFilePermission.OWNER_WRITE);
    assertThat(JournaledHead.besides(auditFile).read()).contains(five);
  }
}
