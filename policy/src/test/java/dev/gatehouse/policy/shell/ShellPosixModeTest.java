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
 * POSIX mode and bash's compatibility levels change how bash reads quotes: in POSIX mode bash 5.2
 * does not take a single quote inside a double-quoted {@code ${x:-…}} as a quote, so {@link
 * #TEXT} is one {@code ls} by default (as the judge reads it) and {@code ls}, {@code touch}, a third
 * command in POSIX mode. Every way of turning them on for the rest of a text or the next lines is
 * guard-tamper (set, shopt, their variables) or unclassified (a shell started so), and a prompt the
 * hook reports in POSIX mode judges every line unclassified.
 */
class ShellPosixModeTest {
  private static final ShellJudge DEFAULT = ShellJudgeTest.DEFAULT;
  /** One {@code ls} by default; in POSIX mode it runs {@code touch WITNESS}. */
  static final String TEXT = "ls -d \"${x:-'}\" ; touch WITNESS ; \"'}\"";

  @ParameterizedTest(name = "guard-tamper: {0}")
  @ValueSource(strings = {"set -o posix", "set -bo posix", "set -ob posix", "set -oo posix notify",
      "set -o notify -o posix", "set +o posix -o posix", "set -o posix --", "builtin set -o posix",
      "command set -o posix", "shopt -so posix", "shopt -s -o posix", "shopt -o -s notify posix", "o=posix; set -o $o",
      "set -o \"$opt\"", "set $opts", "eval 'set -o posix'", "shopt -s compat31", "shopt -s compat32", "shopt -s compat40",
      "shopt -s compat41", "shopt -s compat42", "shopt -s compat43", "shopt -s compat44", "shopt -s extglob compat43",
      "shopt -s \"$opt\"", "BASH_COMPAT=41", "export BASH_COMPAT=4.4", "declare BASH_COMPAT=50", "POSIXLY_CORRECT=1",
      "export POSIXLY_CORRECT=y"})
  void turningPosixModeOrACompatibilityLevelOnIsGuardTamper(String text) {
    Verdict typed = DEFAULT.judgeTyped(text).verdict();
    assertThat(typed.label()).as(text).isEqualTo("block");
    assertThat(typed.rule()).as(text).isEqualTo("guard-tamper");
    assertThat(DEFAULT.judge(text).verdict()).as(text).isNotInstanceOf(Verdict.Allow.class);
  }

  @ParameterizedTest(name = "a shell started in POSIX mode: {0}")
  @ValueSource(strings = {"bash --posix -c 'ls'", "bash -o posix -c 'ls'", "bash -bo posix -c 'ls'",
      "bash --norc -o posix -c 'ls'", "bash -O compat41 -c 'ls'", "rbash -O compat31 -c 'ls'", "env SHELLOPTS=posix bash -c 'ls'",
      "env POSIXLY_CORRECT=1 bash -c 'ls'", "env BASH_COMPAT=41 bash -c 'ls'", "BASH_COMPAT=41 bash -c 'ls'",
      "exec -a sh bash -c 'ls'", "exec -a -sh bash -c 'ls'", "exec -a /x/sh /bin/bash -c 'ls'", "(exec -a sh bash -c 'ls')",
      "exec -a \"$n\" bash -c 'ls'", "timeout 5 bash --posix -c 'ls'", "bash --posix"})
  void aShellStartedInPosixModeIsRefused(String text) {
    assertThat(DEFAULT.judge(text).verdict()).as(text).isNotInstanceOf(Verdict.Allow.class);
    assertThat(DEFAULT.judgeTyped(text).verdict()).as(text).isNotInstanceOf(Verdict.Allow.class);
  }

  /**
   * Each route (before {@link #TEXT} in one text, or as the shell running it) really turns POSIX
   * mode on in bash (it runs the touch), and the guard refuses the whole text.
   */
  @ParameterizedTest(name = "real bash: {0}")
  @ValueSource(strings = {"set -o posix\n", "set -bo posix\n", "set -oo posix notify\n", "set +o posix -o posix\n",
      "builtin set -o posix\n", "command set -o posix\n", "shopt -so posix\n", "shopt -o -s notify posix\n",
      "o=posix; set -o $o\n", "eval 'set -o posix'\n", "f() { set -o posix; }; f\n", "POSIXLY_CORRECT=1\n",
      "bash --posix -c \"$0\" ", "bash -o posix -c \"$0\" ", "env SHELLOPTS=posix bash -c \"$0\" ",
      "env POSIXLY_CORRECT=1 bash -c \"$0\" ", "exec -a sh bash -c \"$0\" ", "exec -a -sh bash -c \"$0\" "})
  void eachRouteTurnsPosixModeOnInBashAndIsRefused(String route, @TempDir Path tmp) throws Exception {
    Path w = tmp.resolve("w");
    String payload = TEXT.replace("WITNESS", w.toString());
    List<String> argv = BashWitness.routeThenText(route, payload);
    String out = BashWitness.run(tmp, argv, "");
    assertThat(Files.exists(w)).as("bash in POSIX mode runs the touch of %s: %s", argv, out).isTrue();
    assertThat(DEFAULT.judge(route + TEXT).verdict()).as(route).isNotInstanceOf(Verdict.Allow.class);
    assertThat(DEFAULT.judgeTyped(route + TEXT).verdict()).as(route).isNotInstanceOf(Verdict.Allow.class);
    Files.delete(w);
    BashWitness.assertRunsNoUnjudgedTouch(DEFAULT, TEXT, tmp, false); // by default, one ls
  }

  @ParameterizedTest(name = "at a prompt in POSIX mode or at a compatibility level: {0}")
  @ValueSource(strings = {"ls -la", "set +o posix", TEXT})
  void aLineAtAPromptInPosixModeIsUnclassified(String text) {
    for (ShellState s : List.of(new ShellState(Set.of("posix")), new ShellState(Set.of("compat")))) {
      Verdict v = DEFAULT.judgeTyped(text, s).verdict();
      assertThat(v.label()).as("%s in %s", text, s).isIn("review", "block");
      assertThat(DEFAULT.judge(text, s).verdict()).as("%s in %s", text, s).isNotInstanceOf(Verdict.Allow.class);
    }
    if (!text.equals(TEXT)) {
      assertThat(DEFAULT.judgeTyped(text, ShellState.DEFAULTS).verdict()).as(text).isInstanceOf(Verdict.Allow.class);
    }
  }

  @ParameterizedTest(name = "still allowed: {0}")
  @ValueSource(strings = {"set -o pipefail", "set -euo pipefail", "set -o errexit -o nounset", "set +o posix", "set -o",
      "set +o", "shopt -o posix", "shopt -p compat31", "shopt -u compat31", "shopt -s extglob", "shopt -q -o posix",
      "set -- -o posix", "bash -o pipefail -c 'ls'", "bash -O extglob -c 'ls'", "bash --norc -c 'ls'", "exec -a myname ls",
      "echo posix", "set -e"})
  void everydayOptionsStayAllowed(String text) {
    assertThat(DEFAULT.judge(text).verdict()).as(text).isInstanceOf(Verdict.Allow.class);
  }
}
