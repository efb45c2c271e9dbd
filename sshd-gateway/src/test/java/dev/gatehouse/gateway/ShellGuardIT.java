package dev.gatehouse.gateway;

import static dev.gatehouse.gateway.GatewayFixture.field;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shell guard on exec requests, end to end: the real OpenSSH client, the gateway, bash on a
 * {@code command} target and a real OpenSSH sshd behind an {@code ssh} target. What is asserted is
 * what a user or an agent sees: the exit code, the one stderr line, the output (nothing of a
 * refused command runs), the audit line and the recording's marker.
 */
@ExtendWith(GatewayLogOnFailure.class)
class ShellGuardIT {
  private static final Pattern REQUEST_ID = Pattern.compile("request ([0-9A-F]{4,8})");

  @TempDir static Path dir;
  static SshdProcess sshd;
  static GatewayFixture gw;
  static SshClientKey alice;
  static SshClientKey bob;

  static final String POLICIES = """
      policies:
        default-shell:
          type: shell
          block:  [recursive-delete-root, filesystem-format, raw-device-write, power, fork-bomb, history-tamper, audit-tamper]
          review: [sudo, package-change, service-change, process-kill, firewall-change, user-change, scheduler-change,
                   curl-pipe-shell, interpreter-inline, remote-copy, guard-tamper]
          unclassified: review
          rules:
            - { name: echo-review, commands: [echo], args: "^needs-approval", verdict: review }
            - { name: no-ssh-hop, commands: [ssh, scp, sftp], verdict: block }
        strict-shell:
          type: shell
          mode: allow-list
          allowCommands: [ls, cat, "systemctl status"]
          block: [recursive-delete-root]
      """;

