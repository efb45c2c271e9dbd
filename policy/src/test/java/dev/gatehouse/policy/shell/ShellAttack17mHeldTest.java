package dev.gatehouse.policy.shell;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Attempts of attack pass 17m that the judge stopped: texts where tree-sitter's reading and
 * bash's could part (a comment inside {@code $(…)}, {@code ((} that bash re-reads as two
 * subshells, {@code $((} that is a substitution of a subshell, the old {@code $[…]}, a quoted
 * here-document delimiter, a here-document inside {@code $(…)}, a {@code }} inside a
 * quoted part of {@code ${…}}, {@code $'…'} quotes). Real bash runs {@code touch W} for each; the
 * judge either lists the {@code touch} or does not allow the text.
 */
class ShellAttack17mHeldTest {
  static final ShellJudge DEFAULT = ShellJudgeTest.DEFAULT;

  @ParameterizedTest(name = "held: {0}")
  @ValueSource(strings = {
      "echo $(echo # )\ntouch WITNESS\n)",
      "((echo a); touch WITNESS)",
      "echo $((echo a) ; touch WITNESS)",
      "echo $[$(touch WITNESS)]",
      "cat <<E\"O\"F\n$(touch WITNESS)\nEOF\necho $(touch WITNESS)",
      "echo $(cat <<EOF\n)\nEOF\ntouch WITNESS)",
      "echo \"${x:-\"}\"$(touch WITNESS)}\"",
      "case a in a) echo;; esac; echo $(case b in b) touch WITNESS;; esac)",
      "echo `echo \\`touch WITNESS\\``",
      "x=$'a\\'b'; echo $(touch WITNESS)"})
  void aTextBashReadsOtherwiseIsNotAllowedWithoutItsCommands(String template, @TempDir Path tmp) throws Exception {
    Path w = tmp.resolve("witness");
    String text = template.replace("WITNESS", w.toString());
    BashWitness.run(tmp, List.of("bash", "--norc", "--noprofile", "-c", text), "");
    // Each text is an attack only if bash runs its touch: a case where it does not proves nothing.
    assertThat(Files.exists(w)).as("bash ran the touch of %s", text).isTrue();
    for (ShellJudgement j : List.of(DEFAULT.judge(text), DEFAULT.judgeTyped(text))) {
      assertThat(j.verdict().label().equals("allow") && !j.commands().contains("touch"))
          .as("%s: %s %s", text, j.verdict().label(), j.commands()).isFalse();
    }
  }
}
