package dev.gatehouse.policy.shell;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Attack pass 17m on the shell judge (after the exec-through-a-builtin and nested-shell fixes of
 * 17k). Each test asserts the secure outcome against real bash.
 *
 * <p><b>Options and configuration given by the environment.</b> The reading knows the options
 * that make a program run a command ({@code tar --checkpoint-action=exec=…}, {@code git -c
 * alias.x='!…'}, {@code --config-env}) and the variables that hold a command ({@code PAGER},
 * {@code GIT_SSH_COMMAND}, … in {@code CommandReader.COMMAND_VARS}), but not the variables those
 * programs read their options or configuration from: {@code TAR_OPTIONS} (tar takes it as options
 * before its arguments), {@code GIT_CONFIG_COUNT}/{@code GIT_CONFIG_KEY_n}/{@code
 * GIT_CONFIG_VALUE_n} and {@code GIT_CONFIG_PARAMETERS} (git's own {@code -c}, carried to every git
 * it runs), {@code PERL5OPT=-d} with {@code PERL5DB} (perl runs PERL5DB as code for any perl
 * program: {@code shasum}, {@code json_pp}, {@code debconf} tools). The text lists {@code tar},
 * {@code git}, {@code shasum} and is allowed; bash runs {@code touch W}, which no judgement lists.
 * ({@code PERL5OPT} and {@code NODE_OPTIONS} are known, but only to {@code mode: allow-list}.)
 *
 * <p><b>Interactive interpreters judged allow.</b> {@code python3 -i} and {@code python3 -m code}
 * are {@code nested-shell} since 17k; the same prompt is reached by {@code PYTHONINSPECT=1} (the
 * variable form of {@code -i}, for any script or module) and by the module's file given as a
 * script ({@code python3 /usr/lib/python3.11/code.py}); {@code perl -d SCRIPT} is perl's debugger,
 * a prompt that runs any perl ({@code system(…)}). Each reads what is typed next unjudged.
 */
class ShellAttack17mTest {
  static final ShellJudge DEFAULT = ShellJudgeTest.DEFAULT;

  /**
   * A program's options or configuration set through the environment, holding a command it runs:
   * exec request and typed line alike allowed, with no {@code touch} listed; bash runs it.
   */
  @ParameterizedTest(name = "options by environment: {0}")
  @ValueSource(strings = {
      "TAR_OPTIONS='--checkpoint=1 --checkpoint-action=exec=touch\\ WITNESS' tar cf /dev/null /etc/hostname",
      "env TAR_OPTIONS='--checkpoint=1 --checkpoint-action=exec=touch\\ WITNESS' tar cf /dev/null /etc/hostname",
      "export TAR_OPTIONS='--checkpoint=1 --checkpoint-action=exec=touch\\ WITNESS'; tar cf /dev/null /etc/hostname",
      "GIT_CONFIG_COUNT=1 GIT_CONFIG_KEY_0=alias.st GIT_CONFIG_VALUE_0='!touch WITNESS' git st",
      "GIT_CONFIG_PARAMETERS=\"'alias.st'='!touch WITNESS'\" git st",
      "PERL5OPT=-d PERL5DB='system(q(touch WITNESS))' shasum /dev/null",
      "PERL5OPT=-d PERL5DB='system(q(touch WITNESS))' json_pp </dev/null"})
  void optionsGivenByTheEnvironmentRunOnlyWhatTheGuardJudged(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(DEFAULT, template, tmp, false);
  }

  /** The same split over lines at the guarded prompt: each allowed alone, the second runs the command. */
  @ParameterizedTest(name = "lines at the prompt: {0}")
  @ValueSource(strings = {
      "export TAR_OPTIONS='--checkpoint=1 --checkpoint-action=exec=touch\\ WITNESS'\ntar cf /dev/null /etc/hostname",
      "export GIT_CONFIG_COUNT=1 GIT_CONFIG_KEY_0=alias.st GIT_CONFIG_VALUE_0='!touch WITNESS'\ngit st",
      "export PERL5OPT=-d PERL5DB='system(q(touch WITNESS))'\nshasum /dev/null"})
  void linesAtThePromptRunOnlyWhatTheGuardJudged(String template, @TempDir Path tmp) throws Exception {
    Path w = tmp.resolve("witness");
    String[] lines = template.replace("WITNESS", w.toString()).split("\n");
    StringBuilder judged = new StringBuilder();
    for (String line : lines) {
      ShellJudgement j = DEFAULT.judgeTyped(line);
      if (!BashWitness.allowedWithoutTouch(j)) {
        return;
      }
      judged.append(line).append(" => ").append(j.commands()).append("; ");
    }
    String input = "PS1=\n" + String.join("\n", lines) + "\nexit\n";
    String out = BashWitness.run(tmp, List.of("bash", "--norc", "--noprofile", "--noediting", "-i"), input);
    assertThat(Files.exists(w)).as("each line allowed (%s); bash ran touch: %s", judged, out).isFalse();
  }

