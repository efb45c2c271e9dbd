package dev.gatehouse.gateway.shell;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.gateway.terminal.TerminalReaders;
import org.junit.jupiter.api.Test;

/** Fix 17bg: the guard's own look at /proc finds the test's own process as it is. */
class TerminalReadersStatTest {
  @Test
  void aProcessWithoutATerminalIsNoReaderAndTheShellMustLeadTheSession() throws Exception {
    long self = ProcessHandle.current().pid();
    // This JVM as "the shell" of a session it does not lead: refused, never taken as the only reader.
    TerminalReaders.Reader r = TerminalReaders.otherReader(java.nio.file.Path.of("/proc"), 1, self, self, self + 1, 1L);
    assertThat(r.why()).contains("session leader");
    assertThat(r.job()).isFalse();
  }
}
