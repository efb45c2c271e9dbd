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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every reader of the audit log reads it through {@link AuditReader}: a line must be byte for byte
 * what the gateway writes, because the chain's hash covers the parsed values and not the bytes. A
 * line spelled otherwise (same values, same hash) is a problem for {@code sessions verify}, makes
 * the replay page say altered, and keeps the start-up repair from vouching for its session.
 */
class AuditLineFormTest {
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

  private SessionRecord started(String id) throws Exception {
    Instant start = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    Path file = Recordings.pathFor(dataDir, id, start);
    AsciicastWriter w = AsciicastWriter.create(file, AsciicastWriterTest.header(id));
    byte[] b = "whoami\r\n".getBytes(StandardCharsets.UTF_8);
    w.output(b, 0, b.length);
    w.close();
    index.started(new SessionRecord(id, "josé", "db", "c", start, null, null, 0,
        dataDir.relativize(file).toString(), null, SessionState.ACTIVE));
    try (AuditLog log = AuditLog.open(auditFile)) {
      log.append(AuditCode.SESSION_START, Map.of("sessionId", id, "identity", "josé"));
    }
    return index.find(id).orElseThrow();
  }

  private SessionRecord finished(String id) throws Exception {
    SessionRecord s = started(id);
    String sha = Recordings.sha256(dataDir.resolve(s.path()));
    index.ended(id, Instant.now(), 0, 8, sha, SessionState.CLOSED);
    try (AuditLog log = AuditLog.open(auditFile)) {
      log.append(AuditCode.SESSION_END, Map.of("sessionId", id, "sha256", sha, "exitStatus", 0));
    }
    return index.find(id).orElseThrow();
  }

  private void respell(int lineNo, String from, String to) throws Exception {
    List<String> l = new ArrayList<>(List.of(Files.readString(auditFile, StandardCharsets.UTF_8).split("\n", -1)));
    String before = l.get(lineNo - 1);
    assertThat(before).contains(from);
    String after = before.replace(from, to);
    assertThat(AuditLog.JSON.readTree(after)).as("the same values").isEqualTo(AuditLog.JSON.readTree(before));
    l.set(lineNo - 1, after);
    Files.writeString(auditFile, String.join("\n", l), StandardCharsets.UTF_8);
  }

