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
 * Pager secure mode on guarded targets, end to end: the real OpenSSH client, the gateway, bash in
 * the sandbox of {@code command} targets. A target with a shell policy starts its program with
 * {@code LESSSECURE=1} and {@code SYSTEMD_PAGERSECURE=1}, over the target's own {@code env} (which
 * here tries to turn both off); a target without one gets neither.
 *
 * <p>The allow-list is docs/policy.md's own example, which lists {@code less}: {@code less
 * /etc/hostname} on an exec request with a terminal, then {@code !touch …} typed into less (which
 * the allow-list never judges). less 590 in secure mode answers {@code !} with "Command not
 * available"; the witness is looked for by a judged {@code ls -1a /tmp} in the same request (the
 * sandbox's private /tmp, which the test cannot see from the host).
 */
@ExtendWith(GatewayLogOnFailure.class)
class ShellPagerSecureIT {
  private static final Duration WAIT = Duration.ofSeconds(90);

  @TempDir static Path dir;
  static SshdProcess sshd;
  static GatewayFixture gw;

  static final String POLICIES = """
      policies:
        deny-shell:
          type: shell
          block:  [recursive-delete-root, history-tamper, audit-tamper]
          review: [sudo, interpreter-inline, guard-tamper]
          unclassified: review
        strict-shell:
          type: shell
          mode: allow-list
          allowCommands: [ls, cat, less, grep, tail, journalctl, "systemctl status"]
          block: [recursive-delete-root]
      """;

  @BeforeAll
  static void start() throws Exception {
    sshd = SshdProcess.prepare(dir.resolve("sshd"));
    String command = """
            type: command
            command: ["/bin/bash", "--noprofile", "--norc", "-i"]
            exec: ["/bin/bash", "-c"]
            runAs: nobody
            allow: { groups: [dev] }
        """;
    String offEnv = "    env: { PATH: \"/usr/bin:/bin\", LESSSECURE: \"\", SYSTEMD_PAGERSECURE: \"0\" }\n";
    String targets = "targets:\n"
        + "  - name: web-strict\n" + command + offEnv + "    policy: strict-shell\n"
        + "  - name: web-deny\n" + command + offEnv + "    policy: deny-shell\n"
        + "  - name: plain\n" + command + "    env: { PATH: \"/usr/bin:/bin\" }\n"
        + "  - name: host-1\n    type: ssh\n    ssh: { host: 127.0.0.1, port: " + sshd.port() + ", user: "
        + SshdProcess.TARGET_USER + ", hostKey: \"" + sshd.hostKeyLine() + "\" }\n"
        + "    allow: { groups: [dev] }\n    policy: deny-shell\n"
        + POLICIES;
    gw = GatewayFixture.start(dir, "", targets);
    sshd.start(gw.gateway().certificateAuthority().targetCaPublicKeyLine());
  }

  @AfterAll
  static void stop() throws Exception {
    if (gw != null) {
      gw.close();
    }
    if (sshd != null) {
      sshd.close();
    }
  }

  @Test
  void lessOnAnAllowListTargetRefusesItsShellEscape() throws Exception {
    SshClientKey key = gw.sign(GatewayFixture.uniqueIdentity("pager-less"), List.of("dev"));
    List<String> argv = new ArrayList<>(gw.sshArgv(key, "web-strict", List.of("-tt")));
    argv.add("less /etc/hostname; ls -1a /tmp");
    try (InteractiveProcess ssh = InteractiveProcess.start(argv, Map.of("TERM", "xterm-256color"))) {
      ssh.await("(END)", WAIT);
      Thread.sleep(500); // pacing: less reads its keys; no bound
      ssh.send("!");
      Thread.sleep(700); // pacing: in secure mode less answers at once; without it, its ! prompt
      ssh.send("touch /tmp/gh-pager-w\r");
      Thread.sleep(700); // pacing: without secure mode the touch runs here; no bound
      for (int i = 0; i < 20 && ssh.isAlive(); i++) {
        ssh.send("q"); // in secure mode the typed text opened less's help: q closes it, q quits less
        Thread.sleep(500);
      }
      ssh.waitFor(WAIT);
      String t = ssh.transcript();
      assertThat(t).as("less in secure mode refuses ! (transcript:%n%s)", t).contains("Command not available");
      assertThat(t).as("ls -1a /tmp ran after less (transcript:%n%s)", t).contains(".\r\n..\r\n");
      assertThat(t).as("less's ! ran `touch /tmp/gh-pager-w`, which the allow-list never judged (transcript:%n%s)", t)
          .doesNotContain("..\r\ngh-pager-w");
    }
  }

