package dev.gatehouse.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.recorder.AuditCode;
import dev.gatehouse.recorder.AuditLog;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Queued lines (allowed statements) are in the file as soon as the writer takes them and on disk
 * within the sync interval; a line written at once ({@link Audit#record}) is on disk, with every
 * queued line before it, when the call returns.
 *
 * <p>"On disk" is {@link AuditLog#syncedSize()}, the file's size at the log's last fdatasync. The
 * waits below are bounded only so that a broken writer fails the test instead of hanging it.
 */
class AuditTest {
  @TempDir Path dir;

  @Test
  void queuedLinesAreWrittenAtOnceAndForcedWithinTheSyncInterval() throws Exception {
    Path file = dir.resolve("audit/audit.jsonl");
    // A long interval, so that "written but not yet forced" lasts long enough to be seen on any machine.
    Duration interval = Duration.ofSeconds(3);
    try (AuditLog log = AuditLog.open(file)) {
      Audit audit = new Audit(log, interval);
      audit.recordLater(AuditCode.STATEMENT_ALLOWED, "sessionId", "s1", "statement", "select 1");
      long queuedAt = System.nanoTime();

      waitFor(() -> lines(file).size() == 1, Duration.ofSeconds(2));
      long writtenAt = System.nanoTime();
      assertThat(lines(file).get(0)).contains("\"statement\":\"select 1\"");
      // Written before its fdatasync: the writer did not hold the line back for the disk.
      assertThat(log.syncedSize()).isLessThan(Files.size(file));
      assertThat(Duration.ofNanos(writtenAt - queuedAt)).isLessThan(interval);

      waitFor(() -> log.syncedSize() == Files.size(file), interval.multipliedBy(4));
      // Generous: the bound is the interval; the margin is for a loaded machine's scheduling.
      assertThat(Duration.ofNanos(System.nanoTime() - writtenAt)).isLessThan(interval.plusSeconds(3));
    }
  }

  @Test
  void aLinesFieldsAreWrittenInTheGivenOrderWithoutTheNullOnesAndARepeatedNameKeepsItsLastValue() throws Exception {
    Path file = dir.resolve("audit/audit.jsonl");
    try (AuditLog log = AuditLog.open(file)) {
      Audit audit = new Audit(log, Duration.ofSeconds(1));
      java.util.List<java.util.Map<String, Object>> seen = new java.util.ArrayList<>();
      audit.observe((code, fields) -> seen.add(java.util.Map.copyOf(fields)));
      audit.recordLater(AuditCode.STATEMENT_ALLOWED, "sessionId", "s1", "rule", null, "statement", "select 1", "rows", 3L);
      waitFor(() -> lines(file).size() == 1, Duration.ofSeconds(2)); // the queued line first, then one at once
      audit.record(AuditCode.STATEMENT_BLOCKED, "sessionId", "s1", "verdict", "allow", "statement", "x", "verdict", "block");
      waitFor(() -> lines(file).size() == 2, Duration.ofSeconds(2));
      List<String> lines = lines(file);
      assertThat(lines.get(0)).contains("\"code\":\"GH3000I\",\"event\":\"statement-allowed\","
          + "\"sessionId\":\"s1\",\"statement\":\"select 1\",\"rows\":3,\"prev\":").doesNotContain("rule");
      assertThat(lines.get(1)).contains("\"sessionId\":\"s1\",\"verdict\":\"block\",\"statement\":\"x\",\"prev\":");
      assertThat(seen).containsExactly(
          java.util.Map.of("sessionId", "s1", "statement", "select 1", "rows", 3L),
          java.util.Map.of("sessionId", "s1", "verdict", "block", "statement", "x"));
    }
  }

  @Test
  void aLineRecordedAtOnceIsOnDiskWithTheQueuedLinesBeforeItWhenRecordReturns() throws Exception {
    Path file = dir.resolve("audit/audit.jsonl");
    try (AuditLog log = AuditLog.open(file)) {
      Audit audit = new Audit(log, Duration.ofSeconds(1));
      audit.recordLater(AuditCode.STATEMENT_ALLOWED, "sessionId", "s1", "statement", "select 1");
      audit.recordLater(AuditCode.STATEMENT_ALLOWED, "sessionId", "s1", "statement", "select 2");
      waitFor(() -> lines(file).size() == 2, Duration.ofSeconds(2));
      assertThat(log.syncedSize()).isLessThan(Files.size(file));

      // A refusal: on disk before the client is told, and so is everything written before it.
      audit.record(AuditCode.STATEMENT_BLOCKED, "sessionId", "s1", "statement", "drop table t");
      assertThat(log.syncedSize()).isEqualTo(Files.size(file));
      assertThat(lines(file)).hasSize(3);
      assertThat(lines(file).get(2)).contains("\"event\":\"statement-blocked\"");
    }
  }

  @Test
  void flushReturnsWithTheQueuedLinesOnDisk() throws Exception {
    Path file = dir.resolve("audit/audit.jsonl");
    try (AuditLog log = AuditLog.open(file)) {
      Audit audit = new Audit(log, Duration.ofSeconds(1));
      for (int i = 0; i < 50; i++) {
        audit.recordLater(AuditCode.STATEMENT_ALLOWED, "sessionId", "s1", "statement", "select " + i);
      }
      audit.flush();
      assertThat(lines(file)).hasSize(50);
      assertThat(log.syncedSize()).isEqualTo(Files.size(file));
    }
  }

  @Test
  void withAZeroIntervalEachGroupIsForcedBeforeTheNextIsTaken() throws Exception {
    Path file = dir.resolve("audit/audit.jsonl");
    try (AuditLog log = AuditLog.open(file)) {
      Audit audit = new Audit(log, Duration.ZERO);
      audit.recordLater(AuditCode.STATEMENT_ALLOWED, "sessionId", "s1", "statement", "select 1");
      waitFor(() -> log.syncedSize() > 0, Duration.ofSeconds(2));
      assertThat(log.syncedSize()).isEqualTo(Files.size(file));
      assertThat(lines(file)).hasSize(1);
    }
  }

  @Test
  void linesQueuedFromManyThreadsAreAllWrittenInTheirOrderOnOneChain() throws Exception {
    Path file = dir.resolve("audit/audit.jsonl");
    int threads = 4;
    int each = 500;
    try (AuditLog log = AuditLog.open(file)) {
      Audit audit = new Audit(log, Duration.ZERO);
      List<Thread> writers = new java.util.ArrayList<>();
      for (int t = 0; t < threads; t++) {
        String session = "s" + t;
        writers.add(new Thread(() -> {
          for (int i = 0; i < each; i++) {
            audit.recordLater(AuditCode.STATEMENT_ALLOWED, "sessionId", session, "statement", "select " + i);
          }
        }));
      }
      writers.forEach(Thread::start);
      for (Thread w : writers) {
        w.join();
      }
      audit.flush();

      List<String> lines = lines(file);
      assertThat(lines).hasSize(threads * each);
      assertThat(log.syncedSize()).isEqualTo(Files.size(file));
      // Each session's statements in the order they were queued; seq runs without a gap; each links to the one before.
      int[] next = new int[threads];
      String prev = null;
      var json = new com.fasterxml.jackson.databind.ObjectMapper();
      for (int n = 0; n < lines.size(); n++) {
        com.fasterxml.jackson.databind.JsonNode line = json.readTree(lines.get(n));
        assertThat(line.get("seq").asLong()).isEqualTo(n + 1);
        if (prev != null) {
          assertThat(line.get("prev").asText()).isEqualTo(prev);
        }
        prev = line.get("hash").asText();
        int t = Integer.parseInt(line.get("sessionId").asText().substring(1));
        assertThat(line.get("statement").asText()).isEqualTo("select " + next[t]++);
      }
    }
  }

  private static List<String> lines(Path file) throws Exception {
    return Files.exists(file) ? Files.readAllLines(file, StandardCharsets.UTF_8) : List.of();
  }

  private interface Condition {
    boolean holds() throws Exception;
  }

  private static void waitFor(Condition c, Duration atMost) throws Exception {
    long deadline = System.nanoTime() + atMost.toNanos();
    while (!c.holds()) {
      assertThat(System.nanoTime()).as("waited %s", atMost).isLessThan(deadline);
      Thread.sleep(5);
    }
  }
}
