package dev.gatehouse.recorder;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The replay page's integrity check finds a session's last session-end line reading the log backwards. */
class SessionEndLookupTest {
  @TempDir Path dir;

  @Test
  void findsTheLastEndLineOfEachSessionAcrossBlockBoundaries() throws Exception {
    Path file = dir.resolve("audit.jsonl");
    try (AuditLog log = AuditLog.open(file)) {
      for (int i = 0; i < 3000; i++) {
        // ~100+ bytes a line: 3000 lines span several 64 KiB blocks.
        log.append(AuditCode.SESSION_START.code(), AuditCode.SESSION_START.event(),
            Map.of("sessionId", "s" + i, "note", "x".repeat(i % 97)));
        log.append(AuditCode.SESSION_END.code(), AuditCode.SESSION_END.event(),
            Map.of("sessionId", "s" + i, "sha256", "first-" + i));
      }
      log.append(AuditCode.SESSION_END.code(), AuditCode.SESSION_END.event(), Map.of("sessionId", "s7", "sha256", "again-7"));
    }
    for (int i : new int[] {0, 1, 8, 700, 1500, 2999}) {
      JsonNode end = IntegrityCheck.lastSessionEnd(file, "s" + i);
      assertThat(end).as("s" + i).isNotNull();
      assertThat(end.path("sessionId").asText()).isEqualTo("s" + i);
      assertThat(end.path("sha256").asText()).isEqualTo("first-" + i);
    }
    assertThat(IntegrityCheck.lastSessionEnd(file, "s7").path("sha256").asText()).isEqualTo("again-7");
    // "s1" is a prefix of "s10", "s100"...: only its own line counts.
    assertThat(IntegrityCheck.lastSessionEnd(file, "s1").path("sessionId").asText()).isEqualTo("s1");
    assertThat(IntegrityCheck.lastSessionEnd(file, "s3000")).isNull();
  }
}
