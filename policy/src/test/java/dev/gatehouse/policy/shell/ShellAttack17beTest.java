package dev.gatehouse.policy.shell;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.policy.Verdict;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Attack pass 17be on the shell judge (after 17bc's find grammar, man/tar/make options and
 * memory fixes and 17bd's systemd transports). Every witness case is allowed, without {@code
 * touch} among its commands, by the judgement its test names (exec, typed or both); each was run
 * as written under bash 5.2.15 (Debian 12, GNU find 4.9, GNU coreutils 9.1, less 590, Info-ZIP
 * zip 3.0, vim 9.0, e2fsprogs lsattr) and created the witness file (or, for the memory group, opened
 * the shell's {@code mem}, see there). Helpers: {@link BashWitness#assertRunsNoUnjudgedTouch} and
 * {@link ShellAttack17azTest#assertTypedReadsNoShellMemory}.
 *
 * <p><b>F1, find's {@code -exec … +} ends only after {@code {}}</b> (witness, default deny-list;
 * judge-only the same with a blocked command). GNU find ({@code parser.c new_insert_exec_ok})
 * ends an {@code -exec}/{@code -execdir} command at a {@code ;}, or at a {@code +} only when the
 * word before it is {@code {}}; {@code -ok}/{@code -okdir} only at {@code ;}. Any other {@code +}
 * is an argument of the command. {@code Wrappers.find} (the {@code FIND_EXEC} loop: {@code
 * x.value().equals(";") || x.value().equals("+")}) and {@code Wrappers.findCommandIfExec} end the
 * command at every {@code +}, and read the words after it as find's own primaries. So {@code find
 * . -exec env -u + touch W \;} is judged as running {@code env -u} (nothing) while find runs {@code
 * env -u + touch W} (env unsets a variable named {@code +}, then runs touch). Also {@code
 * -execdir}, {@code -ok}/{@code -okdir} (a {@code y} piped in), quoted {@code '+'}/{@code \+},
 * behind {@code timeout}/{@code nice}, {@code sh -c} after the {@code +}, {@code -D tree}, and with
 * {@code -exec} in a variable ({@code o=-exec; find $o env -u + touch W \;}, the 17bc path through
 * {@code findCommandIfExec}). Judge-only (not run, for obvious reasons): {@code find / -maxdepth 0
 * -exec env -u + rm -rf / \;} is <em>allowed</em> under the default policy, which blocks {@code
 * recursive-delete-root}: the {@code rm} is never judged.
 *
 * <p><b>O1, an option only known when it runs, in less</b> (witness; the docs' allow-list {@code
 * [ls, cat, less, grep, tail, journalctl, "systemctl status"]}, the wide list and the default
 * deny-list). {@code Wrappers.unwrap} applies {@code optionsOnlyKnownWhenItRuns} to man, tar and
 * make only; {@code ShellClass}'s {@code case "less", "more", "man"} (interpreter-inline) and the
 * written-startup-file check ({@code case "less"} near {@code -o/-O FILE}) look for {@code
 * --lesskey-src}/{@code -k}/{@code -o}/{@code --log-file} in literal words, so a word whose option
 * name is a variable or a {@code $(…)} passes: {@code o=--lesskey-src; printf '#env\nLESSOPEN=|touch
 * W %s\n' | less "$o=/dev/stdin" FILE} (also {@code less $o} with {@code o=--lesskey-src=/dev/stdin}
 * and {@code less "$o" /dev/stdin FILE}, exec judgement; {@code "$(printf -- --lesskey-src)=…"})
 * runs {@code touch W FILE} off a terminal; at the prompt {@code o=-o; printf … | less "$o"
 * .lesskey; less FILE} (also {@code "$(printf -- -o)"}, {@code o=--log-file; less "$o=.lesskey"})
 * writes {@code ~/.lesskey}, which the next less reads. Caveat, as for 17an: with {@code
 * LESSSECURE=1}, which the gateway exports, neither works (checked here); the judge treats the
 * literal spellings as code regardless, and these are the same options.
 *
 * <p><b>O2, the same in sort, which an operator's list may hold</b> (witness; the wide allow-list
 * from 17ah, which lists {@code sort}, and the deny-list). {@code ShellClass.filterProgramRuns}
 * asks {@code Wrappers.longOption(v, "compress-program")} of each word, so a word whose option name
 * is only known when it runs is not seen: {@code o=--compress-program; printf ': %s\n'
 * {1..3000} ';touch W' | sort -S 16k -T . "$o=bash"} makes sort spill to temporary files and pipe them to
 * {@code bash}, which runs the lines (no-ops, and {@code : ;touch W}) (also {@code o=--compress-prog}, {@code $o} holding the whole
 * {@code --compress-program=bash}, {@code "$(printf -- --compress-program)=bash"}).
 *
 * <p><b>O3, the deny-list's stated limit made concrete in more programs</b> (witness, default
 * deny-list; docs/security-model.md "Values read at run time": "an argument only known when it
 * runs, given to a program whose options can run commands … judged by their literal words"; 17bc
 * did man, tar, make, and the fix made those unclassified, but not these): {@code split
 * "$o=touch W"} ({@code --filter}, {@code filterProgramRuns}), {@code install -s "$o=sh" s x}
 * ({@code --strip-program}, {@code namedProgramRuns}), {@code zip $o 'touch W'} ({@code -TT}) and
 * {@code zip -T "$o=touch W"} ({@code --unzip-command}; {@code ShellClass} {@code case "zip"}),
 * {@code vim -es "$o" '!touch W' "$o" qa} ({@code -c}; {@code ShellClass}'s vim case matches
 * {@code -c}/{@code --cmd} on literal words).
 *
 * <p><b>M1, a recursive program that opens a process's files</b> (typed, default deny-list; weak):
 * {@code lsattr -R /proc/$$} and {@code lsattr -Ra /proc/$$/task} open the shell's {@code
 * /proc/PID/task/PID/mem} (strace: {@code openat(…mem, O_RDONLY|O_NONBLOCK…) = N}); {@code
 * HookTamper}'s recursive readers are {@code grep -r}, {@code rgrep}, {@code rg}, {@code ag},
 * {@code ack} and find feeding a program. lsattr only issues an ioctl on the descriptor and never
 * reads, so nothing leaks: it counts under the 17az helper's "memory opened" only.
 *
 * <p>Tried and already refused (or not a bypass): systemd — {@code systemd-cgls}/{@code
 * systemd-cgtop -M u@foo}, {@code --machine=u@.host} ("Machine name is not valid", nothing
 * started, with stand-in {@code ssh}/{@code systemd-run} on PATH), {@code journalctl -M u@foo} (no
 * bus program), {@code networkctl -M}, {@code systemd-inhibit -M} (not options), {@code
 * systemd-analyze --user -M u@} (nothing started here); systemd 252 has no {@code SYSTEMD_SSH}
 * (the ssh is always {@code ssh}, which every -H reading already names and blocks); resolvectl,
 * coredumpctl, userdbctl, oomctl, bootctl, systemd-nspawn, machinectl and run0 are not installed
 * (not tried). find — {@code -fprintf ks 'touch W\n'; sh ks} and {@code -fprintf .lesskey …; less
 * F} (interpreter-inline), {@code find . -exec echo + -exec touch W \;} (touch judged), {@code
 * -exec bash + -c …} (nested-shell), {@code -exec timeout -k + 5 touch W} / {@code env -C +} /
 * {@code chrt -p +} (allowed, but the program refuses {@code +}: nothing ran), {@code -exec less +
 * --lesskey-src=/dev/stdin F \;} (allowed under the wide list, but less did not run the LESSOPEN
 * there); {@code -exec xargs -E + touch W \;} and a bare {@code xargs -E}/{@code xargs -a} make
 * {@code Wrappers.xargs} throw IndexOutOfBoundsException (the gateway catches it and fails closed:
 * not a bypass, worth a fix). Options by a variable — {@code timeout}, {@code nice}, {@code env}
 * ({@code -u}, {@code -S}), {@code stdbuf}, {@code flock} ({@code -w}, {@code -c}), {@code watch},
 * {@code setsid}, {@code xargs} ({@code -E}, {@code -a}), {@code bash}, {@code command}, {@code
 * gdb -ex}, {@code tmux}, {@code sqlite3 -cmd}, {@code git -c}/{@code --config-env}, {@code wget -e},
 * {@code sed -e}, {@code awk -f}, {@code mawk -W exec}, {@code find … "$o"} (all review/block);
 * {@code sdiff}/{@code diff3 "$o=touch W"}, {@code wget "$o=…"} (allowed, but the program found no
 * such program or never ran it: nothing ran); {@code kubectl get pods "$o=kc"} (review), {@code
 * journalctl "$o"}, {@code tail "$o"} (allowed; no option of theirs runs a program). Memory (typed)
 * — {@code xargs grep -r} of {@code /proc/$$}, {@code find /proc/$$ … | xargs tail}, {@code tar -c
 * /proc/$$}, {@code cp -r}, {@code zip -ry} (unclassified or guard-tamper); {@code cat < "${x:-/proc}/$$/mem"},
 * {@code 0< /proc//$$/mem}, {@code pushd /proc; pushd $$}, {@code pushd +1}, {@code cd -P}, {@code
 * /proc/$$/root/proc/$$}, {@code /proc/1/root/…}, {@code /proc/$$/cwd/mem}, {@code /proc/$$/fd/../mem},
 * {@code /dev/fd/../../$$/mem}, {@code /dev/../proc/$$/mem}, {@code cd /dev/fd && tail ../mem},
 * {@code wc -c /proc/$$/me?}, globs of {@code /proc/$$/*}, {@code strings}, {@code cmp}, {@code xz},
 * {@code unzip -l}, {@code file -s} (all guard-tamper); {@code du -ab}, {@code ls -lR}, {@code diff
 * -r}, {@code gzip -rc}, {@code zstd -rc}, {@code git -C /proc/$$ status}, {@code cd /proc/$$ &&
 * zip -qr - .} (allowed, no {@code mem} opened); {@code zip -qr … /proc/$$} (allowed; it follows
 * {@code root} into the whole file system, where the helper saw another process's {@code mem}
 * opened: not kept, too heavy to run here); {@code gzip -rkf /proc/$$} (allowed, opens the shell's
 * {@code mem}, but also tries to write next to it: not kept).
 */
class ShellAttack17beTest {
  static final ShellJudge DEFAULT = ShellAttack17ahTest.DEFAULT;
  static final ShellJudge ALLOW_LIST = ShellAttack17ahTest.ALLOW_LIST;
  static final ShellJudge WIDE_ALLOW_LIST = ShellAttack17ahTest.WIDE_ALLOW_LIST;

  static final String LESSKEY = "printf '#env\\nLESSOPEN=|touch WITNESS %%s\\n' | ";

  // ---------------------------------------------------------------- F1: find's -exec ends at a + only after {}

  @ParameterizedTest(name = "deny-list: find's -exec does not end at a + without {} before it: {0}")
  @ValueSource(strings = {
      "find . -maxdepth 0 -exec env -u + touch WITNESS \\;",
      "find . -maxdepth 0 -execdir env -u + touch WITNESS \\;",
      "find . -maxdepth 0 -exec env -u '+' touch WITNESS ';'",
      "find . -maxdepth 0 -exec env -u \\+ touch WITNESS \\;",
      "find . -maxdepth 0 -exec env -u + sh -c 'touch WITNESS' \\;",
      "find . -maxdepth 0 -exec timeout 5 env -u + touch WITNESS \\;",
      "find . -maxdepth 0 -name . -exec env -u + touch WITNESS \\;",
      "find -D tree . -maxdepth 0 -exec env -u + touch WITNESS \\;",
      "echo y | find . -maxdepth 0 -ok env -u + touch WITNESS \\;",
      "echo y | find . -maxdepth 0 -okdir env -u + touch WITNESS \\;",
      "o=-exec; find $o env -u + touch WITNESS \\;"})
  void denyListFindExecPlusWithoutBraces(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(DEFAULT, template, tmp, false);
  }

  /** Judge-only (not run): the command after such a + is never judged, a blocked one included. */
  @ParameterizedTest(name = "judge-only, deny-list: the command after a + is judged: {0}")
  @ValueSource(strings = {"find / -maxdepth 0 -exec env -u + rm -rf / \\;"})
  void findExecPlusHidesABlockedCommand(String text) {
    for (ShellJudgement j : new ShellJudgement[] {DEFAULT.judge(text), DEFAULT.judgeTyped(text)}) {
      assertThat(j.commands()).as("%s: %s %s", text, j.verdict(), j.commands()).contains("rm");
    }
  }

  /**
   * Judge-only (not run): the word before the + is only known when it runs; as {} it ends the
   * command and the words after it are find's, otherwise they are the command's: both judged.
   */
  @ParameterizedTest(name = "judge-only, deny-list: a + after a word only known when it runs may end -exec or not: {0}")
  @ValueSource(strings = {
      "find / -maxdepth 0 -exec env -u \"$x\" + rm -rf / \\;",
      "find / -maxdepth 0 -exec env $x + -exec rm -rf / \\;"})
  void findExecPlusAfterAWordOnlyKnownWhenItRuns(String text) {
    for (ShellJudgement j : new ShellJudgement[] {DEFAULT.judge(text), DEFAULT.judgeTyped(text)}) {
      assertThat(j.verdict().label()).as("%s: %s %s", text, j.verdict(), j.commands()).isNotEqualTo("allow");
    }
  }

  /**
   * Judge-only: an option whose value the next word gives, with no next word ({@code xargs -E}),
   * is refused by the program ("option requires an argument"); the judge read past the last word
   * (IndexOutOfBoundsException, which the gateway turned into a refusal). Now: unclassified.
   */
  @ParameterizedTest(name = "judge-only, deny-list: an option without its value fails closed: {0}")
  @ValueSource(strings = {"xargs -E", "xargs -a", "echo x | xargs -I", "xargs --arg-file", "xargs -0 --max-args",
      "strace --output", "strace -f --expression", "sudo xargs -d", "systemd-run --property"})
  void optionWithoutItsValueFailsClosed(String text) {
    for (ShellJudgement j : new ShellJudgement[] {DEFAULT.judge(text), DEFAULT.judgeTyped(text)}) {
      assertThat(j.verdict().label()).as("%s: %s", text, j.verdict()).isNotEqualTo("allow");
      if (!text.startsWith("systemd-run")) { // service-change, stricter
        assertThat(j.verdict().reason()).as(text).contains("without its value");
      }
    }
  }

  /** Judge-only: the command after such an xargs is still judged. */
  @ParameterizedTest(name = "judge-only, deny-list: find -exec xargs -E + CMD judges CMD: {0}")
  @ValueSource(strings = {"find / -maxdepth 0 -exec xargs -E + rm -rf / \\;"})
  void findExecXargsWithoutItsValue(String text) {
    for (ShellJudgement j : new ShellJudgement[] {DEFAULT.judge(text), DEFAULT.judgeTyped(text)}) {
      assertThat(j.commands()).as("%s: %s %s", text, j.verdict(), j.commands()).contains("rm");
    }
  }

  // ---------------------------------------------------------------- O1: less's options by a variable

  @ParameterizedTest(name = "docs' allow-list [ls, cat, less, …]: less --lesskey-src by a variable: {0}")
  @ValueSource(strings = {
      "o=--lesskey-src; LESSKEY less \"$o=/dev/stdin\" /etc/hostname",
      "o=--lesskey-src=/dev/stdin; LESSKEY less $o /etc/hostname",
      "o=--lesskey-src; LESSKEY less \"$o\" /dev/stdin /etc/hostname",
      "LESSKEY less \"$(printf -- --lesskey-src)=/dev/stdin\" /etc/hostname"})
  void allowListLessLesskeySrcByAVariable(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(ALLOW_LIST, template.replace("LESSKEY ", LESSKEY), tmp, false);
  }

  @ParameterizedTest(name = "deny-list: less --lesskey-src by a variable: {0}")
  @ValueSource(strings = {
      "o=--lesskey-src; LESSKEY less \"$o=/dev/stdin\" /etc/hostname",
      "o=--lesskey-src; printf '#env\\nLESSOPEN=|touch WITNESS %%s\\n' > k; less \"$o\" k /etc/hostname"})
  void denyListLessLesskeySrcByAVariable(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(DEFAULT, template.replace("LESSKEY ", LESSKEY), tmp, false);
  }

  @ParameterizedTest(name = "docs' allow-list [ls, cat, less, …], at the prompt: less -o/--log-file by a variable writes ~/.lesskey: {0}")
  @ValueSource(strings = {
      "o=-o; LESSKEY less \"$o\" .lesskey; less /etc/hostname",
      "LESSKEY less \"$(printf -- -o)\" .lesskey; less /etc/hostname",
      "o=--log-file; LESSKEY less \"$o=.lesskey\"; less /etc/hostname"})
  void allowListLessLogFileByAVariable(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(ALLOW_LIST, template.replace("LESSKEY ", LESSKEY), tmp, true);
  }

  // ---------------------------------------------------------------- O2: sort --compress-program by a variable

  @ParameterizedTest(name = "wide allow-list [.., sort, ..]: sort --compress-program by a variable: {0}")
  @ValueSource(strings = {
      "o=--compress-program; printf ': %s\\n' {1..3000} ';touch WITNESS' | sort -S 16k -T . \"$o=bash\" >/dev/null",
      "o=--compress-prog; printf ': %s\\n' {1..3000} ';touch WITNESS' | sort -S 16k -T . \"$o=bash\" >/dev/null",
      "o=--compress-program=bash; printf ': %s\\n' {1..3000} ';touch WITNESS' | sort -S 16k -T . $o >/dev/null",
      "printf ': %s\\n' {1..3000} ';touch WITNESS' | sort -S 16k -T . \"$(printf -- --compress-program)=bash\" >/dev/null"})
  void wideAllowListSortCompressProgramByAVariable(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(WIDE_ALLOW_LIST, template, tmp, false);
  }

  // ---------------------------------------------------------------- O3: the deny-list, more programs

  @ParameterizedTest(name = "deny-list: a program's command option by a variable or a substitution: {0}")
  @ValueSource(strings = {
      "o=--filter; printf 'x\\n' | split \"$o=touch WITNESS\"",
      "printf 'x\\n' | split \"$(printf -- --filter)=touch WITNESS\"",
      "o=--strip-program; printf 'touch WITNESS\\n' > s; install -s \"$o=sh\" s x",
      "o=-TT; zip $o 'touch WITNESS' -T x.zip /etc/hostname",
      "o=--unzip-command; zip -T \"$o=touch WITNESS\" x.zip /etc/hostname",
      "o=-c; vim -es \"$o\" '!touch WITNESS' \"$o\" qa </dev/null",
      "vim -es \"$(printf -- -c)\" '!touch WITNESS' \"$(printf -- -c)\" qa </dev/null"})
  void denyListCommandOptionByAVariable(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(DEFAULT, template, tmp, false);
  }

  /**
   * Judge-only (fix): the same cause in every program whose options ShellClass reads for a program
   * it runs (Wrappers.OPTIONS_THAT_RUN), by abbreviation too, and a known option's value only known
   * when it runs; less reads options only before its first file.
   */
  @ParameterizedTest(name = "judge-only, deny-list: an option that runs a program, only known when it runs: {0}")
  @ValueSource(strings = {
      "o=--lesskey-s; less \"$o=k\" f", "o=-k; less \"$o\" k f", "less -o \"$f\"", "less -N \"$o\" f",
      "o=--compress-prog; sort -n \"$o=bash\" f", "sort --compress-program=\"$p\" f", "sort f \"$o\"",
      "split -l 5 f \"$o\"", "split --filter=\"$c\" f", "install --strip-program=\"$p\" -s s x", "install -D s \"$o\"",
      "zip -TT \"$c\" -T x.zip f", "zip -T x.zip f \"$o\"", "vim -c \"$c\" f", "vim f \"$o\"", "vi -R \"$o\"",
      "o=--use-askpass=sh; wget \"$o\" http://x", "o=--diff-program=sh; sdiff \"$o\" a b",
      "o=--diff-program=sh; diff3 a b c \"$o\"", "o=-oProxyCommand=sh; sftp \"$o\" h"})
  void optionThatRunsAProgramOnlyKnownWhenItRuns(String text) {
    for (ShellJudgement j : new ShellJudgement[] {DEFAULT.judge(text), DEFAULT.judgeTyped(text)}) {
      assertThat(j.verdict()).as("%s: %s %s", text, j.verdict(), j.commands()).isNotInstanceOf(Verdict.Allow.class);
    }
  }

  /** Judge-only (fix): less's options end at its first file; a value of a known option is no option. */
  @ParameterizedTest(name = "judge-only, deny-list: no option only known when it runs: {0}")
  @ValueSource(strings = {"less /var/log/syslog \"$f\"", "less -N /var/log/syslog", "sort -k \"$k\" -t \"$t\" f",
      "split -l \"$n\" f part_", "zip -r out.zip dir", "vim -R /etc/hosts", "wget -U \"$ua\" --tries \"$n\" https://example.com"})
  void valuesAndOperandsAfterTheOptionsStayAllowed(String text) {
    for (ShellJudgement j : new ShellJudgement[] {DEFAULT.judge(text), DEFAULT.judgeTyped(text)}) {
      assertThat(j.verdict()).as("%s: %s %s", text, j.verdict(), j.commands()).isInstanceOf(Verdict.Allow.class);
    }
  }

  // ---------------------------------------------------------------- M1: a recursive program opening mem (weak)

  @ParameterizedTest(name = "deny-list, typed: a recursive program opens the shell's mem: {0}")
  @ValueSource(strings = {"lsattr -R /proc/$$", "lsattr -Ra /proc/$$/task",
      // added by the fix: without -R lsattr opens a directory's entries; find hands it mem
      "lsattr /proc/$$", "lsattr -a /proc/$$/task/$$", "cd /proc/$$ && lsattr",
      "find /proc/$$ -maxdepth 1 -exec lsattr {} +"})
  void denyListRecursiveLsattrOpensTheShellsMemory(String line, @TempDir Path tmp) throws Exception {
    ShellAttack17azTest.assertTypedReadsNoShellMemory(DEFAULT, line, tmp);
  }
}
