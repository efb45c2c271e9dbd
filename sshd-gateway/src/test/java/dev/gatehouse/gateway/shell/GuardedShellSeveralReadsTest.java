package dev.gatehouse.gateway.shell;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Fix 17bg: on a terminal the gateway cannot keep to bash alone, only a text bash reads in one read is sent. */
class GuardedShellSeveralReadsTest {
  @Test
  void oneLineUnderOneReadIsSentAndAnythingLongerOrOfSeveralLinesIsNot() {
    assertThat(GuardedShell.severalReads("ls -l")).isNull();
    assertThat(GuardedShell.severalReads("x".repeat(GuardedShell.ONE_READ - 1))).isNull(); // with its newline: 1024
    assertThat(GuardedShell.severalReads("x".repeat(GuardedShell.ONE_READ))).contains("longer than 1023 bytes");
    assertThat(GuardedShell.severalReads("é".repeat(512))).contains("longer than"); // bytes, not characters
    assertThat(GuardedShell.severalReads("ls '\n$(touch w) #'")).contains("several lines");
  }
}
