package dev.gatehouse.policy.shell;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.policy.Verdict;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Lines typed at the guarded prompt that could read the hook's own state (the next wall's nonce in
 * {@code __gh_m}) are refused as {@code guard-tamper}; ordinary lines that read or declare other
 * variables stay allowed, and exec requests (no hook) are not affected.
 */
class HookTamperReadsTest {
  private static final ShellJudge DEFAULT = ShellJudgeTest.DEFAULT;

  @ParameterizedTest(name = "reads the hook's state: {0}")
  @ValueSource(strings = {
      "printf 'nonce=%s\\n' \"$__gh_m\"; sleep 6", "echo $__gh_m", "echo ${__gh_m}", "echo \"${__gh_n:0:8}\"",
      "echo ${#__gh_m}", "declare -p __gh_m", "typeset -p __gh_m", "local -p __gh_m", "printf -v x %s \"$__gh_m\"",
      "[[ -v __gh_m ]] && echo yes", "test -v __gh_m", "echo ${!__gh*}", "echo ${!__g@}", "echo ${!_*}", "echo ${!__*}",
      "x=__gh_m; echo ${!x}", "echo ${!x}", "echo \"${!name}\"", "echo ${!1}", "echo ${!x:-a}", "eval 'echo $__g''h_m'",
      "bash -c 'echo $__gh_m'", "a=__gh_; echo hi", "set", "set | grep gh_m", "set $x", "declare -p", "declare",
      "typeset -p", "typeset", "local", "readonly", "readonly -p", "declare -a", "declare -x", "declare -p \"$y\"",
      "declare -p $y x", "typeset -p ${y}", "compgen -v", "compgen -v __", "compgen -A variable", "compgen -Avariable",
      "compgen -A variable -- _", "compgen -b -v", "compgen -A $x", "compgen $opt", "echo ${y@P}",
      "true && { set; } | cat"})
  void readingTheHooksStateIsRefused(String line) {
    Verdict v = DEFAULT.judgeTyped(line).verdict();
    assertThat(v.label()).as(line).isEqualTo("block");
    assertThat(v.rule()).as(line).isEqualTo("guard-tamper");
  }

  /**
   * {@code PS0} holds {@code $__gh_m} unexpanded (bash expands it into the C marker it prints as a
   * command starts): a prompt expansion of PS0, or of a copy of its text, prints the next nonce,
   * which authenticates the hook's B and C markers.
   */
  @ParameterizedTest(name = "prompt expansion of PS0: {0}")
  @ValueSource(strings = {"echo \"${PS0@P}\"", "printf %s \"${PS0@P}\"", "x=${PS0@P}", "x=\"${PS0@P}\"; echo \"$x\"",
      "echo ${PS0[0]@P}", "echo ${PS0[@]@P}", "x=$PS0; echo \"${x@P}\"", "set -- \"$PS0\"; echo \"${1@P}\"",
      "set -- \"$PS0\"; echo \"${@@P}\"", "echo \"${PS1@P}\"", "echo \"${PS4@P}\"", "declare -n r=PS0; echo \"${r@P}\""})
  void aPromptExpansionOfPs0IsRefused(String line) {
    Verdict v = DEFAULT.judgeTyped(line).verdict();
    assertThat(v.label()).as(line).isEqualTo("block");
    assertThat(v.rule()).as(line).isEqualTo("guard-tamper");
  }

  /** A copy of PS0's text in a variable bash expands again (PS1 by the hook, PS4 by xtrace): never allowed. */
  @ParameterizedTest(name = "PS0's text re-expanded: {0}")
  @ValueSource(strings = {"PS4=$PS0; set -x; ls", "PS4=${PS0:8}; set -x; ls", "PS1=$PS0", "PS1=\"${PS0:8} \"",
      "PS4=\"$PS0\"", "declare PS4=\"$PS0\""})
  void ps0sTextInAVariableBashExpandsIsRefused(String line) {
    Verdict v = DEFAULT.judgeTyped(line).verdict();
    assertThat(v.label()).as(line + ": " + v).isEqualTo("block");
  }

