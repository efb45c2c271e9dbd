package dev.gatehouse.policy.shell;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.policy.Verdict;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Attempts of the 17g pass the guard withstood: each is refused (or its reading lists what runs),
 * and where bash is run, no command the guard did not judge runs. They guard against regressions
 * of the evaluated-values rule, the nameref checks and the guard-tamper class.
 */
class ShellAttack17gHeldTest {
  private static final ShellJudge DEFAULT = ShellAttack17gTest.DEFAULT;

  /**
   * A value from a command substitution ({@code b[$(…)]} written by printf from {@code \x24})
   * evaluated again where the reading calls {@code evaluates}: {@code $[…]}, a substring offset,
   * {@code (( a[x] ))}, {@code ${#a[x]}}, {@code ${a[x]@Q}}, a c-style for, {@code [[ x -lt 1 ]]};
   * an unquoted {@code [ -v a[x] ]} does not parse (unclassified); {@code test -v 'a[$(…)]'} and
   * {@code [[ -v 'a[$(…)]' ]]} hold code in a literal beside a name-taker.
   */
  @ParameterizedTest(name = "refused, nothing unjudged runs: {0}")
  @ValueSource(strings = {
      "x=$(printf 'b[\\x24(touch WITNESS)]'); echo $[x]",
      "x=$(printf 'b[\\x24(touch WITNESS)]'); a=(0); echo ${a[@]:x}",
      "x=$(printf 'b[\\x24(touch WITNESS)]'); a=(0); (( a[x] ))",
      "x=$(printf 'b[\\x24(touch WITNESS)]'); a=(0); echo ${#a[x]}",
      "x=$(printf 'b[\\x24(touch WITNESS)]'); a=(0); echo ${a[x]@Q}",
      "x=$(printf 'b[\\x24(touch WITNESS)]'); for ((;x;)); do break; done",
      "x=$(printf 'b[\\x24(touch WITNESS)]'); [[ x -lt 1 ]]",
      "x=$(printf 'b[\\x24(touch WITNESS)]'); a=(0); [ -v a[x] ]",
      "test -v 'a[$(touch WITNESS)]'",
      "[[ -v 'a[$(touch WITNESS)]' ]]"})
  void aValueEvaluatedAgainWhereTheReadingLooksIsRefused(String template, @TempDir Path tmp) throws Exception {
    Path w = tmp.resolve("witness");
    String text = template.replace("WITNESS", w.toString());
    ShellJudgement exec = DEFAULT.judge(text);
    ShellJudgement typed = DEFAULT.judgeTyped(text);
    assertThat(exec.verdict()).as(text).isNotInstanceOf(Verdict.Allow.class);
    assertThat(typed.verdict()).as(text).isNotInstanceOf(Verdict.Allow.class);
    // bash does run the touch: the refusal is what keeps it from running.
    BashWitness.runOnSystemPath(tmp, List.of("bash", "--norc", "--noprofile", "-c", text), "");
    assertThat(Files.exists(w)).as("bash ran %s's hidden command (the refusal matters)", text).isTrue();
  }

  /**
   * Namerefs to what the hook stands on are refused at the prompt: with a target that is a hook
   * variable ({@code HookTamper.declaring}), and without a target ({@code declare -n r; r=PS1}
   * makes r's first assignment its target: {@code ShellClass.namerefToLocale}).
   */
  @ParameterizedTest(name = "guard-tamper at the prompt: {0}")
  @ValueSource(strings = {"declare -n r; r=PS1; r=x", "declare -n r=PS1", "declare -n r=BASH_ENV",
      "typeset -n r=PROMPT_COMMAND", "local -n r=PS0"})
  void aNamerefToTheHooksVariablesIsGuardTamper(String line) {
    Verdict v = DEFAULT.judgeTyped(line).verdict();
    assertThat(v.label()).as(line).isEqualTo("block");
    assertThat(v.rule()).as(line).isEqualTo("guard-tamper");
  }

  /**
   * Support for ShellAttack17gTest's root-delete cases: what bash makes of those words, from
   * {@code /} (printf only: nothing is deleted). Passes now; shows the words reach /etc and /usr.
   */
  @Test
  void bashExpandsThoseWordsToRootLevelDirectories(@TempDir Path tmp) throws Exception {
    String out = BashWitness.runOnSystemPath(tmp, List.of("bash", "--norc", "--noprofile", "-c",
        "cd / && printf '%s\\n' /e* /{etc,usr} e* ?tc [e]tc {etc,usr} ~+/etc"), "");
    assertThat(out.lines().toList()).contains("/etc", "/usr", "etc", "usr", "//etc");
    assertThat(out.lines().filter(l -> l.equals("etc")).count()).isGreaterThanOrEqualTo(3);
  }

  /**
   * {@code wait -p LD_PRELOAD}: guard-tamper through {@code ShellClass.setsLocaleByName}, which
   * takes GUARD_VARS names in the slot a builtin stores into (PATH is not one: see
   * ShellAttack17gTest.anAllowListRefusesSettingALookupVariableByAnyRoute).
   */
  @ParameterizedTest(name = "refused: {0}")
  @ValueSource(strings = {"ls & wait -n -p LD_PRELOAD", "ls & wait -p LD_PRELOAD"})
  void waitStoringIntoAGuardedVariableIsRefused(String line) {
    assertThat(ShellAttack17gTest.ALLOW_LIST.judgeTyped(line).verdict().label()).as(line).isEqualTo("block");
    assertThat(DEFAULT.judge(line).verdict().label()).as(line).isNotEqualTo("allow");
  }
}
