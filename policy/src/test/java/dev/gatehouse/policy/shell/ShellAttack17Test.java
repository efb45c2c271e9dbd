package dev.gatehouse.policy.shell;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.policy.Verdict;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Attack pass on the shell guard: texts bash runs a blocked or reviewed command from, each with the
 * least verdict docs/policy.md's default-shell policy must give it (block > review; unclassified is
 * at least review). {@link #bypasses} holds texts the guard allowed when this pass was written; each
 * form was run under bash 5.2 with {@code id} in place of the payload, and through the gateway in
 * ShellGuardAttack17IT. {@link #held} holds the variants it refused.
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
      env x.y=1 rm -rf / => block
      env a-b=1 reboot => block
      env 'BASH_FUNC_ls%%=() { reboot; }' bash -c ls => review
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

  @ParameterizedTest(name = "{1} at least: {0}")
  @CsvSource(delimiterString = " => ", quoteCharacter = '~', textBlock = """
      env -S'reboot' => block
      env -vS reboot => block
      env -C / reboot => block
      env -- reboot => block
      timeout -k1 5 reboot => block
      timeout --kill 1 5 reboot => block
      timeout --foreground 5 reboot => block
      nice --adj 1 reboot => block
      stdbuf --output=L reboot => block
      setsid --fork reboot => block
      chroot --skip-chdir / reboot => block
      taskset -c 0 reboot => block
      flock -o /tmp/l reboot => block
      script --command reboot => block
      watch -c reboot => block
      watch -n1 -x reboot => block
      unbuffer reboot => block
      nohup -- reboot => block
      builtin -- eval reboot => block
      command -- command reboot => block
      exec -a x -- reboot => block
      time -p -- reboot => block
      coproc reboot => block
      builtin command reboot => block
      eval 're''boot' => block
      i$'d' ; $'re\\x62oot' => block
      echo $(( $(reboot) )) => block
      echo "${x:=$(reboot)}" => block
      cat <<< $(reboot) => block
      exec {fd}>/dev/null; reboot >&$fd => block
      case x in x) true;& y) reboot;; esac => block
      trap 'reboot' DEBUG; : => block
      set -T; trap reboot RETURN => block
      find . -maxdepth 0 -execdir sh -c reboot \\; => block
      shopt -s extglob\\n/sbin/@(reboot) => block
      x='a[$(reboot)]'; (( x )) => review
      /sbin/re[b]oot => review
      a=(reboot); "${a[@]}" => review
      find /sbin -name reboot -exec {} \\; => review
      coproc X { reboot; } => review
      . <(echo reboot) => review
      awk 'BEGIN { system ("id") }' => review
      awk -e 'BEGIN{system("id")}' => review
      sed 's/^/id/e' <<< x => review
      python3 - <<< 'import os' => review
      perl -E 'system "id"' => review
      man -P id ls => review
      tar -I id -cf /dev/null /dev/null => review
      vim +'!id' => review
      """)
  void held(String text, String least) {
    assertAtLeast(text, least);
  }
}
