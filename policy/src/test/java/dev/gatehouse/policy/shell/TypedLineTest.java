package dev.gatehouse.policy.shell;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatehouse.policy.PolicyConfig;
import dev.gatehouse.policy.Verdict;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Lines typed at a guarded interactive prompt: nested shells and tampering with the guard. */
class TypedLineTest {
  private static final ShellJudge DEFAULT = ShellJudgeTest.DEFAULT;

  @ParameterizedTest(name = "nested shell: {0}")
  @ValueSource(strings = {"bash", "sh -i", "zsh", "dash", "su", "su - root", "sudo -i", "sudo -s", "script",
      "script /tmp/typescript", "ssh db-host", "python3", "python", "node", "perl", "tmux", "tmux new -s x", "screen",
      "/bin/bash --login", "env bash", "nohup bash -i"})
  void aNestedShellIsReviewedEvenWhenThePolicyDoesNotListIt(String line) {
    Verdict v = DEFAULT.judgeTyped(line).verdict();
    assertThat(v.label()).as(line).isIn("review", "block");
    if (v.label().equals("review")) {
      assertThat(v.rule()).as(line).isIn("nested-shell", "sudo");
    }
    // ssh is blocked by the example's no-ssh-hop rule; whatever the policy adds, never allowed.
  }

  @ParameterizedTest(name = "tamper: {0}")
  @ValueSource(strings = {"unset PROMPT_COMMAND", "PROMPT_COMMAND=", "PROMPT_COMMAND='echo hi'", "PS0=", "unset PS0",
      "PS1='$ '", "export PROMPT_COMMAND=x", "declare PS0=x", "trap 'echo' DEBUG", "trap '' RETURN", "trap - DEBUG",
      "set -o functrace", "enable -n printf", "enable -n read", "builtin() { :; }", "printf() { :; }",
      "read() { :; }", "__gh_prompt() { :; }", "declare -f __gh_prompt", "exec zsh", "exec bash", "exec >/tmp/out", "exec 2>/dev/null",
      "stty -echo", "stty erase a", "stty kill x", "shopt -u promptvars", "alias ls='ls -la'", "unalias -a",
      "command_not_found_handle() { :; }", "readonly -f __gh_prompt", "BASH_ENV=/tmp/x bash -c true",
      "HISTFILE=/dev/null"})
  void tamperingWithTheGuardIsBlockedEvenWhereThePolicyOnlyReviewsIt(String line) {
    Verdict v = DEFAULT.judgeTyped(line).verdict();
    assertThat(v.label()).as(line).isEqualTo("block");
    assertThat(v.rule()).as(line).isIn("guard-tamper", "history-tamper");
  }

  @ParameterizedTest(name = "ordinary: {0}")
  @ValueSource(strings = {"ls -la", "cd /tmp && ls", "echo hi", "stty -a", "stty size", "cat /etc/hostname",
      "python3 -V", "bash -n script.sh", "tmux ls", "grep -r x /etc", "less /etc/passwd"})
  void ordinaryLinesStayAllowed(String line) {
    assertThat(DEFAULT.judgeTyped(line).verdict().label()).as(line).isEqualTo("allow");
  }

  @Test
  void aPolicyThatBlocksNestedShellsKeepsTheBlock() {
    Map<String, Object> p = new HashMap<>(ShellJudgeTest.DEFAULT_SHELL);
    p.put("block", List.of("nested-shell"));
    Verdict v = ShellJudgeTest.judge(p).judgeTyped("bash").verdict();
    assertThat(v.label()).isEqualTo("block");
    assertThat(v.rule()).isEqualTo("nested-shell");
  }

  @Test
  void execRequestsAreJudgedWithoutTheInteractiveDefaults() {
    assertThat(DEFAULT.judge("bash").verdict().label()).isEqualTo("allow");
    assertThat(DEFAULT.judgeTyped("bash").verdict().label()).isEqualTo("review");
  }

  @Test
  void onGuardLostIsEndByDefaultAndScreenIsRefusedAtLoad() {
    assertThat(DEFAULT.policy().onGuardLost()).isEqualTo(ShellPolicy.OnGuardLost.END);
    Map<String, Object> p = new HashMap<>(ShellJudgeTest.DEFAULT_SHELL);
    p.put("onGuardLost", "end");
    assertThat(ShellJudgeTest.judge(p).policy().onGuardLost()).isEqualTo(ShellPolicy.OnGuardLost.END);
    p.put("onGuardLost", "screen");
    assertThatThrownBy(() -> PolicyConfig.parseShell(Map.of("p", p)))
        .hasMessageContaining("p.onGuardLost: 'screen' is not available in this version");
    p.put("onGuardLost", "ignore");
    assertThatThrownBy(() -> PolicyConfig.parseShell(Map.of("p", p))).hasMessageContaining("'ignore' must be end");
  }
}
