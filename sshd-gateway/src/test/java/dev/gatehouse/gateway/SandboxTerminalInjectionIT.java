package dev.gatehouse.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A program in a command target's session pushes a command into its own terminal's input with
 * {@code ioctl(TIOCSTI)}, as a background job would to type after the guarded prompt's wall. This
 * kernel allows TIOCSTI ({@code dev.tty.legacy_tiocsti}); the sandbox's seccomp filter makes the
 * call fail with EPERM, so bash never reads the pushed line. Real OpenSSH client in tmux, the
 * gateway, bash in bubblewrap, python3 making the call.
 */
@ExtendWith(GatewayLogOnFailure.class)
class SandboxTerminalInjectionIT {
  private static final Duration WAIT = Duration.ofSeconds(20);

  @TempDir static Path dir;
  static GatewayFixture gw;

  @BeforeAll
  static void start() throws Exception {
    gw = GatewayFixture.start(dir, "", """
        targets:
          - name: tty
            type: command
            command: ["/bin/bash", "--noprofile", "--norc", "-i"]
            env: { PATH: "/usr/bin:/bin", PS1: "gh$ " }
            allow: { groups: [dev] }
        """);
  }

  @AfterAll
  static void stop() throws Exception {
    if (gw != null) {
      gw.close();
    }
  }

  @Test
  void aProgramInTheSessionCannotTypeIntoItsTerminal(@TempDir Path tmp) throws Exception {
    String legacy = Files.exists(Path.of("/proc/sys/dev/tty/legacy_tiocsti"))
        ? Files.readString(Path.of("/proc/sys/dev/tty/legacy_tiocsti")).strip() : "absent";
    SshClientKey key = gw.sign(GatewayFixture.uniqueIdentity("tiocsti"), List.of("dev"));
    try (Tmux t = Tmux.start(tmp, 160, 40, gw.sshArgv(key, "tty", List.of("-t")))) {
      t.awaitScreen("^gh\\$ ?$", WAIT);
      // Each byte of "echo INJECTED-$((6*7))\n" pushed into the terminal's input queue; what gets
      // through, bash reads as its next command once python3 exits.
      t.type("python3 -c 'import fcntl,termios; [fcntl.ioctl(0, termios.TIOCSTI, bytes([c])) for c in"
          + " b\"echo INJECTED-$((6*7))\\n\"]; print(\"pushed\")'");
      t.awaitScreen("PermissionError: \\[Errno 1\\] Operation not permitted", WAIT);
      // Other terminal ioctls still work (the window size python3 reads).
      t.type("python3 -c 'import os; print(\"size\", os.get_terminal_size(0).columns)'");
      t.awaitScreen("^size 160$", WAIT);
      t.type("echo after-$((2*3))");
      t.awaitScreen("^after-6$", WAIT);
      // Neither python3 got past the first call nor bash ran the pushed line (its output, the
      // typed text aside, would be a line of its own).
      assertThat(t.screen().lines().map(String::strip)).as("legacy_tiocsti=%s", legacy)
          .doesNotContain("pushed", "INJECTED-42");
    }
  }
}
