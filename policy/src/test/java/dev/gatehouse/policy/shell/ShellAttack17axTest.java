package dev.gatehouse.policy.shell;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Attack pass 17ax (live through the gateway, ShellLiveAttack17axIT) on the judge:
 * <ul>
 *   <li>{@code set -k} on an exec request under the docs' allow-list: bash then puts every
 *       assignment-shaped argument into the command's environment, so {@code set -k; systemctl
 *       --user status DBUS_SESSION_BUS_ADDRESS=unixexec:path=touch,…} started {@code touch} through
 *       sd-bus. The judge knew {@code set -k} only as guard-tamper, which only the prompt's judgement
 *       refuses whatever the policy lists; now a text that changes how bash reads the words after it
 *       is unclassified in every judgement ({@code ShellClass.changesWordReading}).</li>
 *   <li>{@code jobs -x CMD ARGS} runs CMD (its jobspecs replaced by process group IDs); the judge saw
 *       {@code jobs} only ({@code Wrappers.unwrap}).</li>
 *   <li>{@code shopt -u interactive_comments} (or {@code set +o interactive-comments}) at the prompt:
 *       the interactive shell then reads {@code #} as a word, and {@code eval 'echo #;cmd'} ran cmd
 *       the judge had read as a comment. Only an interactive shell reads comments by that option,
 *       so those cases are checked against the judgement here and live in the IT.</li>
 * </ul>
 * Each bash case is run under real bash ({@link BashWitness#assertRunsNoUnjudgedTouch}); each
 * created the witness unjudged before the fix.
 */
class ShellAttack17axTest {
  static final ShellJudge DEFAULT = ShellAttack17ahTest.DEFAULT;
  static final ShellJudge ALLOW_LIST = ShellAttack17ahTest.ALLOW_LIST;

  @ParameterizedTest(name = "allow-list exec: {0}")
  @ValueSource(strings = {
      "set -k; systemctl --user status DBUS_SESSION_BUS_ADDRESS=unixexec:path=touch,argv1=WITNESS",
      "set -o keyword; systemctl --user status DBUS_SESSION_BUS_ADDRESS=unixexec:path=touch,argv1=WITNESS",
      "set -ek; systemctl --user status DBUS_SESSION_BUS_ADDRESS=unixexec:path=touch,argv1=WITNESS",
      "shopt -os keyword; systemctl --user status DBUS_SESSION_BUS_ADDRESS=unixexec:path=touch,argv1=WITNESS"})
  void keywordModeMovesArgumentsIntoTheEnvironment(String text, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(ALLOW_LIST, text, tmp, false);
  }

  @ParameterizedTest(name = "deny-list: {0}")
  @ValueSource(strings = {
      "jobs -x touch WITNESS",
      "jobs -x -- touch WITNESS",
      "jobs -x env touch WITNESS",
      "jobs -x perl -e 'system(\"touch\", \"WITNESS\")'",
      "set -k; systemctl --user status DBUS_SESSION_BUS_ADDRESS=unixexec:path=touch,argv1=WITNESS"})
  void denyList(String text, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(DEFAULT, text, tmp, false);
  }

  /** At the prompt: turning comments off is refused (guard-tamper), however it is spelled. */
  @ParameterizedTest(name = "typed: {0}")
  @ValueSource(strings = {
      "shopt -u interactive_comments; eval 'echo #;touch WITNESS'",
      "shopt -qu interactive_comments; eval 'echo #;touch WITNESS'",
      "set +o interactive-comments; eval 'echo #;touch WITNESS'",
      "o=interactive_comments; shopt -u $o; eval 'echo #;touch WITNESS'"})
  void commentsTurnedOffAtThePrompt(String text) {
    assertThat(DEFAULT.judgeTyped(text).verdict().label()).isEqualTo("block");
    assertThat(ALLOW_LIST.judgeTyped(text).verdict().label()).isEqualTo("block");
    assertThat(DEFAULT.judge(text).verdict().label()).isNotEqualTo("allow");
  }

  /** What admins type every day with set, shopt and jobs stays allowed. */
  @ParameterizedTest(name = "allowed: {0}")
  @ValueSource(strings = {"set -e", "set -euo pipefail", "set -x; ls", "set +e", "shopt -s globstar",
      "shopt -u nullglob", "shopt interactive_comments", "shopt -p",
      "jobs", "jobs -l", "jobs -p", "set -o pipefail", "shopt -s nullglob"})
  void everydayStaysAllowed(String text) {
    assertThat(DEFAULT.judge(text).verdict().label()).as(text).isEqualTo("allow");
    assertThat(DEFAULT.judgeTyped(text).verdict().label()).as(text).isEqualTo("allow");
  }
}