  @ParameterizedTest(name = "[{index}] {0} -> {1}")
  @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
    "`\"sessionId\":\"s1\"` | `\"sessionId\":\"\\u00731\"`", // an escape of an ASCII letter
    "`\"sessionId\":\"s1\"` | `\"sessionId\":\"\\u0073\\u0031\"`",
    "`\"identity\":\"josé\"` | `\"identity\":\"jos\\u00e9\"`", // an escape of a letter shown as itself
    "`,\"sessionId\":` | `,␍\"sessionId\":`", // JSON white space: a bare CR (␍)
    "`,\"sessionId\":` | `, \"sessionId\":`",
    "`\"sessionId\":\"s1\"` | `\"sessionId\" : \"s1\"`",
  })
  void aLineSpelledOtherwiseIsAProblemForVerifyAndThePage(String from, String to) throws Exception {
    SessionRecord s = finished("s1");
    assertThat(IntegrityCheck.session(dataDir, auditFile, s, null).status()).isEqualTo(RecordingIntegrity.OK);
    respell(1, from, to.replace("␍", "\r"));

    IntegrityReport r = IntegrityCheck.verify(dataDir, auditFile, index, List.of(), null);
    assertThat(r.problems()).anySatisfy(p -> assertThat(p).contains("line 1").contains("not written as the gateway"));
    RecordingIntegrity page = IntegrityCheck.session(dataDir, auditFile, s, null);
    assertThat(page.status()).isEqualTo(RecordingIntegrity.ALTERED);
    assertThat(page.detail()).contains("not written as the gateway writes its lines");
  }

  @Test
  void theLinesOwnKeysInAnotherOrderAreAProblemThoughTheHashIgnoresOrder() throws Exception {
    SessionRecord s = finished("s1");
    String line = Files.readString(auditFile, StandardCharsets.UTF_8).split("\n")[1];
    String reordered = line.replaceFirst("^\\{(\"seq\":2),(\"time\":\"[^\"]+\"),", "{$2,$1,");
    assertThat(reordered).isNotEqualTo(line);
    assertThat(AuditLog.hashOf("", AuditLog.JSON.readTree(reordered)))
        .isEqualTo(AuditLog.hashOf("", AuditLog.JSON.readTree(line)));
    Files.writeString(auditFile, Files.readString(auditFile).replace(line, reordered));
    assertThat(IntegrityCheck.verify(dataDir, auditFile, index, List.of(), null).problems())
        .anySatisfy(p -> assertThat(p).contains("audit seq 2 (line 2)").contains("not written as the gateway"));
    assertThat(IntegrityCheck.session(dataDir, auditFile, s, null).status()).isEqualTo(RecordingIntegrity.ALTERED);
  }

  @Test
  void aSecondStartLineIsAddedAndBothChecksSaySo() throws Exception {
    SessionRecord s = finished("s1");
    try (AuditLog log = AuditLog.open(auditFile)) {
      log.append(AuditCode.SESSION_START, Map.of("sessionId", "s1"));
    }
    assertThat(IntegrityCheck.verify(dataDir, auditFile, index, List.of(), null).problems())
        .anySatisfy(p -> assertThat(p).contains("session s1: the audit log starts it 2 times (seq 1, 3)"));
    RecordingIntegrity page = IntegrityCheck.session(dataDir, auditFile, s, null);
    assertThat(page.status()).isEqualTo(RecordingIntegrity.ALTERED);
    assertThat(page.detail()).contains("starts this session 2 times");
  }

  @Test
  void aLineAppendedAfterTheLastWitnessedHeadThatBreaksTheChainMakesThePageAltered() throws Exception {
    SessionRecord s = finished("s1");
    try (AuditLog log = AuditLog.open(auditFile)) {
      ChainWitness w = ChainWitness.start(log, Instant.now(), b -> { });
      w.witness();
      assertThat(IntegrityCheck.session(dataDir, auditFile, s, w).status()).isEqualTo(RecordingIntegrity.OK);
      // appended by hand, past the last head the gateway logged: not a line of the chain
      Files.writeString(auditFile, "{\"seq\":3,\"event\":\"note\",\"prev\":\"x\",\"hash\":\"y\"}\n",
          java.nio.file.StandardOpenOption.APPEND);
      assertThat(IntegrityCheck.verify(dataDir, auditFile, index, List.of(), null).ok()).isFalse();
      RecordingIntegrity page = IntegrityCheck.session(dataDir, auditFile, s, w);
      assertThat(page.status()).isEqualTo(RecordingIntegrity.ALTERED);
      assertThat(page.detail()).contains("audit seq 3 (line 3)").contains("prev does not match");
    }
  }

  @Test
  void startupRepairDoesNotVouchForASessionWhoseLineIsSpelledOtherwise() throws Exception {
    SessionRecord s = started("s1");
    String before = Files.readString(dataDir.resolve(s.path()));
    respell(1, "\"sessionId\":\"s1\"", "\"sessionId\":\"\\u00731\"");
    List<StartupRepair.Finding> found = StartupRepair.run(dataDir, auditFile, index);
    assertThat(found).singleElement().isInstanceOfSatisfying(StartupRepair.Unvouched.class,
        u -> assertThat(u.reason()).contains("line 1").contains("not written as the gateway"));
    SessionRecord now = index.find("s1").orElseThrow();
    assertThat(now.state()).isEqualTo(SessionState.INTERRUPTED);
    assertThat(now.sha256()).as("not hashed").isNull();
    assertThat(Files.readString(dataDir.resolve(s.path()))).as("left as found").isEqualTo(before);
  }

  @Test
  void startupRepairDoesNotVouchForAnySessionWhileALineDoesNotParse() throws Exception {
    started("s1");
    started("s2");
    // a line that could have been anyone's end line, garbled
    Files.writeString(auditFile, "{\"seq\":3,\"event\":\"session-end\",\"sessionId\":\"s2\"\n",
        java.nio.file.StandardOpenOption.APPEND);
    List<StartupRepair.Finding> found = StartupRepair.run(dataDir, auditFile, index);
    assertThat(found).hasSize(2).allSatisfy(f -> assertThat(f).isInstanceOfSatisfying(StartupRepair.Unvouched.class,
        u -> assertThat(u.reason()).contains("line 3").contains("does not parse")));
    assertThat(index.find("s1").orElseThrow().sha256()).isNull();
    assertThat(index.find("s2").orElseThrow().sha256()).isNull();
  }

  @Test
  void aSessionInterruptedWithoutRepairIsAProblemForVerifyAndThePage() throws Exception {
    SessionRecord s = started("s1");
    index.ended("s1", s.start(), null, 0, null, SessionState.INTERRUPTED);
    try (AuditLog log = AuditLog.open(auditFile)) { // as the gateway records an Unvouched finding
      log.append(AuditCode.SESSION_INTERRUPTED, Map.of("sessionId", "s1", IntegrityCheck.NOT_REPAIRED,
          "audit line 9 (byte 1): line does not parse as an entry"));
    }
    assertThat(IntegrityCheck.verify(dataDir, auditFile, index, List.of(), null).problems())
        .anySatisfy(p -> assertThat(p).contains("neither repaired nor hashed").contains("line does not parse"));
    RecordingIntegrity page = IntegrityCheck.session(dataDir, auditFile, index.find("s1").orElseThrow(), null);
    assertThat(page.status()).isEqualTo(RecordingIntegrity.ALTERED);
    assertThat(page.detail()).contains("neither repaired nor hashed");
  }
}