  @ParameterizedTest(name = "ordinary: {0}")
  @ValueSource(strings = {"set -e", "set -o", "set +o", "set -o pipefail", "set -- a b", "set -eu",
      "declare -a arr=(1 2)", "declare x=1", "declare -p HOME", "declare -f", "declare -F",
      "typeset -p PATH", "local x=$HOME", "export FOO=bar", "export -p", "echo $HOME", "printf '%s\\n' \"$x\"",
      "echo ${!#}", "compgen -c ls",
      "compgen -A command ls", "compgen -f /tmp", "complete -p", "echo ${#HOME}", "env | grep HOME", "printenv HOME",
      "readonly x=1", "echo gh_m"})
  void ordinaryLinesStayAllowed(String line) {
    Verdict v = DEFAULT.judgeTyped(line).verdict();
    assertThat(v.label()).as(line + ": " + v).isEqualTo("allow");
  }

  /**
   * A default value that is itself an expansion ({@code ${LOG:-$HOME/app.log}}, {@code
   * ${x:-$(date)}}) is what the bare expansion is: not a process's directory by itself. These were
   * refused as reading a process's memory; a default the text spells ({@code ${d:-/proc}}) still is.
   */
  @ParameterizedTest(name = "a default that is an expansion: {0}")
  @ValueSource(strings = {"tail -f \"${LOG:-$HOME/app.log}\"", "echo \"${x:-$(date)}\"", "echo \"${EDITOR:-$VISUAL}\"",
      "echo \"${HOME:-$(getent passwd \"$USER\" | cut -d: -f6)}\"", "ls \"${DIR:-`pwd`}\"", "cat \"${1:-$f}\""})
  void aDefaultThatIsAnExpansionIsNotAProcessDirectory(String line) {
    Verdict v = DEFAULT.judgeTyped(line).verdict();
    assertThat(v.label()).as(line + ": " + v).isEqualTo("allow");
  }

  @ParameterizedTest(name = "a default naming /proc: {0}")
  @ValueSource(strings = {"tail -c +1 \"${d:-/proc}/1/mem\"", "tail -c +1 \"${d:-/pr$(echo oc)}/1/mem\"",
      "tail -c +1 \"${d:-$(echo /proc)}/1/mem\"", "tail -c +1 /proc/${p:-$PPID}/mem", "x=/proc/1; tail \"${y:-$x}/mem\"",
      "cd /proc/1; tail \"${m:-$n}\""})
  void aDefaultNamingAProcesssMemoryIsStillRefused(String line) {
    Verdict v = DEFAULT.judgeTyped(line).verdict();
    assertThat(v.rule()).as(line + ": " + v).isEqualTo("guard-tamper");
  }

  @ParameterizedTest(name = "not the hook's state: {0}")
  @ValueSource(strings = {"arr=(a b); echo ${!arr[@]}", "echo ${!arr[*]}", "echo ${!HOST*}", "declare -i n=3"})
  void keysOfAnArrayAndOtherPrefixesAreNotGuardTamper(String line) {
    // Whatever else the policy makes of them (an expansion the reading does not evaluate), not this refusal.
    Verdict v = DEFAULT.judgeTyped(line).verdict();
    assertThat(v.rule()).as(line + ": " + v).isNotEqualTo("guard-tamper");
  }

  @ParameterizedTest(name = "exec request: {0}")
  @ValueSource(strings = {"set", "declare -p", "compgen -v", "echo ${!x}"})
  void execRequestsHaveNoHookAndAreNotJudgedForIt(String line) {
    // Without a guarded prompt there is no hook state to read: judge() does not refuse these.
    assertThat(DEFAULT.judge(line).verdict().rule()).as(line).isNotEqualTo("guard-tamper");
  }
}
