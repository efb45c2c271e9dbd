package dev.gatehouse.policy.shell;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.policy.Verdict;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Attack pass on lines typed at the guarded prompt (ssh targets): what held. Each line is one an
 * attacker would type to get a shell reading the terminal, or to take the prompt away from the
 * integration, with the verdict and rule the guard gave it.
 */
class ShellAttack17eHeldTest {
  @ParameterizedTest(name = "{0} => {1} {2}")
  @CsvSource(delimiterString = " => ", quoteCharacter = '~', textBlock = """
      sh 0<>/dev/tty => review => unclassified
      sh <>/dev/tty => review => unclassified
      bash 0<> /dev/tty => review => unclassified
      exec 3</dev/tty; sh <&3 => block => guard-tamper
      exec {fd}</dev/tty; sh <&$fd => block => guard-tamper
      sh 3</dev/tty 0<&3 => review => interpreter-inline
      sh <&3 => review => interpreter-inline
      { sh; } </dev/tty => review => nested-shell
      ( sh ) < /dev/tty => review => nested-shell
      sh <<< "$(cat /dev/tty)" => review => unclassified
      cat /dev/tty | sh => review => interpreter-inline
      python3 < <(cat) => review => interpreter-inline
      sh <(cat) => review => unclassified
      busybox sh -i => review => nested-shell
      xargs -I% sh -c % => review => unclassified
      disown -a; bash => review => nested-shell
      setsid bash => review => nested-shell
      bash & => review => nested-shell
      script -q /dev/null => review => nested-shell
      declare -r __gh_n=1 => block => guard-tamper
      __gh_n=5 => block => guard-tamper
      true() { :; } => block => guard-tamper
      builtin() { :; } => block => guard-tamper
      enable -n read => block => guard-tamper
      enable -f /tmp/x.so x => block => guard-tamper
      BASH_LOADABLES_PATH=/tmp => block => guard-tamper
      shopt -s extdebug => block => guard-tamper
      BASH_XTRACEFD=1 => block => guard-tamper
      PS0= => block => guard-tamper
      PROMPT_COMMAND+=x => block => guard-tamper
      exec >/tmp/out => block => guard-tamper
      exec zsh => block => guard-tamper
      """)
  void heldLine(String line, String label, String rule) {
    Verdict v = ShellJudgeTest.DEFAULT.judgeTyped(line).verdict();
    assertThat(v.label()).as(line).isEqualTo(label);
    assertThat(v.rule()).as(line).isEqualTo(rule);
  }
}