  @Test
  void aDenyListExecSeesBothSetOverTheTargetsEnv() throws Exception {
    SshClientKey key = gw.sign(GatewayFixture.uniqueIdentity("pager-deny"), List.of("dev"));
    SshResult r = gw.ssh(key, "web-deny").run("printenv LESSSECURE SYSTEMD_PAGERSECURE");
    assertThat(r.exitCode()).as("%s", r).isZero();
    assertThat(r.out()).isEqualTo("1\n1\n");
  }

  @Test
  void theGuardedPromptSeesBothSetAndReadOnly() throws Exception {
    SshClientKey key = gw.sign(GatewayFixture.uniqueIdentity("pager-prompt"), List.of("dev"));
    try (InteractiveProcess ssh = gw.interactive(key, "web-deny")) {
      ssh.await("$ ", WAIT);
      int at = ssh.length();
      ssh.send("printenv LESSSECURE SYSTEMD_PAGERSECURE | sed s/1/on/ | paste -sd+ -\r");
      ssh.await("on+on", at + 20, WAIT);
      at = ssh.length();
      // refused by the judge (pager secure mode off) or by bash (read-only): either way it stays
      ssh.send("unset LESSSECURE SYSTEMD_PAGERSECURE\r");
      ssh.await("$ ", at + 16, WAIT);
      Thread.sleep(300); // pacing: the rest of the prompt; no bound
      at = ssh.length();
      ssh.send("printenv LESSSECURE SYSTEMD_PAGERSECURE | sed s/1/still-on/ | paste -sd+ -\r");
      ssh.await("still-on+still-on", at + 40, WAIT);
    }
  }

  /** On an ssh target the integration exports both read-only in the host's guarded bash. */
  @Test
  void anSshTargetsGuardedBashHasBothReadOnly() throws Exception {
    SshClientKey key = gw.sign(GatewayFixture.uniqueIdentity("pager-ssh"), List.of("dev"));
    try (InteractiveProcess ssh = gw.interactive(key, "host-1")) {
      ssh.await("$ ", WAIT);
      int at = ssh.length();
      ssh.send("LESSSECURE= printenv LESSSECURE SYSTEMD_PAGERSECURE | sed s/1/on/ | paste -sd+ -\r");
      ssh.await("$ ", at + 30, WAIT);
      Thread.sleep(300); // pacing: the rest of the prompt; no bound
      at = ssh.length();
      ssh.send("declare -p LESSSECURE SYSTEMD_PAGERSECURE | sed s/1/on/ | paste -sd+ -\r");
      ssh.await("declare -rx LESSSECURE=\"on\"+declare -rx SYSTEMD_PAGERSECURE=\"on\"", at + 20, WAIT);
    }
  }

  @Test
  void aTargetWithoutAShellPolicyGetsNeither() throws Exception {
    SshClientKey key = gw.sign(GatewayFixture.uniqueIdentity("pager-plain"), List.of("dev"));
    SshResult r = gw.ssh(key, "plain").run("printenv LESSSECURE SYSTEMD_PAGERSECURE; echo rc=$?");
    assertThat(r.out()).as("%s", r).isEqualTo("rc=1\n");
  }
}
