package dev.gatehouse.gateway;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/**
 * A test class whose tests share one gateway with the four live shell targets and the real sshd
 * behind the {@code ssh} ones ({@link ShellLiveTargets.Live}), started once for the class and
 * closed after it (the live attack passes and the terminal-settings tests).
 */
abstract class ShellLiveClass {
  @TempDir static Path dir;
  static ShellLiveTargets.Live live;
  static GatewayFixture gw;

  @BeforeAll
  static void startLiveTargets() throws Exception {
    live = ShellLiveTargets.Live.start(dir);
    gw = live.gw();
  }

  @AfterAll
  static void stopLiveTargets() throws Exception {
    if (live != null) {
      live.close();
      live = null;
      gw = null;
    }
  }
}
