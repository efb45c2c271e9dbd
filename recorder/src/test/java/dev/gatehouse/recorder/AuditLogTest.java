package dev.gatehouse.recorder;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuditLogTest {
  @TempDir Path dataDir;
  Path auditFile;
  SessionIndex index;

  @BeforeEach
  void setUp() throws Exception {
    auditFile = dataDir.resolve("audit/audit.jsonl");
    index = SessionIndex.open(dataDir.resolve("gatehouse.db"));
  }

  @org.junit.jupiter.api.AfterEach
  void tearDown() {
    index.close();
  }

  ChainHead writeFive() throws Exception {
    try (AuditLog log = AuditLog.open(auditFile)) {
      log.append(AuditCode.GATEWAY_START, Map.of("version", "0.1.0"));
      log.append(AuditCode.AUTH_OK, Map.of("identity", "alice", "fingerprint", "SHA256:abc"));
      log.append(AuditCode.AUTH_FAILED, Map.of("identity", "mallory", "reason", "cert-expired"));
      log.append(AuditCode.STATEMENT_BLOCKED, Map.of("sessionId", "s1", "statement", "DROP TABLE t"));
      log.append(AuditCode.GATEWAY_STOP, Map.of("uptimeSeconds", 42, "nested", Map.of("b", 1, "a", List.of(1, 2))));
      return log.head();
    }
  }

  List<String> lines() throws Exception {
    return new ArrayList<>(Files.readAllLines(auditFile, StandardCharsets.UTF_8));
  }

  void rewrite(List<String> lines) throws Exception {
    Files.writeString(auditFile, String.join("\n", lines) + "\n");
  }

  IntegrityReport verify(ChainHead expected) throws Exception {
    return IntegrityCheck.verify(dataDir, auditFile, index, expected);
  }

  /**
   * A thread left interrupted (a Ctrl-C a line editor turned into an interrupt of the session's
   * thread) appends like any other: NIO closed the log's channel for good on it, and every later
   * audit write of the gateway, every login's included, failed. Its interrupt status is kept.
   */
  @Test
  void anInterruptedThreadAppendsAndTheLogGoesOnForEveryone() throws Exception {
    ChainHead head;
    try (AuditLog log = AuditLog.open(auditFile)) {
      log.append(AuditCode.GATEWAY_START, Map.of("version", "0.1.0"));
      Thread.currentThread().interrupt();
      try {
        log.append(AuditCode.STATEMENT_BLOCKED, Map.of("sessionId", "s1", "statement", "DROP TABLE t"));
        log.appendAll(List.of(new AuditLog.Pending("GH3000I", "statement-allowed", Map.of("statement", "SELECT 1"))));
        log.sync();
        log.mark();
        assertThat(Thread.currentThread().isInterrupted()).as("the caller's interrupt status is kept").isTrue();
      } finally {
        Thread.interrupted();
      }
      Thread other = new Thread(() -> {
        try {
          log.append(AuditCode.AUTH_OK, Map.of("identity", "alice", "fingerprint", "SHA256:abc"));
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      });
      List<Throwable> failed = new ArrayList<>();
      other.setUncaughtExceptionHandler((t, e) -> failed.add(e));
      other.start();
      other.join();
      assertThat(failed).as("another thread's append after it").isEmpty();
      head = log.head();
    }
    assertThat(lines()).hasSize(4);
    assertThat(verify(head).problems()).isEmpty();
  }

  @Test
  void aLineShowsEveryControlAndInvisibleCharacterEscapedAndStillVerifies() throws Exception {
    String statement = "SELECT 1 -- \u001b]52;c;aGk=\u0007 \u009b2J \u202eevil\u2066 \u200b\u007f x";
    ChainHead head;
    try (AuditLog log = AuditLog.open(auditFile)) {
      log.append(AuditCode.STATEMENT_BLOCKED, Map.of("sessionId", "s1", "statement", statement));
      log.appendAll(List.of(new AuditLog.Pending("GH3001W", "statement-blocked", Map.of("statement", statement))));
      head = log.head();
    }
    byte[] raw = Files.readAllBytes(auditFile);
    String text = new String(raw, StandardCharsets.UTF_8);
    text.codePoints().forEach(cp -> assertThat(VisibleText.hidden(cp) && cp != '\n').as("U+%04X", cp).isFalse());
    assertThat(text).containsIgnoringCase("\\u001b]52").contains("\\u009b").contains("\\u202e").contains("\\u2066");
    for (String line : lines()) {
      assertThat(AuditLog.JSON.readTree(line).get("statement").asText()).isEqualTo(statement);
    }
    assertThat(verify(head).problems()).isEmpty();
  }

  @Test
  void aChainOfLinesVerifies() throws Exception {
    ChainHead head = writeFive();
    assertThat(head.seq()).isEqualTo(5);
    IntegrityReport r = verify(head);
    assertThat(r.problems()).isEmpty();
    assertThat(r.ok()).isTrue();
    assertThat(r.auditLines()).isEqualTo(5);
    List<String> l = lines();
    assertThat(l.get(0)).startsWith("{\"seq\":1,\"time\":\"").contains("\"code\":\"GH5000I\",\"event\":\"gateway-start\"")
        .contains("\"prev\":\"" + "0".repeat(64) + "\"");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(auditFile))).isEqualTo("rw-r-----");
  }

  @Test
  void editingOneFieldIsReportedWithItsSeq() throws Exception {
    ChainHead head = writeFive();
    List<String> l = lines();
    l.set(2, l.get(2).replace("mallory", "malloty"));
    rewrite(l);
    IntegrityReport r = verify(head);
    assertThat(r.ok()).isFalse();
    assertThat(r.problems()).singleElement().asString().contains("audit seq 3").contains("edited");
  }

  @Test
  void deletingALineIsReportedWithItsSeq() throws Exception {
    ChainHead head = writeFive();
    List<String> l = lines();
    l.remove(1);
    rewrite(l);
    assertThat(verify(head).problems()).anySatisfy(p -> assertThat(p).contains("audit seq 3").contains("expected seq 2"));
  }

  @Test
  void swappingTwoLinesIsReportedWithTheirSeqs() throws Exception {
    ChainHead head = writeFive();
    List<String> l = lines();
    String t = l.get(2);
    l.set(2, l.get(3));
    l.set(3, t);
    rewrite(l);
    List<String> problems = verify(head).problems();
    assertThat(problems).anySatisfy(p -> assertThat(p).contains("audit seq 4"));
    assertThat(problems).anySatisfy(p -> assertThat(p).contains("audit seq 3"));
  }

  @Test
  void truncatingTheLastLineIsReportedWithItsSeq() throws Exception {
    ChainHead head = writeFive();
    byte[] all = Files.readAllBytes(auditFile);
    Files.write(auditFile, java.util.Arrays.copyOf(all, all.length - 20));
    assertThat(verify(head).problems()).anySatisfy(p -> assertThat(p).contains("audit seq 5").contains("partial"));
    // Cutting the whole last line leaves a valid chain: only the expected head catches it.
    List<String> l = lines();
    l.remove(4);
    rewrite(l);
    assertThat(verify(null).ok()).isTrue();
    assertThat(verify(head).problems()).singleElement().asString().contains("seq 4").contains("seq 5");
  }

  @Test
  void twoInstancesAppendingFromTwoThreadsKeepAValidChain() throws Exception {
    int perThread = 200;
    CountDownLatch go = new CountDownLatch(1);
    List<Throwable> errors = java.util.Collections.synchronizedList(new ArrayList<>());
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < 2; t++) {
      int id = t;
      Thread th =
          new Thread(
              () -> {
                try (AuditLog log = AuditLog.open(auditFile)) {
                  go.await();
                  for (int i = 0; i < perThread; i++) {
                    log.append(AuditCode.STATEMENT_ALLOWED, Map.of("writer", id, "i", i));
                  }
                } catch (Throwable e) {
                  errors.add(e);
                }
              });
      th.start();
      threads.add(th);
    }
    go.countDown();
    for (Thread th : threads) {
      th.join();
    }
    assertThat(errors).isEmpty();
    IntegrityReport r = verify(null);
    assertThat(r.problems()).isEmpty();
    assertThat(r.auditLines()).isEqualTo(2L * perThread);
  }

  @Test
  void aRecordingEditedAfterCloseIsReported() throws Exception {
    Instant start = Instant.now();
    Path file = Recordings.pathFor(dataDir, "s1", start);
    AsciicastWriter w = AsciicastWriter.create(file, AsciicastWriterTest.header("s1"));
    byte[] b = "rm -rf /tmp/x\r\n".getBytes(StandardCharsets.UTF_8);
    w.output(b, 0, b.length);
    ClosedRecording rec = w.close();
    index.started(
        new SessionRecord("s1", "alice", "db", "c", start, null, null, 0,
            dataDir.relativize(file).toString(), null, SessionState.ACTIVE));
    index.ended("s1", Instant.now(), 0, rec.outputBytes(), rec.sha256(), SessionState.CLOSED);
    try (AuditLog log = AuditLog.open(auditFile)) {
      log.append(AuditCode.SESSION_END, Map.of("sessionId", "s1", "sha256", rec.sha256()));
    }
    IntegrityReport clean = verify(null);
    assertThat(clean.problems()).isEmpty();
    assertThat(clean.sessionsChecked()).isEqualTo(1);

    Files.writeString(file, Files.readString(file).replace("rm -rf", "ls -la"));
    IntegrityReport r = verify(null);
    assertThat(r.problems()).anySatisfy(p -> assertThat(p).contains("session s1").contains("changed after close"));
    assertThat(r.problems()).anySatisfy(p -> assertThat(p).contains("session s1").contains("session-end audit line"));

    Files.delete(file);
    assertThat(verify(null).problems()).anySatisfy(p -> assertThat(p).contains("session s1").contains("missing"));
  }

  @Test
  void groupCommitsChainOntoLinesAnotherWriterAppendedInBetween() throws Exception {
    try (AuditLog a = AuditLog.open(auditFile); AuditLog b = AuditLog.open(auditFile)) {
      a.appendAll(List.of(pending("a1"), pending("a2")));
      b.append(AuditCode.STATEMENT_BLOCKED, Map.of("statement", "b1")); // a's remembered head is stale now
      a.appendAll(List.of(pending("a3")));
      a.appendAll(List.of(pending("a4"))); // a wrote the last line itself: no re-read
      b.append(AuditCode.STATEMENT_BLOCKED, Map.of("statement", "b2"));
    }
    IntegrityReport r = verify(null);
    assertThat(r.problems()).isEmpty();
    assertThat(r.auditLines()).isEqualTo(6L);
    assertThat(lines()).extracting(l -> l.replaceAll(".*\"statement\":\"([^\"]*)\".*", "$1"))
        .containsExactly("a1", "a2", "b1", "a3", "a4", "b2");
  }

  @Test
  void aLogCutBehindAWritersBackIsReadAgainNotChainedOntoWhatWasCut() throws Exception {
    try (AuditLog a = AuditLog.open(auditFile)) {
      a.appendAll(List.of(pending("a1"), pending("a2"), pending("a3")));
      List<String> l = lines();
      l.remove(2);
      rewrite(l); // the last line cut by someone else: the size changed
      a.appendAll(List.of(pending("a4")));
    }
    IntegrityReport r = verify(null);
    assertThat(r.problems()).isEmpty(); // a4 follows a2, the line now last, as a fresh read would chain it
    assertThat(lines()).hasSize(3);
    assertThat(lines().get(2)).contains("\"seq\":3").contains("a4");
  }

  @Test
  void scalarFieldsAreWrittenAsJacksonWritesThem() throws Exception {
    Map<String, Object> fields = new java.util.LinkedHashMap<>();
    fields.put("s", "text");
    fields.put("i", 42);
    fields.put("l", 5_000_000_000L);
    fields.put("b", true);
    fields.put("z", null);
    fields.put("d", 1.5);
    fields.put("list", List.of(1, "x"));
    try (AuditLog a = AuditLog.open(auditFile)) {
      a.appendAll(List.of(
          new AuditLog.Pending(AuditCode.STATEMENT_ALLOWED.code(), AuditCode.STATEMENT_ALLOWED.event(), fields)));
    }
    assertThat(lines().get(0)).contains(
        "\"s\":\"text\",\"i\":42,\"l\":5000000000,\"b\":true,\"z\":null,\"d\":1.5,\"list\":[1,\"x\"]");
    assertThat(verify(null).problems()).isEmpty();
  }

  @Test
  void linesAppendedWithoutSyncAreInTheFileAtOnceAndOnDiskAfterTheNextSync() throws Exception {
    try (AuditLog a = AuditLog.open(auditFile)) {
      a.appendAll(List.of(pending("a1"), pending("a2")));
      long forced = Files.size(auditFile);
      assertThat(a.syncedSize()).isEqualTo(forced);

      a.appendAll(List.of(pending("a3")), false);
      a.appendAll(List.of(pending("a4")), false);
      // Every reader sees them, chained as any other lines; the disk has them once a sync comes.
      assertThat(lines()).hasSize(4);
      assertThat(verify(null).problems()).isEmpty();
      assertThat(a.syncedSize()).isEqualTo(forced).isLessThan(Files.size(auditFile));

      a.sync();
      assertThat(a.syncedSize()).isEqualTo(Files.size(auditFile));
    }
  }

  @Test
  void aLineAppendedOneByOneIsOnDiskWithEveryUnsyncedLineBeforeIt() throws Exception {
    try (AuditLog a = AuditLog.open(auditFile)) {
      a.appendAll(List.of(pending("a1"), pending("a2")), false);
      assertThat(a.syncedSize()).isZero();
      a.append(AuditCode.STATEMENT_BLOCKED, Map.of("statement", "b1")); // a line that must be on disk before its action
      assertThat(a.syncedSize()).isEqualTo(Files.size(auditFile));
    }
    assertThat(lines()).extracting(l -> l.replaceAll(".*\"statement\":\"([^\"]*)\".*", "$1"))
        .containsExactly("a1", "a2", "b1");
  }

  @Test
  void aMarkForTheJournalNamesOnlyALineOnDisk() throws Exception {
    try (AuditLog a = AuditLog.open(auditFile)) {
      a.appendAll(List.of(pending("a1")));
      a.appendAll(List.of(pending("a2"), pending("a3")), false);
      AuditLog.Mark m = a.mark();
      assertThat(m.head().seq()).isEqualTo(3);
      assertThat(a.syncedSize()).isEqualTo(Files.size(auditFile)).isGreaterThan(m.offset());
    }
  }

  @Test
  void closingForcesLinesAppendedWithoutSync() throws Exception {
    AuditLog a = AuditLog.open(auditFile);
    a.appendAll(List.of(pending("a1")), false);
    assertThat(a.syncedSize()).isZero();
    a.close();
    assertThat(a.syncedSize()).isEqualTo(Files.size(auditFile));
  }

  private static AuditLog.Pending pending(String statement) {
    return new AuditLog.Pending(AuditCode.STATEMENT_ALLOWED.code(), AuditCode.STATEMENT_ALLOWED.event(),
        Map.of("statement", statement));
  }
}
