package dev.gatehouse.gateway;

import static dev.gatehouse.gateway.GatewayFixture.field;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The shell guard on an interactive session of an {@code ssh} target, end to end: the real OpenSSH
 * client in a tmux terminal, the gateway, a real OpenSSH sshd on loopback and the login shell of
 * its account (Debian's skeleton startup files). Asserted is what the person sees, the audit lines
 * and the recording; a host whose side is not bash ends the session with one line.
 */
@ExtendWith(GatewayLogOnFailure.class)
class ShellPromptSshIT {
  private static final Duration WAIT = Duration.ofSeconds(20);
  /** The host's prompt from the skeleton .bashrc (user@host:~$), as the guard shows it. */
  private static final String PROMPT = SshdProcess.TARGET_USER + "@[^:\\n]*:~\\$ ?";
  /** An account whose login shell is dash. */
  private static final String SH_USER = "gh-target-sh";
  /** An account whose sshd forces an interactive dash whatever the client asks for. */
  private static final String FORCED_USER = "gh-target-fc";

  @TempDir static Path dir;
  static SshdProcess sshd;
  static GatewayFixture gw;
  static SshClientKey bob;

  @BeforeAll
  static void start() throws Exception {
    sshd = SshdProcess.prepare(dir.resolve("sshd"));
    SshdProcess.ensureUser(SH_USER, "/bin/sh");
    SshdProcess.ensureUser(FORCED_USER, "/bin/bash");
    String host = "    type: ssh\n    ssh: { host: 127.0.0.1, port: " + sshd.port() + ", user: %s, hostKey: \""
        + sshd.hostKeyLine() + "\" }\n    allow: { groups: [dev] }\n    policy: default-shell\n"
        + "    approvers: { groups: [ops-leads], min: 1 }\n";
    String targets = "targets:\n"
        + "  - name: web-ssh\n" + String.format(host, SshdProcess.TARGET_USER)
        + "  - name: dash-host\n" + String.format(host, SH_USER)
        + "  - name: forced-host\n" + String.format(host, FORCED_USER)
        + ShellGuardIT.POLICIES;
    gw = GatewayFixture.start(dir, "", targets);
    sshd.start(gw.gateway().certificateAuthority().targetCaPublicKeyLine(),
        "Match User " + FORCED_USER, "  ForceCommand /bin/sh -i");
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

  private static Tmux shell(Path tmp, SshClientKey key, String target) throws Exception {
    return Tmux.start(tmp, 200, 30, gw.sshArgv(key, target, List.of("-t")));
  }

  private static Tmux guarded(Path tmp, SshClientKey key) throws Exception {
    Tmux t = shell(tmp, key, "web-ssh");
    t.awaitScreen("^" + PROMPT + "$", WAIT);
    return t;
  }

  @Test
  void anAllowedLineRunsOnTheHostAndIsAuditedWithItsExitStatus(@TempDir Path tmp) throws Exception {
    SshClientKey ann = gw.sign(GatewayFixture.uniqueIdentity("ann"), List.of("dev"));
    try (Tmux t = guarded(tmp, ann)) {
      t.type("whoami | tr a-z A-Z; (exit 3)");
      t.awaitScreen("^GH-TARGET\\n" + PROMPT + "$", WAIT);
      t.type("exit");
      t.awaitExit(WAIT);
      assertThat(t.screen()).doesNotContain("133;", "__gh_", "POSIXLY_CORRECT", "BASH_VERSION");
    }
    JsonNode a = gw.awaitAudit("allowed line", field("code", "GH3000I").and(field("identity", ann.identity()))
        .and(field("statement", "whoami | tr a-z A-Z; (exit 3)")));
    assertThat(a.path("exitStatus").asInt()).isEqualTo(3);
    assertThat(a.path("source").asText()).isEqualTo("exact");
    String cast = gw.recordingsOf(ann);
    assertThat(cast).contains("allow (exact): whoami | tr a-z A-Z; (exit 3)", "exit 3 (");
    assertThat(cast).as("no integration marker and none of its code in the recording")
        .doesNotContain("133;", "\\u001b]133", "__gh_", "POSIXLY_CORRECT");
  }

  /**
   * The host's bash runs from an execute-only copy (deleted before it starts): the programs of the
   * session, the same user, cannot read its memory or its map (where the hook keeps the next
   * prompt's nonce), while their own stays readable; no copy is left in the host's /tmp, and the
   * descriptor bash was started through is closed before the first prompt.
   */
  @Test
  void theHostsBashMemoryIsClosedToTheProgramsOfTheSession(@TempDir Path tmp) throws Exception {
    SshClientKey gil = gw.sign(GatewayFixture.uniqueIdentity("gil"), List.of("dev"));
    try (Tmux t = guarded(tmp, gil)) {
      t.type("grep -c . /proc/$$/maps > /dev/null 2>&1 && echo shell-maps-readable | tr a-z A-Z"
          + " || echo shell-maps-closed | tr a-z A-Z");
      t.awaitScreen("^SHELL-MAPS-(READABLE|CLOSED)\\n" + PROMPT + "$", WAIT);
      t.type("grep -c . /proc/self/maps > /dev/null && echo own-maps-readable | tr a-z A-Z");
      t.awaitScreen("^OWN-MAPS-READABLE\\n" + PROMPT + "$", WAIT);
      t.type("ls -d /tmp/gh-bash.* 2> /dev/null | grep -c . | sed s/^/copies-left-/ | tr a-z A-Z");
      t.awaitScreen("^COPIES-LEFT-[0-9]+\\n" + PROMPT + "$", WAIT);
      t.type("test -e /proc/self/fd/9 && echo fd9-open | tr a-z A-Z || echo fd9-closed | tr a-z A-Z");
      t.awaitScreen("^FD9-(OPEN|CLOSED)\\n" + PROMPT + "$", WAIT);
      String screen = t.screen();
      assertThat(screen).as(screen).contains("SHELL-MAPS-CLOSED").contains("COPIES-LEFT-0").contains("FD9-CLOSED");
    }
  }

  @Test
  void aBlockedLineShowsItsReasonAndAFreshPromptAndNothingRunsOnTheHost(@TempDir Path tmp) throws Exception {
    SshClientKey cid = gw.sign(GatewayFixture.uniqueIdentity("cid"), List.of("dev"));
    Path witness = Path.of("/tmp", "gh-ssh-guard-" + UUID.randomUUID());
    try (Tmux t = guarded(tmp, cid)) {
      t.type("touch " + witness + "; rm -rf /");
      t.awaitScreen("^gatehouse: blocked by rule recursive-delete-root: rm -rf /\\n" + PROMPT + "$", WAIT);
      t.type("echo still-here");
      t.awaitScreen("^still-here\\n" + PROMPT + "$", WAIT);
    }
    assertThat(witness).as("nothing of the blocked line ran on the host").doesNotExist();
    JsonNode a = gw.awaitAudit("blocked line", field("code", "GH3001W").and(field("identity", cid.identity())));
    assertThat(a.path("statement").asText()).isEqualTo("touch " + witness + "; rm -rf /");
    assertThat(gw.recordingsOf(cid)).contains("block recursive-delete-root (exact): touch " + witness + "; rm -rf /");
  }

  @Test
  void aReviewLineWaitsAndRunsOnTheHostOnceApproved(@TempDir Path tmp) throws Exception {
    SshClientKey dee = gw.sign(GatewayFixture.uniqueIdentity("dee"), List.of("dev"));
    try (Tmux t = guarded(tmp, dee)) {
      t.type("echo needs-approval-then-ran-as-$(whoami)");
      Matcher m = t.awaitScreen("waiting for approval \\(request ([0-9A-F]{4,8})[^)]*\\) — Ctrl-C to cancel", WAIT);
      assertThat(t.screen()).doesNotContain("needs-approval-then-ran-as-gh-target");
      assertThat(gw.ssh(bob, "approvals").run("approve " + m.group(1)).exitCode()).isZero();
      t.awaitScreen("^needs-approval-then-ran-as-gh-target\\n" + PROMPT + "$", WAIT);
    }
  }

  @ParameterizedTest(name = "tamper: {0}")
  @ValueSource(strings = {"unset PROMPT_COMMAND", "trap 'echo' DEBUG", "PS1='x$ '", "set -o emacs", "stty -echo",
      "__gh_prompt() { :; }"})
  void eachTamperRouteIsBlocked(String line, @TempDir Path tmp) throws Exception {
    SshClientKey n = gw.sign(GatewayFixture.uniqueIdentity("tamper"), List.of("dev"));
    try (Tmux t = guarded(tmp, n)) {
      t.type(line);
      t.awaitScreen("^gatehouse: blocked by rule guard-tamper: .*\\n" + PROMPT + "$", WAIT);
      t.type("echo guard-intact");
      t.awaitScreen("^guard-intact\\n" + PROMPT + "$", WAIT);
    }
  }

  @ParameterizedTest(name = "nested shell: {0}")
  @ValueSource(strings = {"bash", "sh 0</dev/tty", "exec bash"})
  void aNestedShellIsHeldForApproval(String line, @TempDir Path tmp) throws Exception {
    SshClientKey n = gw.sign(GatewayFixture.uniqueIdentity("nest"), List.of("dev"));
    try (Tmux t = guarded(tmp, n)) {
      t.type(line);
      // Typing goes to the line editor once the held line is withdrawn and the prompt is back.
      ShellPromptFixture.backAtPrompt(t, PROMPT);
      t.type("echo back-at-guarded-prompt");
      t.awaitScreen("^back-at-guarded-prompt\\n" + PROMPT + "$", WAIT);
    }
  }

  @Test
  void aForgedCommandMarkerOnTheHostEndsTheSession(@TempDir Path tmp) throws Exception {
    SshClientKey fay = gw.sign(GatewayFixture.uniqueIdentity("fay"), List.of("dev"));
    try (Tmux t = guarded(tmp, fay)) {
      // A running program prints the marker bash prints when it starts a command: to the guard,
      // bash started one it did not hand it.
      t.type("printf '\\033]133;C\\007'; sleep 5");
      t.awaitScreen("^gatehouse: the shell started a command the guard did not see; session closed$", WAIT);
      t.awaitExit(WAIT);
    }
    gw.awaitAudit("guard lost", field("code", "GH3021W").and(field("identity", fay.identity()))
        .and(field("reason", "unjudged-command")));
  }

  @Test
  void aHostWhoseLoginShellIsDashEndsTheSessionWithOneLine(@TempDir Path tmp) throws Exception {
    SshClientKey gus = gw.sign(GatewayFixture.uniqueIdentity("gus"), List.of("dev"));
    try (Tmux t = shell(tmp, gus, "dash-host")) {
      t.awaitScreen("^gatehouse: the remote shell did not take the guard's integration \\(the login shell is not bash"
          + " 5\\.1 or later\\); session closed$", WAIT);
      t.awaitExit(WAIT);
      assertThat(t.screen()).as("nothing of the integration shows").doesNotContain("__gh_", "POSIXLY", "133;");
    }
    JsonNode lost = gw.awaitAudit("guard lost", field("code", "GH3021W").and(field("identity", gus.identity())));
    assertThat(lost.path("reason").asText()).isEqualTo("remote-shell-not-bash");
    assertThat(lost.path("target").asText()).isEqualTo("dash-host");
  }

  /**
   * A forced command that is an interactive dash: it reads the integration's lines as its own and
   * never prints a prompt marker. The guard waits for its first prompt up to its deadline (20 s),
   * then ends the session: the bound is the product's, and the test allows it in full.
   */
  @Test
  void aForcedCommandThatIsNotBashEndsTheSessionAtTheDeadline(@TempDir Path tmp) throws Exception {
    SshClientKey hal = gw.sign(GatewayFixture.uniqueIdentity("hal"), List.of("dev"));
    try (Tmux t = shell(tmp, hal, "forced-host")) {
      t.awaitScreen("^gatehouse: the remote shell did not take the guard's integration \\(no guarded prompt within"
          + " 20 s\\); session closed$", WAIT.plusSeconds(20));
      t.awaitExit(WAIT);
      assertThat(t.screen()).as("nothing of the integration shows").doesNotContain("__gh_", "POSIXLY", "133;");
    }
    JsonNode lost = gw.awaitAudit("guard lost", field("code", "GH3021W").and(field("identity", hal.identity())));
    assertThat(lost.path("reason").asText()).isEqualTo("integration-did-not-start");
  }
}
