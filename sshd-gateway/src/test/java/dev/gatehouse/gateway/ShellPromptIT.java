package dev.gatehouse.gateway;

import static dev.gatehouse.gateway.GatewayFixture.field;
import static dev.gatehouse.gateway.ShellPromptFixture.PROMPT;
import static dev.gatehouse.gateway.ShellPromptFixture.WAIT;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The shell guard on an interactive bash, end to end: the real OpenSSH client in a tmux terminal,
 * the gateway, real bash on a {@code command} target. Asserted is what the person sees on the
 * screen, the audit lines and the recording.
 */
@ExtendWith(GatewayLogOnFailure.class)
class ShellPromptIT {
  @TempDir static Path dir;
  static ShellPromptFixture prompt;
  static GatewayFixture gw;
  static SshClientKey bob;

  @BeforeAll
  static void start() throws Exception {
    prompt = ShellPromptFixture.setup().start(dir);
    gw = prompt.gw;
    bob = gw.sign(GatewayFixture.uniqueIdentity("bob"), List.of("dev", "ops-leads"));
  }

  @AfterAll
  static void stop() throws Exception {
    if (prompt != null) {
      prompt.close();
    }
  }

  @Test
  void anAllowedLineRunsShowsItsOutputAndIsAuditedWithItsExitStatus(@TempDir Path tmp) throws Exception {
    SshClientKey ann = gw.sign(GatewayFixture.uniqueIdentity("ann"), List.of("dev"));
    try (Tmux t = prompt.shell(tmp, ann)) {
      t.type("echo hello | tr a-z A-Z; (exit 3)");
      t.awaitScreen("^HELLO\\n" + PROMPT + "$", WAIT);
      t.type("exit");
      t.awaitExit(WAIT);
      String screen = t.screen();
      assertThat(screen).doesNotContain("133;", "__gh_", "POSIXLY_CORRECT");
    }
    JsonNode a = gw.awaitAudit("allowed line", field("code", "GH3000I").and(field("identity", ann.identity()))
        .and(field("statement", "echo hello | tr a-z A-Z; (exit 3)")));
    assertThat(a.path("exitStatus").asInt()).isEqualTo(3);
    assertThat(a.path("source").asText()).isEqualTo("exact");
    assertThat(a.has("durationMs")).isTrue();
    String cast = gw.recordingsOf(ann);
    assertThat(cast).contains("allow (exact): echo hello | tr a-z A-Z; (exit 3)", "exit 3 (");
    assertThat(cast).as("no integration marker and none of its code in the recording")
        .doesNotContain("133;", "\\u001b]133", "__gh_", "POSIXLY_CORRECT");
  }

  @Test
  void aBlockedLineShowsItsReasonAndAFreshPromptAndNothingRuns(@TempDir Path tmp) throws Exception {
    SshClientKey cid = gw.sign(GatewayFixture.uniqueIdentity("cid"), List.of("dev"));
    try (Tmux t = prompt.shell(tmp, cid)) {
      t.type("echo RAN-BEFORE; rm -rf /");
      t.awaitScreen("^gatehouse: blocked by rule recursive-delete-root: rm -rf /\\n" + PROMPT + "$", WAIT);
      assertThat(t.screen()).doesNotContainPattern("(?m)^RAN-BEFORE$");
      t.type("echo still-here");
      t.awaitScreen("^still-here\\n" + PROMPT + "$", WAIT);
    }
    JsonNode a = gw.awaitAudit("blocked line", field("code", "GH3001W").and(field("identity", cid.identity())));
    assertThat(a.path("statement").asText()).isEqualTo("echo RAN-BEFORE; rm -rf /");
    assertThat(gw.recordingsOf(cid)).contains("block recursive-delete-root (exact): echo RAN-BEFORE; rm -rf /");
  }

  @Test
  void aReviewLineWaitsAndRunsOnceApproved(@TempDir Path tmp) throws Exception {
    SshClientKey dee = gw.sign(GatewayFixture.uniqueIdentity("dee"), List.of("dev"));
    try (Tmux t = prompt.shell(tmp, dee)) {
      t.type("echo needs-approval-then-ran");
      Matcher m = t.awaitScreen("waiting for approval \\(request ([0-9A-F]{4,8})[^)]*\\) — Ctrl-C to cancel", WAIT);
      assertThat(t.screen()).doesNotContainPattern("(?m)^needs-approval-then-ran$");
      assertThat(gw.ssh(bob, "approvals").run("approve " + m.group(1)).exitCode()).isZero();
      t.awaitScreen("^needs-approval-then-ran\\n" + PROMPT + "$", WAIT);
    }
  }

