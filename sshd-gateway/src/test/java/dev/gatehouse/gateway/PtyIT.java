package dev.gatehouse.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.recorder.SessionRecord;
import dev.gatehouse.recorder.SessionState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Sessions with a terminal: the child has a real pty, TERM, and sees the client's window size. */
@ExtendWith(GatewayLogOnFailure.class)
class PtyIT {
  @TempDir static Path dir;
  static GatewayFixture gw;

  @BeforeAll
  static void start() throws Exception {
    gw = GatewayFixture.start(dir);
  }

  @AfterAll
  static void stop() {
    if (gw != null) {
      gw.close();
    }
  }

  @Test
  void execWithForcedPtyRunsOnAPseudoTerminalWithTheClientsTerm() throws Exception {
    SshClientKey key = gw.sign(GatewayFixture.uniqueIdentity("pty"), List.of("dev"));

    SshResult r = gw.ssh(key, "shell").options("-tt").run("stty size; tty; echo $TERM");

    assertThat(r.exitCode()).as("%s", r).isZero();
    // A terminal: output lines end in CR LF (onlcr), the device is a terminal, and TERM is
    // the client's (ssh sends $TERM in the pty request).
    // Inside the sandbox the session's pty is the sandbox's /dev/console (its /dev has no host ptys).
    assertThat(r.out()).matches("\\d+ \\d+\r\n/dev/console\r\nxterm-256color\r\n");
  }

  @Test
  void certificateWithoutPermitPtyGetsNoTerminal() throws Exception {
    SshClientKey key = gw.sign(new dev.gatehouse.keys.UserCertificateRequest(
        GatewayFixture.uniqueIdentity("nopty"), List.of("dev"), Duration.ofHours(1), null, false, true, false, false));

    SshResult r = gw.ssh(key, "shell").options("-tt").run("tty; echo done");

    // The pty request is refused; a client that insisted on one (-tt) gives up.
    assertThat(r.exitCode()).as("%s", r).isEqualTo(255);
    assertThat(r.err()).contains("PTY allocation request failed");
    assertThat(r.out()).doesNotContain("/dev/pts/");
  }

  @Test
  void resizingTheClientsTerminalResizesTheSessionsTerminalAndIsRecorded() throws Exception {
    SshClientKey key = gw.sign(GatewayFixture.uniqueIdentity("winch"), List.of("dev"));
    Path tmuxDir = Files.createTempDirectory(dir, "tmux-");
    try (Tmux tmux = Tmux.start(tmuxDir, 100, 30, gw.sshArgv(key, "shell", List.of("-t")))) {
      tmux.awaitScreen("^gh\\$", Duration.ofSeconds(15));
      String before = tmux.paneSize();
      tmux.type("stty size");
      tmux.awaitScreen("^" + before + "$", Duration.ofSeconds(10));

      tmux.resize(120, 40);
      String after = tmux.paneSize();
      assertThat(after).isNotEqualTo(before).endsWith(" 120");
      tmux.type("echo size=$(stty size)");
      tmux.awaitScreen("^size=" + after + "$", Duration.ofSeconds(10));
      tmux.type("exit");

      SessionRecord s = gw.awaitSession(key.identity(), x -> x.state() == SessionState.CLOSED);
      String cast = Files.readString(gw.dataDir().resolve(s.path()));
      String[] rc = after.split(" ");
      assertThat(cast).contains("\"r\", \"" + rc[1] + "x" + rc[0] + "\"");
    }
  }
}
