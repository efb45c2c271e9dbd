package dev.gatehouse.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** A command session runs as its runAs user with nothing of the gateway's: keys, env, descriptors. */
@ExtendWith(GatewayLogOnFailure.class)
class IsolationIT {
  @TempDir static Path dir;
  static GatewayFixture gw;
  static SshClientKey key;

  @BeforeAll
  static void start() throws Exception {
    gw = GatewayFixture.start(dir);
    key = gw.sign(GatewayFixture.uniqueIdentity("isolation"), List.of("dev"));
  }

  @AfterAll
  static void stop() {
    if (gw != null) {
      gw.close();
    }
  }

  @Test
  void sessionCannotReadTheCaKey() throws Exception {
    Path caKey = gw.dataDir().resolve("ca/user_ca");

    SshResult r = gw.ssh(key, "shell").run("id -un; cat " + caKey);

    assertThat(r.exitCode()).as("%s", r).isNotZero();
    assertThat(r.out()).isEqualTo("nobody\n");
    // Not even there: the sandbox shows no data directory (and runAs could not read it anyway).
    assertThat(r.err()).contains("No such file or directory");
    assertThat(r.out() + r.err()).doesNotContain("PRIVATE KEY");
  }

  @Test
  void sessionCannotListTheDataDirectory() throws Exception {
    SshResult r = gw.ssh(key, "shell").run("ls " + gw.dataDir());

    assertThat(r.exitCode()).as("%s", r).isNotZero();
    assertThat(r.err()).contains("No such file or directory");
    assertThat(r.out()).doesNotContain("gatehouse.db");
  }

  @Test
  void sessionCannotReadTheGatewaysEnvironment() throws Exception {
    long gatewayPid = ProcessHandle.current().pid(); // the gateway runs in this JVM

    SshResult r = gw.ssh(key, "shell").run("cat /proc/" + gatewayPid + "/environ");

    assertThat(r.exitCode()).as("%s", r).isNotZero();
    // The sandbox's own PID namespace: the gateway's process does not exist in there.
    assertThat(r.err()).contains("No such file or directory");
    assertThat(r.out()).isEmpty();
  }

  @Test
  void sessionSeesOnlyItsOwnProcessesAndAnEmptyTmp() throws Exception {
    SshResult r = gw.ssh(key, "shell").run("ls /proc | grep -c '^[0-9]'; ls -A /tmp | wc -l; hostname");

    assertThat(r.exitCode()).as("%s", r).isZero();
    List<String> lines = r.out().lines().toList();
    // bwrap's init, sh, ls and grep at the most: none of the bastion's processes.
    assertThat(Integer.parseInt(lines.get(0))).isBetween(2, 5);
    assertThat(lines.get(1)).as("the host's /tmp (the gateway's sockets, the test's data)").isEqualTo("0");
    assertThat(lines.get(2)).isEqualTo("gatehouse");
  }

  /**
   * Whatever a session starts in the background ends with it: setsid, nohup, a double fork,
   * disown. Each leaves a sleep with a marker argument; after the session none may be running on
   * the bastion.
   */
  @Test
  void noProcessOutlivesItsSession() throws Exception {
    long marker = 31_000_000 + ProcessHandle.current().pid() % 1000 * 1000;
    String[] escapes = {
        "setsid sleep " + (marker + 1) + " &",
        "nohup sleep " + (marker + 2) + " >/dev/null 2>&1 &",
        "(sleep " + (marker + 3) + " &) ; true",
        "sleep " + (marker + 4) + " & disown",
        "setsid sh -c 'trap \"\" HUP TERM; exec sleep " + (marker + 5) + "' </dev/null >/dev/null 2>&1 &",
    };
    SshResult r = gw.ssh(key, "shell").run(String.join("\n", escapes) + "\nsleep 0.3; echo started");
    assertThat(r.out()).as("%s", r).contains("started");
    for (int i = 1; i <= escapes.length; i++) {
      String needle = "sleep " + (marker + i);
      assertThat(awaitGone(needle)).as("a process '%s' still runs after its session ended", needle).isTrue();
    }
    // And the same for an interactive session ended by the client going away.
    SshResult t = gw.ssh(key, "shell").options("-tt").stdin("setsid sleep " + (marker + 9) + " &\nexit\n").run(null);
    assertThat(t.exitCode()).as("%s", t).isNotNegative();
    assertThat(awaitGone("sleep " + (marker + 9))).isTrue();
  }

  /** Waits up to 10 s for no process on the bastion to have {@code needle} in its command line. */
  private static boolean awaitGone(String needle) throws InterruptedException {
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < deadline) {
      boolean found = ProcessHandle.allProcesses()
          .anyMatch(p -> p.info().commandLine().map(c -> c.contains(needle)).orElse(false));
      if (!found) {
        return true;
      }
      Thread.sleep(100);
    }
    return false;
  }

  @Test
  void childEnvironmentIsTheTargetsEnvPlusLangAndLcFromTheClient() throws Exception {
    SshResult r = gw.ssh(key, "shell")
        .options("-o", "SetEnv=LC_FOO=de_DE.UTF-8 LC_CTYPE=zh_CN.GBK EVIL=y LANG=C.UTF-8 GATEHOUSE_MODE=z"
            + " LD_PRELOAD=/tmp/x.so")
        .run("tr '\\0' '\\n' < /proc/$$/environ");

    assertThat(r.exitCode()).as("%s", r).isZero();
    // What the gateway passed to the child (the shell's own initial environment, before sh adds
    // anything): the target's env, and of the client's only LANG and LC_* naming C, POSIX or a
    // UTF-8 locale (not GBK, whose multi-byte characters can hold a backslash or a quote).
    Set<String> env = new TreeSet<>(r.out().lines().toList());
    assertThat(env).containsExactlyInAnyOrder(
        "PATH=/usr/bin:/bin", "PS1=gh$ ", "GH_TARGET_ENV=from-target", "LC_FOO=de_DE.UTF-8", "LANG=C.UTF-8",
        "PWD=/"); // PWD: the sandbox (bubblewrap) always sets it to the working directory
  }

  @Test
  void childWithATerminalAlsoGetsTerm() throws Exception {
    SshResult r = gw.ssh(key, "shell").options("-tt").run("tr '\\0' '\\n' < /proc/$$/environ | grep -c . ; echo TERM=$TERM");

    assertThat(r.exitCode()).as("%s", r).isZero();
    assertThat(r.out()).isEqualTo("5\r\nTERM=xterm-256color\r\n"); // the four above and PWD
  }

  @Test
  void childInheritsNoDescriptorsOfTheGateway() throws Exception {
    // ls runs as a child of sh; its own directory handle aside, it sees what sh was given.
    SshResult r = gw.ssh(key, "shell").run("ls /proc/$$/fd");

    assertThat(r.exitCode()).as("%s", r).isZero();
    assertThat(r.out().lines().toList()).containsExactlyInAnyOrder("0", "1", "2");
  }
}