  @Test
  void ctrlCCancelsALineWaitingForApproval(@TempDir Path tmp) throws Exception {
    SshClientKey eve = gw.sign(GatewayFixture.uniqueIdentity("eve"), List.of("dev"));
    try (Tmux t = prompt.shell(tmp, eve)) {
      t.type("echo needs-approval-cancelled");
      t.awaitScreen("waiting for approval", WAIT);
      t.run("send-keys", "-t", "gh", "C-c");
      t.awaitScreen("cancelled\\n(\\^C)?" + PROMPT + "$", WAIT);
      t.type("echo after-cancel");
      t.awaitScreen("^after-cancel\\n" + PROMPT + "$", WAIT);
      assertThat(t.screen()).doesNotContainPattern("(?m)^needs-approval-cancelled$");
    }
  }

  /**
   * Enter and Ctrl-C in one chunk (a quick typist on a slow link, or tmux writing both at once):
   * the line editor's terminal raises the Ctrl-C as it arrives, ahead of the line it follows, so it
   * used to be spent before the line was read and the line then waited for approval anyway. The
   * gateway keeps it for that line: the hold is withdrawn at once.
   */
  @Test
  void ctrlCTypedWithTheEnterCancelsTheHold(@TempDir Path tmp) throws Exception {
    SshClientKey eva = gw.sign(GatewayFixture.uniqueIdentity("eva"), List.of("dev"));
    try (Tmux t = prompt.shell(tmp, eva)) {
      ShellPromptFixture.literal(t, "echo needs-approval-withdrawn");
      t.awaitScreen("echo needs-approval-withdrawn$", WAIT);
      ShellPromptFixture.literal(t, "\r\u0003"); // one write: Enter, then Ctrl-C
      t.awaitScreen("cancelled\\n(\\^C)?" + PROMPT + "$", WAIT);
      t.type("echo after-withdrawn");
      t.awaitScreen("^after-withdrawn\\n" + PROMPT + "$", WAIT);
      assertThat(t.screen()).doesNotContainPattern("(?m)^needs-approval-withdrawn$");
    }
  }

  /**
   * The same with a line that would run: the line is withdrawn before bash gets it (audited as not
   * run), as a terminal drops a line that Ctrl-C catches before the shell read it.
   */
  @Test
  void ctrlCTypedWithTheEnterWithdrawsTheLine(@TempDir Path tmp) throws Exception {
    SshClientKey eli = gw.sign(GatewayFixture.uniqueIdentity("eli"), List.of("dev"));
    try (Tmux t = prompt.shell(tmp, eli)) {
      ShellPromptFixture.literal(t, "sleep 30; echo slept-through | tr a-z A-Z");
      t.awaitScreen("tr a-z A-Z$", WAIT);
      ShellPromptFixture.literal(t, "\r\u0003");
      t.awaitScreen("^\\^C\\n" + PROMPT + "$", WAIT);
      t.type("echo after-withdrawn-line | tr a-z A-Z");
      t.awaitScreen("^AFTER-WITHDRAWN-LINE$", WAIT);
      assertThat(t.screen()).doesNotContain("SLEPT-THROUGH");
    }
    JsonNode line = gw.awaitAudit("withdrawn line", field("identity", eli.identity()).and(field("ran", "false")));
    assertThat(line.path("statement").asText()).isEqualTo("sleep 30; echo slept-through | tr a-z A-Z");
  }

  @Test
  void anOpenQuoteAndAHereDocumentAreJudgedWhole(@TempDir Path tmp) throws Exception {
    SshClientKey fay = gw.sign(GatewayFixture.uniqueIdentity("fay"), List.of("dev"));
    try (Tmux t = prompt.shell(tmp, fay)) {
      t.type("echo 'first");
      t.awaitScreen("^> ?$", WAIT);
      t.type("second'; rm -rf /");
      t.awaitScreen("gatehouse: blocked by rule recursive-delete-root: rm -rf /\\n" + PROMPT + "$", WAIT);
      t.type("cat <<EOF");
      t.type("heredoc-line");
      t.type("EOF");
      t.awaitScreen("^heredoc-line\\n" + PROMPT + "$", WAIT);
    }
    gw.awaitAudit("whole quoted text", field("code", "GH3001W").and(field("identity", fay.identity()))
        .and(field("statement", "echo 'first\nsecond'; rm -rf /")));
    gw.awaitAudit("whole here-document", field("code", "GH3000I").and(field("identity", fay.identity()))
        .and(field("statement", "cat <<EOF\nheredoc-line\nEOF")));
  }

