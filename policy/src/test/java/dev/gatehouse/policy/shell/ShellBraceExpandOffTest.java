package dev.gatehouse.policy.shell;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.policy.Verdict;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Brace expansion turned off ({@code set +B}) keeps {@code {a,b}} one literal word, while the judge
 * expands it: {@link #TEXT} is {@code eval '#;touch WITNESS;' x} (a comment) by default, as the
 * judge reads it, and {@code eval '{#;touch WITNESS;,x}'} (three commands, one the touch) with
 * braces off. Every way of turning brace expansion off for the rest of a text or the next lines
 * is guard-tamper ({@code set}, {@code shopt -o}) or unclassified (a shell started so), as POSIX
 * mode is ({@link ShellPosixModeTest}), and a prompt the hook reports with {@code $-} lacking
 * {@code B} judges every line unclassified.
 */
class ShellBraceExpandOffTest {
  private static final ShellJudge DEFAULT = ShellJudgeTest.DEFAULT;
  /** A comment given to eval by default; with brace expansion off it runs {@code touch WITNESS}. */
  static final String TEXT = "eval {'#;touch WITNESS;',x}";

  @ParameterizedTest(name = "guard-tamper: {0}")
  @ValueSource(strings = {"set +B", "set +o braceexpand", "set -e +B", "set +uB", "set +euB", "set +Bu", "set -x +eB",
      "set +ob braceexpand", "set +oo nounset braceexpand", "set +o nounset +o braceexpand",
      "set -o braceexpand +o braceexpand", "set +B -- a", "builtin set +B", "command set +B", "\\set +B",
      "shopt -ou braceexpand", "shopt -uo braceexpand", "shopt -u -o braceexpand", "shopt -o -u braceexpand",
      "shopt -uo nounset braceexpand", "o=braceexpand; set +o $o", "set +o \"$opt\"", "b=+B; set $b",
      "shopt -uo \"$opt\"", "eval 'set +B'", "f() { set +B; }"})
  void turningBraceExpansionOffIsGuardTamper(String text) {
    Verdict typed = DEFAULT.judgeTyped(text).verdict();
    assertThat(typed.label()).as(text).isEqualTo("block");
    assertThat(typed.rule()).as(text).isEqualTo("guard-tamper");
    assertThat(DEFAULT.judge(text).verdict()).as(text).isNotInstanceOf(Verdict.Allow.class);
  }

  @ParameterizedTest(name = "a shell started with brace expansion off: {0}")
  @ValueSource(strings = {"bash +B -c 'ls'", "bash +o braceexpand -c 'ls'", "bash +euB -c 'ls'", "bash -e +B -c 'ls'",
      "bash +uB -c 'ls'", "bash +Bo nounset -c 'ls'", "bash +oB braceexpand -c 'ls'", "bash --norc +B -c 'ls'",
      "rbash +B -c 'ls'", "sh +B -c 'ls'", "bash +o \"$o\" -c 'ls'", "timeout 5 bash +B -c 'ls'", "env bash +B -c 'ls'",
      "exec bash +B -c 'ls'", "bash +B -s <<< 'ls'", "bash +B"})
  void aShellStartedWithBraceExpansionOffIsRefused(String text) {
    assertThat(DEFAULT.judge(text).verdict()).as(text).isNotInstanceOf(Verdict.Allow.class);
    assertThat(DEFAULT.judgeTyped(text).verdict()).as(text).isNotInstanceOf(Verdict.Allow.class);
  }

  /**
   * Each route (before {@link #TEXT} in one text, or as the shell running it) really turns brace
   * expansion off in bash (it runs the touch), and the guard refuses the whole text.
   */
  @ParameterizedTest(name = "real bash: {0}")
  @ValueSource(strings = {"set +B\n", "set +o braceexpand\n", "set +uB\n", "set +euB\n", "set -x +B\n",
      "set +ob braceexpand\n", "set +oo nounset braceexpand\n", "set +o nounset +o braceexpand\n",
      "set -o braceexpand +o braceexpand\n", "builtin set +B\n", "command set +B\n", "shopt -ou braceexpand\n",
      "shopt -uo braceexpand\n", "shopt -u -o braceexpand\n", "shopt -o -u braceexpand\n",
      "shopt -uo nounset braceexpand\n", "o=braceexpand; set +o $o\n", "b=+B; set $b\n", "eval 'set +B'\n",
      "f() { set +B; }; f\n", "bash +B -c \"$0\" ", "bash +o braceexpand -c \"$0\" ", "bash +euB -c \"$0\" ",
      "bash +uB -c \"$0\" ", "bash +Bo nounset -c \"$0\" ", "bash +oB braceexpand -c \"$0\" ",
      "bash --norc +B -c \"$0\" ", "exec bash +B -c \"$0\" "})
  void eachRouteTurnsBraceExpansionOffInBashAndIsRefused(String route, @TempDir Path tmp) throws Exception {
    Path w = tmp.resolve("w");
    String payload = TEXT.replace("WITNESS", w.toString());
    List<String> argv = BashWitness.routeThenText(route, payload);
    String out = BashWitness.run(tmp, argv, "");
    assertThat(Files.exists(w)).as("bash with brace expansion off runs the touch of %s: %s", argv, out).isTrue();
    String judged = route.endsWith(" ") ? route.replace("\"$0\"", "\"" + payload.replace("\"", "\\\"") + "\"") : route + payload;
    assertThat(DEFAULT.judge(judged).verdict()).as(judged).isNotInstanceOf(Verdict.Allow.class);
    assertThat(DEFAULT.judgeTyped(judged).verdict()).as(judged).isNotInstanceOf(Verdict.Allow.class);
    Files.delete(w);
    BashWitness.assertRunsNoUnjudgedTouch(DEFAULT, TEXT, tmp, false); // by default, a comment
  }

  /** An interactive bash's {@code $-} holds {@code B} while brace expansion is on, and loses it after {@code set +B}. */
  @ParameterizedTest(name = "interactive $- {0}")
  @ValueSource(strings = {"", "set +B; "})
  void anInteractiveShellsFlagsShowBraceExpansion(String before, @TempDir Path tmp) throws Exception {
    String out = BashWitness.run(tmp, List.of("bash", "--norc", "--noprofile", "-ic", before + "echo \"flags:$-\""), "");
    String flags = out.substring(out.indexOf("flags:") + 6).strip();
    assertThat(flags).as(out).contains("i");
    assertThat(flags.indexOf('B') >= 0).as(out).isEqualTo(before.isEmpty());
    ShellState s = ShellState.fromHook("checkwinsize:promptvars", flags, "", "").orElseThrow();
    assertThat(s.has("nobraceexpand")).as(flags).isEqualTo(!before.isEmpty());
  }

  @ParameterizedTest(name = "at a prompt with brace expansion off: {0}")
  @ValueSource(strings = {"ls -la", "set -B", "echo {a,b}", TEXT})
  void aLineAtAPromptWithBraceExpansionOffIsUnclassified(String text) {
    ShellState off = ShellState.fromHook("checkwinsize:promptvars", "himH", "", "").orElseThrow();
    assertThat(off).isEqualTo(new ShellState(Set.of("nobraceexpand")));
    Verdict v = DEFAULT.judgeTyped(text, off).verdict();
    assertThat(v.label()).as(text).isIn("review", "block");
    assertThat(DEFAULT.judge(text, off).verdict()).as(text).isNotInstanceOf(Verdict.Allow.class);
    ShellState on = ShellState.fromHook("checkwinsize:promptvars", "himBH", "", "").orElseThrow();
    assertThat(on).isEqualTo(ShellState.DEFAULTS);
    if (!text.equals(TEXT)) {
      assertThat(DEFAULT.judgeTyped(text, on).verdict()).as(text).isInstanceOf(Verdict.Allow.class);
    }
  }

  @ParameterizedTest(name = "still allowed: {0}")
  @ValueSource(strings = {"set -e", "set -x", "set +x", "set +e", "set +eu", "set -euo pipefail", "set +o pipefail",
      "set -B", "set -o braceexpand", "set -- +B", "set x +B", "set +o", "shopt -s globstar", "shopt -o braceexpand",
      "shopt -so braceexpand", "shopt -po braceexpand", "shopt -u globstar", "echo {a,b}", "ls {/etc,/tmp}",
      "echo +B braceexpand", "bash -c 'ls'", "bash -e -c 'ls'", "bash -B -c 'ls'", "bash -o braceexpand -c 'ls'"})
  void everydayOptionsStayAllowed(String text) {
    assertThat(DEFAULT.judge(text).verdict()).as(text).isInstanceOf(Verdict.Allow.class);
    assertThat(DEFAULT.judgeTyped(text).verdict()).as(text).isInstanceOf(Verdict.Allow.class);
  }
}
