package dev.gatehouse.policy.shell;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.policy.Verdict;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Attack pass on the shell guard: texts bash runs a blocked or reviewed command from, each with the
 * least verdict docs/policy.md's default-shell policy must give it (block > review; unclassified is
 * at least review). {@link #bypasses} held texts the guard allowed when this pass was written (each
 * confirmed to run its command under bash 5.2 and through the gateway in ShellGuardAttack17IT).
 */
class ShellAttack17Test {

  private static void assertAtLeast(String text, String least) {
    Verdict v = ShellJudgeTest.DEFAULT.judge(text.replace("\\n", "\n")).verdict();
    int want = least.equals("block") ? 2 : 1;
    assertThat(v.severity()).as("%s: got %s (%s: %s)", text, v.label(), v.rule(), v.reason()).isGreaterThanOrEqualTo(want);
  }

  @ParameterizedTest(name = "{1} at least: {0}")
  @CsvSource(delimiterString = " => ", quoteCharacter = '~', textBlock = """
      env --ignore-signal rm -rf / => block
      env --default-signal reboot => block
      env --block-signal mkfs.ext4 /dev/sda1 => block
      ionice -t reboot => block
      eval -- rm -rf / => block
      script -qc 'rm -rf /' /dev/null => block
      script -fec reboot /dev/null => block
      echo / | xargs -I% sh -c 'rm -rf %' => review
      echo reboot | xargs -I% sh -c % => review
      x='a[$(reboot)]'; echo $((x)) => review
      x='a[$(reboot)]'; [[ $x -eq 0 ]] => review
      declare -i n; n='a[$(reboot)]' => review
      x='a[$(reboot)]'; echo ${!x} => review
      declare -n r='a[$(reboot)]'; r=1 => review
      printf -v 'a[$(reboot)]' x => review
      read 'a[$(reboot)]' <<< 1 => review
      let 'a[$(reboot)]=1' => review
      [[ -v 'a[$(reboot)]' ]] => review
      test -v 'a[$(reboot)]' => review
      x='$(reboot)'; echo "${x@P}" => review
      PS4='$(reboot)'; set -x; : => review
      mapfile -C reboot -c 1 a <<< x => review
      readarray -C reboot -c 1 a <<< x => review
      compgen -C reboot x => review
      hash -p /sbin/reboot ls; ls => review
      awk -f /dev/stdin <<< 'BEGIN{system("id")}' => review
      python3 /dev/stdin <<< 'import os; os.system("id")' => review
      git -c alias.x='!id' x => review
      """)
  void bypasses(String text, String least) {
    assertAtLeast(text, least);
  }
}
