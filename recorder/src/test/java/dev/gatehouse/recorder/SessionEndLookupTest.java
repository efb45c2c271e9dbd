package dev.gatehouse.recorder;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The replay page's integrity check finds a session's lines reading the log backwards, down to its
 * session-start line: every end line, in file order, so that a second one (added later) is seen.
 */
class SessionEndLookupTest {
  @TempDir Path dir;

  @Test
  void findsEveryEndLineOfEachSessionAcrossBlockBoundaries() throws Exception {
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
      IntegrityCheck.SessionLines found = IntegrityCheck.sessionLines(file, "s" + i);
      assertThat(found.ends).as("s" + i).hasSize(1);
      assertThat(found.ends.get(0).line().path("sessionId").asText()).isEqualTo("s" + i);
      assertThat(found.ends.get(0).sha256()).isEqualTo("first-" + i);
      assertThat(found.startSeq).isEqualTo(2L * i + 1);
    }
    IntegrityCheck.SessionLines s7 = IntegrityCheck.sessionLines(file, "s7");
    assertThat(s7.ends).extracting(e -> e.sha256()).containsExactly("first-7", "again-7");
    // "s1" is a prefix of "s10", "s100"...: only its own lines count.
    assertThat(IntegrityCheck.sessionLines(file, "s1").ends).singleElement()
        .satisfies(e -> assertThat(e.line().path("sessionId").asText()).isEqualTo("s1"));
    assertThat(IntegrityCheck.sessionLines(file, "s3000").ends).isEmpty();
  }
}
