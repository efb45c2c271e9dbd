package dev.gatehouse.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Attack pass 17aj, live through the gateway: the real OpenSSH client, the gateway, bash in the
 * sandbox of a {@code command} target under docs/policy.md's deny-list policy (no approvers, so a
 * review is refused, 77).
 *
 * <p><b>jdb is a prompt that runs commands, and the judge lets it start.</b> The judge holds
 * programs whose prompt runs what is typed at it as {@code nested-shell} ({@code gdb}, {@code
 * sqlite3}, {@code psql}, {@code perl}, {@code jshell}, {@code node}, {@code ed}, {@code tclsh} …;
 * ShellClass.nestedShell), and docs/security-model.md says a shell or interpreter reading the
 * session's input ({@code ssh -t web-1@gw bash}) is {@code nested-shell}, held for review. The JDK's
 * debugger {@code jdb} (OpenJDK 17, /usr/bin/jdb, under /usr so inside the sandbox) is such a
 * prompt and is allowed: {@code stop in java.lang.Shutdown.exit}, {@code run NoSuchClass} (the
 * launcher's "could not find main class" exits through the breakpoint) and then {@code print
 * java.lang.Runtime.getRuntime().exec("touch …")} runs any program, unjudged, at the guarded
 * prompt (typed raw while the gateway thinks {@code jdb} runs) and on an exec request with a
 * terminal alike. The witness is {@code touch} of a file in the session's own /tmp (the sandbox's
 * private tmpfs, which the test cannot see from the host): jdb itself reports whether it exists,
 * {@code exists() = true} being text the typed lines do not hold.
 *
 * <p>Each test asserts the secure outcome: {@code jdb} is refused (the {@code gatehouse: } line) or,
 * if it runs, the witness never exists.
 */
@ExtendWith(GatewayLogOnFailure.class)
class ShellLiveAttack17ajIT {
  private static final Duration WAIT = Duration.ofSeconds(90);
  private static final String WITNESS = "/tmp/gh-17aj-witness";

  @TempDir static Path dir;
  static GatewayFixture gw;

  @BeforeAll
  static void start() throws Exception {
    String command = """
            type: command
            command: ["/bin/bash", "--noprofile", "--norc", "-i"]
            exec: ["/bin/bash", "-c"]
            env: { PATH: "/usr/bin:/bin" }
            runAs: nobody
            allow: { groups: [dev] }
        """;
    String targets = "targets:\n"
        + "  - name: web-noapprovers\n" + command + "    policy: default-shell\n"
        + "  - name: web-strict\n" + command + "    policy: strict-shell\n"
        + ShellGuardIT.POLICIES;
    gw = GatewayFixture.start(dir, "", targets);
  }

  @AfterAll
  static void stop() throws Exception {
    if (gw != null) {
      gw.close();
    }
  }

  /**
   * Drives jdb once it started: a breakpoint on the launcher's exit, a run of a class that does not
   * exist, then {@code touch} through Runtime.exec and a check of the witness. Returns the
   * transcript; stops early (returning it) when the gateway refused {@code jdb}.
   */
  private static String driveJdb(InteractiveProcess ssh, int from) throws Exception {
    String t = awaitEither(ssh, from, "gatehouse: ", "Initializing jdb");
    if (t.indexOf("gatehouse: ", from) >= 0) {
      return t;
    }
    ssh.await("> ", ssh.length() - 2, WAIT);
    ssh.send("stop in java.lang.Shutdown.exit\r");
    ssh.send("run NoSuchClass\r");
    ssh.await("Breakpoint hit", from, WAIT);
    int at = ssh.length();
    ssh.send("print java.lang.Runtime.getRuntime().exec(\"touch " + WITNESS + "\").waitFor()\r");
    ssh.await("waitFor() = ", at, WAIT);
    at = ssh.length();
    ssh.send("print new java.io.File(\"" + WITNESS + "\").exists()\r");
    ssh.await("exists() = ", at, WAIT);
    Thread.sleep(300); // pacing: the rest of jdb's answer line; no bound
    String done = ssh.transcript();
    ssh.send("cont\r");
    return done;
  }

