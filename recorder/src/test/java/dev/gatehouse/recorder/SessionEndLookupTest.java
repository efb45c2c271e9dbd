package dev.gatehouse.recorder;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The replay page's integrity check finds every line of a session through {@link AuditIndex}: every
 * end line, in file order, so that a second one (added later) is seen; lines appended after a look
 * are seen at the next one, and a line changed in the part already read makes it read again.
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
      SessionLines found = AuditIndex.of(file).look("s" + i).session();
      assertThat(found.ends).as("s" + i).hasSize(1);
      assertThat(found.ends.get(0).line().path("sessionId").asText()).isEqualTo("s" + i);
      assertThat(found.ends.get(0).sha256()).isEqualTo("first-" + i);
      assertThat(found.startSeq()).isEqualTo(2L * i + 1);
    }
    SessionLines s7 = AuditIndex.of(file).look("s7").session();
    assertThat(s7.ends).extracting(e -> e.sha256()).containsExactly("first-7", "again-7");
    // "s1" is a prefix of "s10", "s100"...: only its own lines count.
    assertThat(AuditIndex.of(file).look("s1").session().ends).singleElement()
        .satisfies(e -> assertThat(e.line().path("sessionId").asText()).isEqualTo("s1"));
    assertThat(AuditIndex.of(file).look("s3000").session().ends).isEmpty();
    assertThat(AuditIndex.of(file).look("s3000").chainProblems()).isEmpty();

    // appended after the last look: seen at the next one
    try (AuditLog log = AuditLog.open(file)) {
      log.append(AuditCode.SESSION_END.code(), AuditCode.SESSION_END.event(), Map.of("sessionId", "s8", "sha256", "again-8"));
    }
    assertThat(AuditIndex.of(file).look("s8").session().ends).extracting(e -> e.sha256())
        .containsExactly("first-8", "again-8");

    // a line in the part already read, edited in place (same length: only the bytes tell)
    String text = Files.readString(file, StandardCharsets.UTF_8);
    String edited = text.replaceFirst("xxxx", "xxxy");
    assertThat(edited).hasSameSizeAs(text).isNotEqualTo(text);
    Files.writeString(file, edited, StandardCharsets.UTF_8);
    assertThat(AuditIndex.of(file).look("s1").chainProblems())
        .anySatisfy(p -> assertThat(p).contains("hash does not match its contents"));
  }
}
