package dev.gatehouse.policy.shell;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.policy.Verdict;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Attack pass 17ch (see sshd-gateway's ShellLiveAttack17chIT): the lines a user would type at a
 * guarded prompt (a {@code command} target, where the startup files are the operator's) to reach
 * F2's nameref {@code PS1}, or the other tampers the brief lists. All held: each is
 * {@code guard-tamper}. Kept as regression tests. Not re-filed: a typed {@code source FILE} /
 * {@code . FILE} is allowed and the file can set the same nameref (docs/security-model.md admits
 * it: "what it sets (aliases, namerefs, traps) is not judged").
 */
class ShellAttack17chTest {
  @ParameterizedTest(name = "guard-tamper: {0}")
  @ValueSource(strings = {
    "declare -n PS1='BASH_ALIASES[echo]'", "declare -n PS1=BASH_ALIASES[echo]", "typeset -n PS1=x", "declare -n PS1",
    "declare -n X=PS1", "declare -n __gh_m=zz", "declare -n IFS=zz", "declare -u PS1", "declare -i PS1", "PS1[1]=x",
    "declare -n BASH_ALIASES", "declare -n __gh_ps1=BASH_ALIASES[ls]", "printf -v PS1 %s x",
    "declare -n Y=BASH_ALIASES; Y[echo]=x", "eval 'declare -n PS1=BASH_ALIASES[echo]'", "declare -gn PS1=Q",
    "unset -n PS1", "declare -n PS0=x", "declare -n PROMPT_COMMAND=x", "x=PS1; declare \"$x=y\"",
    "x=-n; declare $x Q=BASH_ALIASES[echo]", "printf -v \"$n\" x", ": ${BASH_ALIASES[echo]=}", "BASH_ALIASES[echo]=",
    "(( BASH_ALIASES[x]=1 ))", "let BASH_ALIASES[x]=1", "f() { local -n r=PS1; r=x; }", "command declare -n Q=PS1",
    "de\\clare -n Q=PS1", "declare -rn Q=PS1", "read -a BASH_ALIASES <<< x", "mapfile -t BASH_ALIASES",
    "x=__gh_m; echo \"${!x}\"", "exec bash", "set -o posix", "enable -n echo", "shopt -u promptvars",
    "PROMPT_COMMAND+=x", "trap x DEBUG", "BASH_ENV=/tmp/x bash -c ls", "ENV=/tmp/x sh -c ls"})
  void aNamerefOrPromptTamperIsGuardTamper(String line) {
    Verdict v = ShellJudgeTest.DEFAULT.judgeTyped(line).verdict();
    assertThat(v.label() + " " + v.rule()).as(line).isEqualTo("block guard-tamper");
  }

  @ParameterizedTest(name = "not guard-tamper, never allowed: {0}")
  @ValueSource(strings = {"d=declare; $d -n PS1=Q", "\"${x}\" -n PS1=Q", "eval \"$x\""})
  void aComputedCommandWordIsNotAllowed(String line) {
    Verdict v = ShellJudgeTest.DEFAULT.judgeTyped(line).verdict();
    assertThat(v.label()).as(line).isIn("review", "block");
  }
}