  private static String awaitEither(InteractiveProcess ssh, int from, String a, String b) throws Exception {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (System.nanoTime() < deadline) {
      String t = ssh.transcript();
      if (t.indexOf(a, from) >= 0 || t.indexOf(b, from) >= 0) {
        return t;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("neither '" + a + "' nor '" + b + "' came; transcript:\n" + ssh.transcript());
  }

  /** At the guarded prompt: {@code jdb} typed as a line is allowed, and its prompt runs touch unjudged. */
  @Test
  void jdbAtTheGuardedPromptRunsACommandTheGuardNeverJudged() throws Exception {
    SshClientKey key = gw.sign(GatewayFixture.uniqueIdentity("jdb-prompt"), List.of("dev"));
    try (InteractiveProcess ssh = gw.interactive(key, "web-noapprovers")) {
      ssh.await("$ ", WAIT);
      int from = ssh.length();
      ssh.send("jdb\r");
      String t = driveJdb(ssh, from);
      assertThat(t.substring(from))
          .as("jdb's prompt ran `touch %s` (Runtime.exec), which the guard never judged; transcript:%n%s", WITNESS, t)
          .doesNotContain("exists() = true");
      assertThat(t.substring(from)).as("jdb is a debugger's prompt, as gdb's is: nested-shell, held (refused here)")
          .contains("gatehouse: ");
    }
  }

  /** On an exec request with a terminal ({@code ssh -tt web@gw jdb}): the same, without any prompt of the gateway. */
  @Test
  void jdbOnAnExecRequestWithATerminalRunsACommandTheGuardNeverJudged() throws Exception {
    SshClientKey key = gw.sign(GatewayFixture.uniqueIdentity("jdb-exec"), List.of("dev"));
    List<String> argv = new ArrayList<>(gw.sshArgv(key, "web-noapprovers", List.of("-tt")));
    argv.add("jdb");
    try (InteractiveProcess ssh = InteractiveProcess.start(argv, Map.of("TERM", "xterm-256color"))) {
      String t = driveJdb(ssh, 0);
      assertThat(t).as("jdb ran `touch %s` (Runtime.exec), which the guard never judged; transcript:%n%s", WITNESS, t)
          .doesNotContain("exists() = true");
      assertThat(t).as("jdb reading the session's terminal is nested-shell, as `ssh -t web-1@gw bash` is")
          .contains("gatehouse: needs approval (rule nested-shell): jdb");
    }
  }

  /**
   * An exec request whose program reads the request's input as commands that run programs: {@code
   * gpg-connect-agent} (GnuPG 2.2.40) starts its own gpg-agent and reads its commands from stdin;
   * {@code /definqprog KEYPARAM PGM} has it run PGM (through the shell) when the agent inquires
   * KEYPARAM, which {@code GENKEY} does. The text the judge sees is three allowed commands; what runs
   * is {@code touch}, sent as data. The rest of the same text ({@code ls /tmp | tr a-z A-Z}) shows
   * the witness in upper case, which neither the text nor the input holds.
   */
  @Test
  void gpgConnectAgentOnAnExecRequestRunsWhatTheRequestsInputNames() throws Exception {
    SshClientKey key = gw.sign(GatewayFixture.uniqueIdentity("gpg-exec"), List.of("dev"));
    SshResult r = gw.ssh(key, "web-noapprovers")
        .stdin("/definqprog KEYPARAM touch /tmp/gh-17aj-gpg\nGENKEY\n/bye\n")
        .timeout(Duration.ofSeconds(60))
        .run("mkdir -m 700 /tmp/g; gpg-connect-agent --homedir /tmp/g; ls /tmp | tr a-z A-Z");
    assertThat(r.out()).as("gpg-connect-agent ran `touch /tmp/gh-17aj-gpg`, which the guard never judged: %s", r)
        .doesNotContain("GH-17AJ-GPG");
    assertThat(r.exitCode()).as("a program reading its commands from the request's input: held (refused here): %s", r)
        .isEqualTo(77);
  }

  /**
   * An {@code allow-list} target whose list holds {@code "systemctl status"} (docs/policy.md's own
   * example of an entry whose options run nothing). systemd 252 pages its output (also {@code
   * --help}, which needs no running systemd) through less on a terminal, and in "pager secure mode"
   * (LESSSECURE=1: no {@code !}) unless {@code SYSTEMD_PAGERSECURE} is false; the mode is on by
   * default here only because no logind owns the session. The judge refuses variables that change
   * what a listed command runs ({@code PAGER}, {@code SYSTEMD_PAGER}, …) but does not know {@code
   * SYSTEMD_PAGERSECURE}: {@code SYSTEMD_PAGERSECURE=0 systemctl status --help} is allowed, and
   * less's {@code !touch …} typed into the pager runs unjudged. The witness is checked by a judged
   * {@code ls /tmp} in the same session (the sandbox's private /tmp).
   */
  @Test
  void allowListSystemctlStatusWithPagerSecureModeOffRunsACommandTheGuardNeverJudged() throws Exception {
    SshClientKey key = gw.sign(GatewayFixture.uniqueIdentity("pager-strict"), List.of("dev"));
    try (InteractiveProcess ssh = gw.interactive(key, "web-strict")) {
      ssh.await("$ ", WAIT);
      int from = ssh.length();
      ssh.send("SYSTEMD_PAGERSECURE=0 systemctl status --help\r");
      String t = awaitEither(ssh, from, "gatehouse: ", "Query or send control commands");
      if (t.indexOf("gatehouse: ", from) < 0) {
        Thread.sleep(1000); // pacing: less takes the terminal; no bound
        ssh.send("!touch /tmp/gh-17aj-pager\r");
        ssh.await("done", from, WAIT);
        ssh.send("\r");
        Thread.sleep(500);
        ssh.send("q");
        ssh.await("$ ", ssh.length() - 200, WAIT);
        Thread.sleep(500);
        int at = ssh.length();
        ssh.send("ls /tmp\r");
        ssh.await("$ ", at + 8, WAIT);
        Thread.sleep(300);
        t = ssh.transcript();
        assertThat(t.substring(at)).as("less, started by systemctl with SYSTEMD_PAGERSECURE=0, ran `touch"
            + " /tmp/gh-17aj-pager`, which the allow-list never judged; transcript:%n%s", t).doesNotContain("gh-17aj-pager");
      }
      assertThat(t.substring(from)).as("SYSTEMD_PAGERSECURE changes what the listed systemctl runs: refused, as PAGER is")
          .contains("gatehouse: blocked by rule allow-list");
    }
  }
}
