package dev.gatehouse.gateway.terminal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Fix 17bk: the terminal is told by its character device, read as glibc and /proc encode it. */
class TerminalReadersDeviceTest {
  @Test
  void devicesAreReadAsMajorAndMinor() throws Exception {
    long tty = ((Number) Files.getAttribute(Path.of("/dev/tty"), "unix:rdev")).longValue();
    assertThat(new long[] {TerminalReaders.major(tty), TerminalReaders.minor(tty)}).containsExactly(5, 0);
    long nul = ((Number) Files.getAttribute(Path.of("/dev/null"), "unix:rdev")).longValue();
    assertThat(new long[] {TerminalReaders.major(nul), TerminalReaders.minor(nul)}).containsExactly(1, 3);
    // glibc's makedev(136, 300) (/dev/pts/300) and a large minor
    long pts = (136L << 8) | (300 & 0xff) | ((300L & ~0xffL) << 12);
    assertThat(new long[] {TerminalReaders.major(pts), TerminalReaders.minor(pts)}).containsExactly(136, 300);
  }

  @Test
  void theStatLineGivesTheControllingTerminal() {
    TerminalReaders.Proc p = TerminalReaders.parseStat("42 (a (b) c) S 1 42 42 34816 42 4194560 0 0");
    assertThat(p.tty()).isEqualTo(34816); // 136:0
    assertThat(p.name()).isEqualTo("a (b) c");
  }
}