  @Test
  void aRunningCommandGetsRawInputAndTypeAheadNeverReachesBashUnjudged(@TempDir Path tmp) throws Exception {
    SshClientKey gus = gw.sign(GatewayFixture.uniqueIdentity("gus"), List.of("dev"));
    try (Tmux t = prompt.shell(tmp, gus)) {
      t.type("cat > /tmp/typed; echo saved; cat /tmp/typed");
      Thread.sleep(500);
      t.type("rm -rf / as data");
      t.run("send-keys", "-t", "gh", "C-d");
      t.awaitScreen("^saved\\nrm -rf / as data\\n" + PROMPT + "$", WAIT);
      // Typed while a command runs and not read by it: thrown away at the next prompt, not run.
      t.type("sleep 2");
      Thread.sleep(300);
      t.type("echo TYPE-AHEAD-RAN > /tmp/ahead");
      t.awaitScreen("^" + PROMPT + "$", WAIT);
      Thread.sleep(2500);
      t.type("cat /tmp/ahead 2>/dev/null || echo no-ahead");
      t.awaitScreen("^no-ahead\\n" + PROMPT + "$", WAIT);
    }
  }

  @ParameterizedTest(name = "nested shell: {0}")
  @ValueSource(strings = {"bash", "sh -i", "exec bash", "su", "sudo -i", "script /dev/null", "python3", "perl -d -e 1",
      "tmux", "screen", "ssh other-host"})
  void eachNestedShellRouteIsHeldOrRefused(String line, @TempDir Path tmp) throws Exception {
    SshClientKey n = gw.sign(GatewayFixture.uniqueIdentity("nest"), List.of("dev"));
    try (Tmux t = prompt.shell(tmp, n)) {
      t.type(line);
      // Typing goes to the line editor once the held line is withdrawn and the prompt is back.
      ShellPromptFixture.backAtPrompt(t, PROMPT);
      t.type("echo back-at-guarded-prompt");
      t.awaitScreen("^back-at-guarded-prompt\\n" + PROMPT + "$", WAIT);
    }
  }

  @ParameterizedTest(name = "tamper: {0}")
  @ValueSource(strings = {"unset PROMPT_COMMAND", "PROMPT_COMMAND=true", "PS0=", "PS1='x$ '", "trap 'echo' DEBUG",
      "enable -n printf", "builtin() { :; }", "__gh_prompt() { :; }", "exec >/tmp/out", "exec 2>/dev/null",
      "stty -echo", "shopt -u promptvars", "alias ls=true", "declare -f __gh_prompt", "set -o emacs", "set -o vi",
      "set -H", "set -o history", "fc -s", "bind -x '\"Q\": true'"})
  void eachTamperRouteIsBlocked(String line, @TempDir Path tmp) throws Exception {
    SshClientKey n = gw.sign(GatewayFixture.uniqueIdentity("tamper"), List.of("dev"));
    try (Tmux t = prompt.shell(tmp, n)) {
      t.type(line);
      t.awaitScreen("^gatehouse: blocked by rule guard-tamper: .*\\n" + PROMPT + "$", WAIT);
      t.type("echo guard-intact");
      t.awaitScreen("^guard-intact\\n" + PROMPT + "$", WAIT);
    }
  }

  @Test
  void anApprovedNestedShellSuspendsTheGuardAndTheGuardResumesAfterIt(@TempDir Path tmp) throws Exception {
    SshClientKey hal = gw.sign(GatewayFixture.uniqueIdentity("hal"), List.of("dev"));
    try (Tmux t = prompt.shell(tmp, hal)) {
      t.type("bash --norc --noprofile");
      Matcher m = t.awaitScreen("waiting for approval \\(request ([0-9A-F]{4,8})", WAIT);
      assertThat(gw.ssh(bob, "approvals").run("approve " + m.group(1)).exitCode()).isZero();
      Thread.sleep(1000);
      t.type("echo inside-nested-$((6*7))");
      t.awaitScreen("inside-nested-42", WAIT);
      t.type("exit");
      t.awaitScreen(PROMPT + "$", WAIT);
      t.type("echo guarded-again; rm -rf /");
      t.awaitScreen("gatehouse: blocked by rule recursive-delete-root: rm -rf /\\n" + PROMPT + "$", WAIT);
    }
    gw.awaitAudit("guard suspended", field("code", "GH3020I").and(field("identity", hal.identity()))
        .and(field("state", "suspended")));
    gw.awaitAudit("guard resumed", field("code", "GH3020I").and(field("identity", hal.identity()))
        .and(field("state", "resumed")));
  }
}