  @BeforeAll
  static void start() throws Exception {
    sshd = SshdProcess.prepare(dir.resolve("sshd"));
    String command = """
            type: command
            command: ["/bin/bash", "--noprofile", "--norc", "-i"]
            exec: ["/bin/bash", "-c"]
            env: { PATH: "/usr/bin:/bin" }
            runAs: nobody
            allow: { groups: [dev] }
        """;
    String targets = "targets:\n"
        + "  - name: web-1\n" + command + "    policy: default-shell\n    approvers: { groups: [ops-leads], min: 1 }\n"
        + "  - name: web-noapprovers\n" + command + "    policy: default-shell\n"
        + "  - name: web-strict\n" + command + "    policy: strict-shell\n"
        + "  - name: plain\n" + command
        + "  - name: host-1\n    type: ssh\n    ssh: { host: 127.0.0.1, port: " + sshd.port() + ", user: "
        + SshdProcess.TARGET_USER + ", hostKey: \"" + sshd.hostKeyLine() + "\" }\n"
        + "    allow: { groups: [dev] }\n    policy: default-shell\n    approvers: { groups: [ops-leads], min: 1 }\n"
        + POLICIES;
    gw = GatewayFixture.start(dir, "", targets);
    sshd.start(gw.gateway().certificateAuthority().targetCaPublicKeyLine());
    alice = gw.sign(GatewayFixture.uniqueIdentity("alice"), List.of("dev"));
    bob = gw.sign(GatewayFixture.uniqueIdentity("bob"), List.of("dev", "ops-leads"));
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
  void aBlockedCommandExits77WithOneLineAndNothingOfItRuns() throws Exception {
    SshClientKey ann = gw.sign(GatewayFixture.uniqueIdentity("ann"), List.of("dev"));
    SshResult r = gw.ssh(ann, "web-1").run("echo ran-before; rm -rf /");

    assertThat(r.exitCode()).as("%s", r).isEqualTo(77);
    assertThat(r.err()).isEqualTo("gatehouse: blocked by rule recursive-delete-root: rm -rf /\n");
    assertThat(r.out()).as("the whole text is refused, its harmless part too").isEmpty();
    JsonNode audit = gw.awaitAudit("blocked command", field("code", "GH3001W").and(field("identity", ann.identity())));
    assertThat(audit.path("statement").asText()).isEqualTo("echo ran-before; rm -rf /");
    assertThat(audit.path("rule").asText()).isEqualTo("recursive-delete-root");
    assertThat(audit.path("source").asText()).isEqualTo("exact");
    assertThat(gw.recordingsOf(ann)).contains("block recursive-delete-root (exact): echo ran-before; rm -rf /");
  }

  @Test
  void anAllowedCommandRunsAndKeepsItsExitStatus() throws Exception {
    SshClientKey carol = gw.sign(GatewayFixture.uniqueIdentity("carol"), List.of("dev"));
    SshResult r = gw.ssh(carol, "web-1").run("echo hello | tr a-z A-Z; ls / > /dev/null; exit 3");

    assertThat(r.exitCode()).as("%s", r).isEqualTo(3);
    assertThat(r.out()).isEqualTo("HELLO\n");
    JsonNode audit = gw.awaitAudit("allowed command", field("code", "GH3000I").and(field("identity", carol.identity())));
    assertThat(audit.path("verdict").asText()).isEqualTo("allow");
    assertThat(audit.path("source").asText()).isEqualTo("exact");
    assertThat(audit.path("commands").toString()).contains("echo", "tr", "ls");
  }

  @Test
  void aCommandHiddenInsideBashDashCAndASubstitutionIsStillBlocked() throws Exception {
    SshResult r = gw.ssh(alice, "web-1").run("bash -c \"echo \\$(history -c)\"");

    assertThat(r.exitCode()).as("%s", r).isEqualTo(77);
    assertThat(r.err()).isEqualTo("gatehouse: blocked by rule history-tamper: history -c\n");
  }

  @Test
  void aCommandTheGuardCannotReadIsUnclassifiedAndNeedsApproval() throws Exception {
    SshResult r = gw.ssh(alice, "web-noapprovers").run("$CMD /");

    assertThat(r.exitCode()).as("%s", r).isEqualTo(77);
    assertThat(r.err()).isEqualTo("gatehouse: needs approval (rule unclassified): the command name is not a literal word: $CMD"
        + " (target web-noapprovers names no approvers, so it cannot be approved)\n");
  }

  /**
   * A shell started by an exec request reads the client's data as its code: the guard never sees
   * those commands, so it is held as a nested shell (before, it ran and so did what it was sent).
   * The same for code fed through a process substitution, and for a script the request itself
   * writes and then runs.
   */
  @Test
  void aShellReadingTheSessionsInputOnAnExecRequestIsHeldNotRun() throws Exception {
    SshResult piped = gw.ssh(alice, "web-noapprovers").stdin("echo ran-inside\n").run("bash");
    assertThat(piped.exitCode()).as("%s", piped).isEqualTo(77);
    assertThat(piped.out()).isEmpty();
    assertThat(piped.err()).isEqualTo("gatehouse: needs approval (rule nested-shell): bash"
        + " (target web-noapprovers names no approvers, so it cannot be approved)\n");

    SshResult fed = gw.ssh(alice, "web-noapprovers").run("bash < <(echo echo ran-inside)");
    assertThat(fed.exitCode()).as("%s", fed).isEqualTo(77);
    assertThat(fed.out()).isEmpty();
    assertThat(fed.err()).startsWith("gatehouse: needs approval (rule interpreter-inline): ");

    // A script the same request writes and then runs is its own inline code: held, and not run.
    SshResult script = gw.ssh(alice, "web-noapprovers").run("printf 'echo from-a-file\\n' > /tmp/s.sh; bash /tmp/s.sh");
    assertThat(script.exitCode()).as("%s", script).isEqualTo(77);
    assertThat(script.out()).isEmpty();
    assertThat(script.err()).isEqualTo("gatehouse: needs approval (rule interpreter-inline): bash /tmp/s.sh"
        + " (target web-noapprovers names no approvers, so it cannot be approved)\n");
  }

  @Test
  void withNowaitAReviewExits76AndTheRetryAfterApprovalRunsOnce() throws Exception {
    SshClientKey dave = gw.sign(GatewayFixture.uniqueIdentity("dave"), List.of("dev"));
    SshResult first = gw.ssh(dave, "web-1").options("-o", "SetEnv=GATEHOUSE_NOWAIT=1").run("echo needs-approval now");
    assertThat(first.exitCode()).as("%s", first).isEqualTo(76);
    Matcher m = REQUEST_ID.matcher(first.err());
    assertThat(m.find()).as(first.err()).isTrue();
    assertThat(first.err()).startsWith("gatehouse: approval pending: request " + m.group(1));
    assertThat(first.out()).isEmpty();

    SshResult approve = gw.ssh(bob, "approvals").run("approve " + m.group(1) + " fine");
    assertThat(approve.exitCode()).as("%s", approve).isZero();

    SshResult retry = gw.ssh(dave, "web-1").options("-o", "SetEnv=GATEHOUSE_NOWAIT=1").run("echo needs-approval now");
    assertThat(retry.exitCode()).as("%s", retry).isZero();
    assertThat(retry.out()).isEqualTo("needs-approval now\n");

    SshResult another = gw.ssh(dave, "web-1").options("-o", "SetEnv=GATEHOUSE_NOWAIT=1").run("echo needs-approval now");
    assertThat(another.exitCode()).as("an approval is used once: %s", another).isEqualTo(76);
    SshResult changed = gw.ssh(dave, "web-1").options("-o", "SetEnv=GATEHOUSE_NOWAIT=1").run("echo needs-approval  now");
    assertThat(changed.exitCode()).as("another text is another command: %s", changed).isEqualTo(76);
  }

  @Test
  void aHeldCommandDeniedByAnApproverExits75AndNeverRuns() throws Exception {
    SshClientKey erin = gw.sign(GatewayFixture.uniqueIdentity("erin"), List.of("dev"));
    try (GatewayFixture.Running held = gw.ssh(erin, "web-1").start("echo needs-approval; echo after")) {
      held.awaitStdoutOrErr("waiting for approval", Duration.ofSeconds(20));
      assertThat(held.stderrSoFar()).contains("approvers: ops-leads").contains("Ctrl-C to cancel");
      Matcher m = REQUEST_ID.matcher(held.stderrSoFar());
      assertThat(m.find()).isTrue();
      SshResult deny = gw.ssh(bob, "approvals").run("deny " + m.group(1) + " not today");
      assertThat(deny.exitCode()).as("%s", deny).isZero();

      SshResult r = held.await();
      assertThat(r.exitCode()).as("%s", r).isEqualTo(75);
      assertThat(r.out()).isEmpty();
      assertThat(r.err()).endsWith("gatehouse: denied by " + bob.identity() + " (request " + m.group(1) + "): not today\n");
    }
  }

  @Test
  void aHeldCommandApprovedWhileWaitingRuns() throws Exception {
    SshClientKey fay = gw.sign(GatewayFixture.uniqueIdentity("fay"), List.of("dev"));
    try (GatewayFixture.Running held = gw.ssh(fay, "web-1").start("echo needs-approval-and-ran")) {
      held.awaitStdoutOrErr("waiting for approval", Duration.ofSeconds(20));
      Matcher m = REQUEST_ID.matcher(held.stderrSoFar());
      assertThat(m.find()).isTrue();
      assertThat(gw.ssh(bob, "approvals").run("approve " + m.group(1)).exitCode()).isZero();
      SshResult r = held.await();
      assertThat(r.exitCode()).as("%s", r).isZero();
      assertThat(r.out()).isEqualTo("needs-approval-and-ran\n");
    }
  }

  @Test
  void aCommandThatIsNotUtf8Exits65() throws Exception {
    List<String> argv = new ArrayList<>(gw.sshArgv(alice, "web-1", List.of()));
    String quoted = argv.stream().map(a -> "'" + a.replace("'", "'\\''") + "'").collect(Collectors.joining(" "));
    Process p = new ProcessBuilder("/bin/bash", "-c", quoted + " $'echo \\xff\\xfe'")
        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    String err = new String(p.getErrorStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    assertThat(p.exitValue()).as(err).isEqualTo(65);
    assertThat(err).isEqualTo("gatehouse: the command is not text (invalid UTF-8 or a NUL byte)\n");
    assertThat(out).isEmpty();
  }

  @Test
  void anSshTargetJudgesBeforeTheHostSeesTheCommand() throws Exception {
    SshClientKey gil = gw.sign(GatewayFixture.uniqueIdentity("gil"), List.of("dev"));
    SshResult blocked = gw.ssh(gil, "host-1").run("echo on-host; reboot");
    assertThat(blocked.exitCode()).as("%s", blocked).isEqualTo(77);
    assertThat(blocked.err()).isEqualTo("gatehouse: blocked by rule power: reboot\n");
    assertThat(blocked.out()).isEmpty();

    SshResult allowed = gw.ssh(gil, "host-1").run("echo on-host; whoami");
    assertThat(allowed.exitCode()).as("%s", allowed).isZero();
    assertThat(allowed.out()).isEqualTo("on-host\n" + SshdProcess.TARGET_USER + "\n");
  }

  @Test
  void aTargetWithoutAPolicyRunsWhatItIsGivenAsBefore() throws Exception {
    SshResult r = gw.ssh(alice, "plain").run("history -c; echo not-judged");
    assertThat(r.exitCode()).as("%s", r).isZero();
    assertThat(r.out()).isEqualTo("not-judged\n");

    SshResult guarded = gw.ssh(alice, "web-1").run("history -c; echo not-judged");
    assertThat(guarded.exitCode()).as("%s", guarded).isEqualTo(77);
    assertThat(guarded.err()).isEqualTo("gatehouse: blocked by rule history-tamper: history -c\n");
  }

  @Test
  void anAllowListRunsOnlyListedCommands() throws Exception {
    SshResult ok = gw.ssh(alice, "web-strict").run("ls -d /usr");
    assertThat(ok.exitCode()).as("%s", ok).isZero();
    assertThat(ok.out()).isEqualTo("/usr\n");

    SshResult refused = gw.ssh(alice, "web-strict").run("ls /; id");
    assertThat(refused.exitCode()).as("%s", refused).isEqualTo(77);
    assertThat(refused.err()).isEqualTo("gatehouse: blocked by rule allow-list: id is not in allowCommands: id\n");
    assertThat(refused.out()).isEmpty();

    // An interactive bash is admitted only with a terminal, where the gateway judges each line;
    // without one it would not be judged, so the allow-list refuses it.
    SshResult noTerminal = gw.ssh(alice, "web-strict").options("-T").stdin("id\n").run(null);
    assertThat(noTerminal.exitCode()).as("without a terminal an interactive shell is refused: %s", noTerminal)
        .isEqualTo(77);
    assertThat(noTerminal.out()).doesNotContain("uid=");
  }

  @Test
  void policyTestReadsCommandLines() throws Exception {
    Path in = dir.resolve("commands.jsonl");
    Files.writeString(in, "{\"command\":\"rm -rf /\"}\n{\"command\":\"ls -la\"}\n{\"command\":\"$x\"}\n");
    GatewayFixture.CliResult r = GatewayProcess.cliWithInput(in, "policy", "test", "--target", "web-1",
        "--config", gw.configFile().toString());
    assertThat(r.exitCode()).as(r.err()).isZero();
    List<String> lines = r.out().lines().toList();
    assertThat(lines).hasSize(3);
    assertThat(lines.get(0)).contains("\"verdict\":\"block\"", "\"rule\":\"recursive-delete-root\"", "\"reason\":\"rm -rf /\"");
    assertThat(lines.get(1)).contains("\"verdict\":\"allow\"", "\"commands\":[\"ls\"]");
    assertThat(lines.get(2)).contains("\"verdict\":\"review\"", "\"rule\":\"unclassified\"", "\"exact\":false");
  }
}
