package dev.gatehouse.recorder;

import static org.assertj.core.api.Assertions.assertThat;

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
 * Attacks on recording integrity by someone who can write the data directory (not the journal).
 * The chain's hash is computed over the parsed, canonical line ({@link AuditLog#hashOf}), so the
 * raw bytes of a line can be re-spelled (a JSON escape in a string, JSON white space such as a
 * bare CR between fields) without changing its hash or breaking the chain. Readers that look at
 * the raw bytes instead of the parsed line — the replay page's backward scan (a byte search for
 * the session id, stopping at the first session-start line it meets) and the start-up repair (a
 * regex over {@code readLine()} lines) — can then be made to miss a session's real end line.
 * Each test asserts the safe outcome, so it fails while the attack works.
 */
class IntegrityAttack19Test {
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
  private SessionRecord finished(String id, String output) throws Exception {
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

  /** Edits the recording and sets the index's hash to the edited file's; returns that hash. */
  private String editRecordingAndIndex(SessionRecord s) throws Exception {
    Path f = dataDir.resolve(s.path());
    String text = Files.readString(f);
    assertThat(text).contains("rm -rf");
    Files.writeString(f, text.replace("rm -rf", "ls -la"));
    String forged = Recordings.sha256(f);
    index.ended(s.id(), s.end(), 0, s.bytes(), forged, SessionState.CLOSED);
    return forged;
  }

  /** Rewrites the raw bytes of audit line {@code lineNo} (1-based); its parsed value must stay the same. */
  private void respell(int lineNo, String from, String to) throws Exception {
    List<String> l = new ArrayList<>(List.of(Files.readString(auditFile, StandardCharsets.UTF_8).split("\n", -1)));
    String before = l.get(lineNo - 1);
    assertThat(before).contains(from);
    String after = before.replace(from, to);
    assertThat(AuditLog.JSON.readTree(after)).as("same parsed line").isEqualTo(AuditLog.JSON.readTree(before));
    l.set(lineNo - 1, after);
    Files.writeString(auditFile, String.join("\n", l), StandardCharsets.UTF_8);
  }

  private void flipToActive(String id) throws Exception {
    try (var db = java.sql.DriverManager.getConnection("jdbc:sqlite:" + dataDir.resolve("gatehouse.db"));
        var st = db.createStatement()) {
      st.executeUpdate("UPDATE rec_sessions SET state='active', sha256=NULL, end_ms=NULL WHERE id='" + id + "'");
    }
  }

  /**
   * Append-only, nothing existing touched: a second session-start line and a session-end line with
   * the edited hash, after the real ones. The page reads backwards and stops at the first start
   * line it meets — the forged one — so it never sees the real end line, and shows {@code ok}.
   */
  @Test
  void aForgedStartAndEndAppendedAfterTheRealOnesDoNotMakeAnEditedRecordingOk() throws Exception {
    SessionRecord s = finished("s1", "rm -rf /srv\r\n");
    String forged = editRecordingAndIndex(s);
    try (AuditLog log = AuditLog.open(auditFile)) { // appending is open to anyone who can write the file
      log.append(AuditCode.SESSION_START, Map.of("sessionId", "s1"));
      log.append(AuditCode.SESSION_END, Map.of("sessionId", "s1", "sha256", forged, "exitStatus", 0));
    }
    IntegrityReport r = IntegrityCheck.verify(dataDir, auditFile, index, List.of(), null);
    assertThat(r.ok()).as("verify: %s", r.problems()).isFalse(); // verify reads every line: it holds
    RecordingIntegrity page = IntegrityCheck.session(dataDir, auditFile, index.find("s1").orElseThrow(), null);
    assertThat(page.status()).as("page: %s", page.detail()).isEqualTo(RecordingIntegrity.ALTERED);
  }

  /**
   * The real end line re-spelled with a JSON escape in the session id (same parsed line, same
   * hash, chain intact), then a forged end line with the edited hash appended: the page's byte
   * search for the id no longer finds the real end line.
   */
  @Test
  void anEndLineRespelledWithAJsonEscapeIsStillTheSessionsFirstEndOnThePage() throws Exception {
    SessionRecord s = finished("s1", "rm -rf /srv\r\n");
    String forged = editRecordingAndIndex(s);
    respell(2, "\"sessionId\":\"s1\"", "\"sessionId\":\"\\u00731\"");
    try (AuditLog log = AuditLog.open(auditFile)) {
      log.append(AuditCode.SESSION_END, Map.of("sessionId", "s1", "sha256", forged, "exitStatus", 0));
    }
    IntegrityReport r = IntegrityCheck.verify(dataDir, auditFile, index, List.of(), null);
    assertThat(r.problems()).as("the respelled line still hashes").noneSatisfy(p -> assertThat(p).contains("edited"));
    assertThat(r.ok()).isFalse();
    RecordingIntegrity page = IntegrityCheck.session(dataDir, auditFile, index.find("s1").orElseThrow(), null);
    assertThat(page.status()).as("page: %s", page.detail()).isEqualTo(RecordingIntegrity.ALTERED);
    assertThat(page.detail()).contains("ends this session 2 times");
  }

  /**
   * Edit + row back to active + restart, with the end line re-spelled (a JSON escape in the id) so
   * that the start-up repair's regex does not see it: the session has an end line, so it must not
   * be repaired or re-hashed.
   */
  @Test
  void startupRepairSeesAnEndLineWhoseIdIsSpelledWithAnEscape() throws Exception {
    SessionRecord s = finished("s1", "rm -rf /srv\r\n");
    String original = s.sha256();
    editRecordingAndIndex(s);
    respell(2, "\"sessionId\":\"s1\"", "\"sessionId\":\"\\u00731\"");
    flipToActive("s1");
    List<StartupRepair.Finding> found = StartupRepair.run(dataDir, auditFile, index);
    assertThat(found).singleElement().isInstanceOf(StartupRepair.AlreadyEnded.class);
    assertThat(index.find("s1").orElseThrow().sha256()).as("not re-hashed").isEqualTo(original);
  }

  /**
   * The same with a bare CR — JSON white space — between two fields of the end line:
   * {@code BufferedReader.readLine} splits the line there, so neither half parses.
   */
  @Test
  void startupRepairSeesAnEndLineHoldingABareCarriageReturnBetweenFields() throws Exception {
    SessionRecord s = finished("s1", "rm -rf /srv\r\n");
    String original = s.sha256();
    editRecordingAndIndex(s);
    respell(2, ",\"sessionId\":", ",\r\"sessionId\":");
    flipToActive("s1");
    List<StartupRepair.Finding> found = StartupRepair.run(dataDir, auditFile, index);
    assertThat(found).singleElement().isInstanceOf(StartupRepair.AlreadyEnded.class);
    assertThat(index.find("s1").orElseThrow().sha256()).as("not re-hashed").isEqualTo(original);
  }
}
