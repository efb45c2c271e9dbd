package dev.gatehouse.policy.shell;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.policy.Verdict;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Attack pass on the exact reading and the guarded prompt (ShellAttack17fTest has what got
 * through): what held. Each line is one an attacker would write to get a command past the reading
 * (a substitution where the grammar might not look, code in a value evaluated again in the same
 * text, a variable or builtin the hook stands on), with the verdict and rule the guard gave it.
 */
class ShellAttack17fHeldTest {
  @ParameterizedTest(name = "{0} => {1} {2}")
  @CsvSource(delimiterString = " => ", quoteCharacter = '~', textBlock = """
      x='b[$(reboot)]'; echo $((x)) => review => unclassified
      read x <<< 'b[$(reboot)]'; echo $((x)) => review => unclassified
      declare -i x; x='b[$(reboot)]' => review => unclassified
      for x in 'b[$(reboot)]'; do echo $((x)); done => review => unclassified
      x=$'b[\\x24(reboot)]'; echo $((x)) => review => unclassified
      printf -v 'a[$(reboot)]' x => review => unclassified
      PS3='$(reboot)' => review => unclassified
      BASH_ENV='$(reboot)' bash -c : => block => guard-tamper
      env BASH_ENV='$(reboot)' bash -c : => block => guard-tamper
      export BASH_ENV='$(reboot)' => block => guard-tamper
      printf -v PS1 '\\x24(reboot)' => block => guard-tamper
      for PS1 in '$(reboot)'; do :; done => block => guard-tamper
      shopt -s expand_aliases; alias builtin=echo => block => guard-tamper
      enable -n builtin => block => guard-tamper
      unset POSIXLY_CORRECT => block => guard-tamper
      complete -C reboot ls => block => power
      coproc reboot => block => power
      coproc { reboot; } => review => unclassified
      select x in a; do reboot; done => block => power
      function a=b { reboot; } => block => power
      [[ -v a[$(reboot)] ]] => block => power
      echo $((a[$(reboot)])) => block => power
      : $((a[$(reboot)])) => block => power
      declare -A m=([$(reboot)]=1) => block => power
      env -S reboot => block => power
      exec -a x reboot => block => power
      echo $"$(reboot)" => block => power
      echo ${x/$(reboot)/} => block => power
      echo ${x:-$(reboot)} => block => power
      case $(reboot) in esac => block => power
      cat <<< <(reboot) => block => power
      printf '%s' "${@:$(reboot)}" => block => power
      / => review => unclassified
      chmod -R 777 /etc => block => recursive-delete-root
      """)
  void heldLine(String line, String label, String rule) {
    Verdict v = ShellJudgeTest.DEFAULT.judgeTyped(line).verdict();
    assertThat(v.label()).as(line).isEqualTo(label);
    assertThat(v.rule()).as(line).isEqualTo(rule);
  }
}