  /**
   * An interactive interpreter reached without {@code -i}, {@code -m code} or no script: a prompt
   * that runs what is typed next, unjudged. Real first: given a line of code on its input it runs
   * {@code touch W}; then the judge must not allow it at the prompt (nested-shell, a review).
   */
  @ParameterizedTest(name = "interactive interpreter: {0}")
  @ValueSource(strings = {
      "PYTHONINSPECT=1 python3 -m this",
      "env PYTHONINSPECT=1 python3 -m this",
      "PYTHONINSPECT=1 python3 -m calendar",
      "python3 CODE_PY",
      "python3 -q CODE_PY",
      "perl -d /usr/bin/shasum /dev/null"})
  void anInteractiveInterpreterIsANestedShell(String template, @TempDir Path tmp) throws Exception {
    Path w = tmp.resolve("witness");
    String codePy = BashWitness.run(tmp, List.of("python3", "-c", "import code; print(code.__file__)"), "").strip();
    String text = template.replace("CODE_PY", codePy);
    String code = text.contains("perl") ? "system(q(touch " + w + "))\nq\n"
        : "import os; os.system('touch " + w + "')\nexit()\n";
    // Run on a terminal, as at the prompt (script gives it a pty): perl's debugger reads the
    // terminal, and PYTHONINSPECT, unlike -i, only gives a prompt when the input is one.
    String out = BashWitness.run(tmp, List.of("script", "-qec", text, "/dev/null"), code);
    assumeTrue(Files.exists(w), "the program did not run the code typed at it here: " + out);
    ShellJudgement typed = DEFAULT.judgeTyped(text);
    assertThat(typed.verdict().label()).as("%s starts a prompt that ran `touch W` typed at it, unjudged; judged %s %s",
        text, typed.verdict().label(), typed.verdict().rule()).isNotEqualTo("allow");
    assertThat(typed.verdict().rule()).as(text).isIn("nested-shell", "interpreter-inline");
  }

  /**
   * A here-document body line that starts with blanks (a space, a tab: indented text, or {@code
   * <<-}'s tab-indented body) followed by a command substitution. bash expands the body of an
   * unquoted delimiter and runs the substitution; tree-sitter-bash gives no {@code
   * command_substitution} node for it there, so {@code CommandReader.heredoc} walks nothing and
   * lists only {@code cat} (the body holds a {@code $}, so the fed text is only marked unknown, which
   * matters only for a shell reading it). A {@code $(…)} not at the start of the line, or one in
   * backquotes, is found. Exec request and typed line alike: allowed with {@code [cat]}; a blocked
   * class ({@code $(reboot)}, {@code $(rm -rf /)}) in the same place is allowed too.
   */
  @ParameterizedTest(name = "here-document body: {0}")
  @ValueSource(strings = {
      "cat <<EOF\n $(touch WITNESS)\nEOF",
      "cat <<EOF\n\t$(touch WITNESS)\nEOF",
      "cat <<-EOF\n\t$(touch WITNESS)\n\tEOF",
      "cat <<EOF\nline one\n  $(touch WITNESS) and more\nEOF",
      "cat > notes.txt <<END\n $(touch WITNESS)\nEND"})
  void aSubstitutionAtTheStartOfAnIndentedHereDocumentLineIsJudged(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(DEFAULT, template, tmp, false);
  }

  /** The same place holding a blocked class: the reading must find it (it finds it one character later). */
  @ParameterizedTest(name = "here-document body, blocked class: {0}")
  @ValueSource(strings = {"cat <<EOF\n $(reboot)\nEOF", "cat <<EOF\n\t$(rm -rf /)\nEOF"})
  void aBlockedCommandAtTheStartOfAnIndentedHereDocumentLineIsBlocked(String template) {
    String text = template;
    String later = text.replace("\n $(", "\nx$(").replace("\n\t$(", "\nx$(");
    assertThat(DEFAULT.judge(later).verdict().label()).as(later).isEqualTo("block");
    assertThat(DEFAULT.judge(text).verdict().label()).as("%s: %s", text, DEFAULT.judge(text).commands()).isEqualTo("block");
    assertThat(DEFAULT.judgeTyped(text).verdict().label()).as(text).isEqualTo("block");
  }
}
