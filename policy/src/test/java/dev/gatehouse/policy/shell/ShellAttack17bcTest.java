package dev.gatehouse.policy.shell;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Attack pass 17bc on the shell judge (after 17az's kernel spellings, the 2 s read budget and
 * make's/bash's fixes). Every case is allowed, without {@code touch} among its commands, by the
 * judgement its test names; each was run as written under bash 5.2.15 (Debian 12, root in a
 * container without Yama, GNU find 4.9, GNU grep 3.8, GNU tar 1.34, man-db 2.11, GNU make 4.3)
 * and did what the test asserts it must not. The memory groups use {@link
 * ShellAttack17azTest#assertTypedReadsNoShellMemory} (typed judgement; bash -i with a secret in its
 * heap; fails when the secret is printed or strace shows a {@code mem} file opened), the others
 * {@link BashWitness#assertRunsNoUnjudgedTouch}.
 *
 * <p><b>M1, a {@code /} inside {@code ${…}} splits the word where bash does not</b> (typed, docs'
 * allow-list and default deny-list; the secret printed): {@code cd "${x:-/proc}/$$"}, {@code cd
 * ${x:-/proc}/$$}, {@code cd "${x-/proc}/$$"}, {@code d=${x:-/proc}; cd $d/$$}, {@code cd
 * "${PWD/*}{@code /\/proc}/$$"}, then {@code grep heap maps} and {@code tail -c +N mem}.
 * {@code HookTamper.pathWords} keeps {@code ${x:-/proc}/$$} as one word and {@code
 * kernelSpellings} splits it at every {@code /}, the one inside the braces too: the parts are
 * {@code ${x:-}, {@code proc}}, {@code $$}; {@code "proc}"} is neither {@code proc} nor a part bash
 * makes ({@code bashMakes} sees no {@code $*?[{`} in it; the {@code {} in the first part finds no
 * {@code }} there, so {@code couldBe(…, "proc")} is false), so {@code namesAProcessDirectory} is
 * false, the text does not go "into a process", and the bare {@code mem} after the {@code cd} is not
 * looked at ({@code namesProcessMemory}: {@code intoProcess}). The reader gives the word's value as
 * only known when it runs, so the value does not name {@code /proc} either. (Where the pid is
 * inside the braces, {@code "${x:-/proc/$$}"}, the part {@code $$}} is made by bash and it is
 * refused.)
 *
 * <p><b>M2, a {@code cd} to a directory only known when it runs, then a bare {@code mem}</b>
 * (typed, all three lists; the secret printed): {@code cd "$(printf /pro%s/%s c $$)"}, {@code cd
 * "$(printf /pro%s c)" && cd $$}: no word of the text names a process's directory ({@code
 * /pro%s/%s} is no {@code proc}; {@code printf} and {@code cd} are builtins, allowed under any
 * list), so {@code HookTamper.namesProcessMemory} never looks at the relative {@code mem} (it does
 * only when {@code intoProcess}). docs/security-model.md names "a pid or name only known when it
 * runs" as refused, and lists "a relative path after a {@code cd} to a variable" among the limits
 * that depend on the machine; this is the memory rule's version of it.
 *
 * <p><b>M3, a reader that walks a process's directory or /proc itself</b> (typed; strace shows
 * the shell's {@code mem} opened, the read then fails at address 0): {@code grep -rao X
 * --exclude=pagemap /proc/$$} (the exclusion only keeps grep from reading the huge {@code pagemap}
 * for 30 s; it opens {@code mem} without it too),
 * {@code grep -d recurse}, {@code --directories=recurse}, {@code grep -r … /proc/$$/task} (docs'
 * allow-list), and {@code find / -maxdepth 3 -name mem -exec tail -c 1 {} +} (default deny-list
 * and the wide list: every process's {@code mem}, the shell's among them). {@code
 * namesProcessMemory} looks for a {@code mem}/{@code map_files} part in the words, and a bare
 * {@code mem} only in a text naming a process's directory: a recursive grep names only the
 * directory, and {@code find /} names none ({@code /} is not a process's directory). This is the
 * open limit "find / -name mem" made concrete.
 *
 * <p><b>W1, find's {@code -exec} hidden in a word only known when it runs</b> (witness, default
 * deny-list and the wide list, which lists {@code find}): {@code o=-exec; find . -maxdepth 0 $o
 * touch W \;}, also {@code -execdir}, {@code ${o}xec}, {@code ${o:--exec}}, {@code "$(printf --
 * -exec)"}, {@code "$x" touch W {} +}. {@code Wrappers.find} skips every word that is not literal
 * ({@code if (!w.literal()) continue;}), so the words after it are never read as a command and the
 * judgement lists only {@code find}; docs/policy.md says a wrapper whose options are only known
 * when it runs is unclassified ({@code env $OPTS rm}). The value is also set literally earlier in
 * the same text, which the reading does not follow.
 *
 * <p><b>W2, an option by a variable set earlier in the same text, or by a command's output</b>
 * (witness, default deny-list; the stated deny-list limit "an argument only known when it runs,
 * given to a program whose options can run commands … judged by their literal words" made
 * concrete, as asked): {@code o=-P; man $o 'touch W' ls} and {@code o=--pager; man "$o=touch W"
 * ls} (on a terminal: man runs its pager; {@code ShellClass}'s {@code man} case reads {@code
 * -P}/{@code --pager} only as literal words), {@code tar -cf x.tar /etc/hostname;
 * t=--to-command; tar -xf x.tar "$t=touch W"} (tar's command options are matched on literal
 * words), {@code make -f /dev/null "$(printf 'X:=$%s(shell touch W)')"} (a {@code :=} variable
 * whose name and value only exist when it runs; {@code make "$target"} is allowed by design).
 *
 * <p><b>Judge-only (not installed here):</b> {@code x=sh; busybox $x -c 'touch W'} and {@code
 * busybox "$(printf sh)" -c …} are allowed under the default deny-list ({@code Wrappers}: {@code
 * busybox}/{@code toybox} with a first word that is not literal yield no command at all); busybox
 * runs its {@code sh} applet. Not asserted by a test.
 *
 * <p>Tried and already refused (or not a bypass): memory — {@code cd $'/pro\x63'/$$ && tail mem},
 * {@code cd "${x:-/proc/$$}"}, {@code cd "${x:=/proc}/$$"}, {@code cd "${x:-/}proc/$$"},
 * {@code cd "$(dirname /proc/$$/status)"}, {@code cd "$(printf '/%s/%s' pro''c $$)"}, {@code
 * /proc/self/cwd/mem} after such a {@code cd}, {@code cat "${x:-/proc}/$$/mem"}, {@code cd
 * "${x:-/proc}" && tail $$/mem}, {@code printf -v d …; cd $d} (unclassified), {@code cat
 * /proc/$$/*}, {@code find / -path "*$$/m?m"} (all refused); {@code ls -R /proc/$$}, {@code rsync
 * -r /proc/$$/ x/} (allowed under the deny-list, but neither opened {@code mem}); {@code grep -R
 * /proc/$$} (follows {@code root}/{@code cwd}: did not reach {@code mem} in 30 s); {@code grep -r
 * /proc/self} (grep's own memory, not the shell's: not counted); {@code cp -r}/{@code tar cf} of
 * {@code /proc/$$} (unclassified); {@code CDPATH=…} (blocked under the allow-list); {@code pushd}
 * (not listed; {@code pushd "${x:-/proc}/$$" && tail mem} is judged allowed under the deny-list,
 * the same reading as M1, not run). Read budget — nested {@code $(…)}, {@code
 * ( … )}, {@code { …; }}, {@code "$(…)"} around a line that starts with a backslash, 40 to 199
 * levels: the line-break check and the walk give up at the same depth ("nests more than 200 levels
 * deep", unclassified) — no depth found where one reads and the other does not. Programs — GNU
 * sed {@code e}/{@code s///e}/{@code -f /dev/stdin}, awk {@code system()}/{@code |
 * getline}/{@code print |}, {@code find -fprint}, {@code sort --compress-program}, {@code less
 * +!}, {@code vim -c}, {@code sed $x}, {@code awk "…$s(…)"}, {@code git $x core.pager=…}/{@code
 * alias}, {@code tar $t 'touch W'} ({@code -I}), {@code tar $o} ({@code --checkpoint-action}),
 * {@code rsync $o} (all review); {@code make "$a"} / {@code read a <<< …; make "$a"} with the
 * code in a literal (unclassified); {@code s=--compress-program=touch; sort $s} (allowed, but sort
 * runs the program without arguments: no witness); {@code o=-P; journalctl $o}, {@code
 * systemctl status "$e"} (allowed; no journal or systemd here: nothing ran); {@code o=-H; man
 * $o'touch W' ls} (allowed; man -H needs groff's html device, absent); {@code tee -a .bashrc}
 * (allowed, but nothing in a text reads it: {@code bash -i} is nested-shell).
 */
class ShellAttack17bcTest {
  static final ShellJudge DEFAULT = ShellAttack17ahTest.DEFAULT;
  static final ShellJudge ALLOW_LIST = ShellAttack17ahTest.ALLOW_LIST;
  static final ShellJudge WIDE_ALLOW_LIST = ShellAttack17ahTest.WIDE_ALLOW_LIST;

  /** In a process's directory: finds the heap in maps, prints the secret from mem from the heap's start on. */
  static final String PRINT_FROM_HERE = "h=$(grep -hsm1 heap maps); s=${h%%-*}; n=$(printf %d 0x${s%0}1); "
      + "tail -qc +$n mem 2>/dev/null | grep -m1 -ao 'ghsecret[0-9a-f]*'";

  // ---------------------------------------------------------------- M1: a / inside ${…}

  @ParameterizedTest(name = "allow-list [ls, cat, less, grep, tail, …], typed: cd through a default value holding /proc, then mem: {0}")
  @ValueSource(strings = {
      "cd \"${x:-/proc}/$$\" && ",
      "cd ${x:-/proc}/$$ && ",
      "cd \"${x-/proc}/$$\" && ",
      "d=${x:-/proc}; cd $d/$$ && ",
      "cd \"${PWD/*/\\/proc}/$$\" && "})
  void allowListSlashInsideAParameterExpansion(String cd, @TempDir Path tmp) throws Exception {
    ShellAttack17azTest.assertTypedReadsNoShellMemory(ALLOW_LIST, cd + PRINT_FROM_HERE, tmp);
  }

  @ParameterizedTest(name = "deny-list, typed: cd through a default value holding /proc, then mem: {0}")
  @ValueSource(strings = {
      "cd \"${x:-/proc}/$$\" && ",
      "cd \"${x:-/proc}\" && cd $$ && "})
  void denyListSlashInsideAParameterExpansion(String cd, @TempDir Path tmp) throws Exception {
    ShellAttack17azTest.assertTypedReadsNoShellMemory(DEFAULT, cd + PRINT_FROM_HERE, tmp);
  }

  // ---------------------------------------------------------------- M2: cd to a value only known when it runs

  @ParameterizedTest(name = "allow-list [ls, cat, less, grep, tail, …], typed: cd to a printf's output, then mem: {0}")
  @ValueSource(strings = {
      "cd \"$(printf /pro%s/%s c $$)\" && ",
      "cd \"$(printf /pro%s c)\" && cd $$ && "})
  void allowListCdToAComputedDirectoryThenMem(String cd, @TempDir Path tmp) throws Exception {
    ShellAttack17azTest.assertTypedReadsNoShellMemory(ALLOW_LIST, cd + PRINT_FROM_HERE, tmp);
  }

  @ParameterizedTest(name = "wide allow-list, typed: cd to a printf's output, then mem: {0}")
  @ValueSource(strings = {"cd \"$(printf /pro%s/%s c $$)\" && "})
  void wideAllowListCdToAComputedDirectoryThenMem(String cd, @TempDir Path tmp) throws Exception {
    ShellAttack17azTest.assertTypedReadsNoShellMemory(WIDE_ALLOW_LIST, cd + PRINT_FROM_HERE, tmp);
  }

  // ---------------------------------------------------------------- M3: readers that walk into mem

  @ParameterizedTest(name = "allow-list [ls, cat, less, grep, tail, …], typed: a recursive grep opens the shell's mem: {0}")
  @ValueSource(strings = {
      "grep -rao ghsecret --exclude=pagemap /proc/$$",
      "grep -ao ghsecret -d recurse --exclude=pagemap /proc/$$",
      "grep -ao ghsecret --directories=recurse --exclude=pagemap /proc/$$",
      "grep -rao ghsecret --exclude=pagemap /proc/$$/task"})
  void allowListRecursiveGrepOpensTheShellsMemory(String text, @TempDir Path tmp) throws Exception {
    ShellAttack17azTest.assertTypedReadsNoShellMemory(ALLOW_LIST, text, tmp);
  }

  @ParameterizedTest(name = "deny-list, typed: find / walks into /proc and opens every mem: {0}")
  @ValueSource(strings = {"find / -maxdepth 3 -name mem -exec tail -c 1 {} +"})
  void denyListFindFromTheRootOpensMemory(String text, @TempDir Path tmp) throws Exception {
    ShellAttack17azTest.assertTypedReadsNoShellMemory(DEFAULT, text, tmp);
  }

  @ParameterizedTest(name = "wide allow-list, typed: find / walks into /proc and opens every mem: {0}")
  @ValueSource(strings = {"find / -maxdepth 3 -name mem -exec tail -c 1 {} +"})
  void wideAllowListFindFromTheRootOpensMemory(String text, @TempDir Path tmp) throws Exception {
    ShellAttack17azTest.assertTypedReadsNoShellMemory(WIDE_ALLOW_LIST, text, tmp);
  }

  @ParameterizedTest(name = "deny-list, typed: variants found while fixing M1-M3: {0}")
  @ValueSource(strings = {
      "find \"${x:-/proc}/$$\" -maxdepth 1 -name mem -exec tail -c 1 {} +",
      "grep -a --rec ghsecret --exclude=pagemap /proc/$$",
      "rgrep -ao ghsecret --exclude=pagemap /proc/$$",
      "cd /proc/$$ && grep -rao ghsecret --exclude=pagemap .",
      "find / -maxdepth 3 -name mem | xargs tail -c 1"})
  void denyListMemoryVariantsFoundWhileFixing(String text, @TempDir Path tmp) throws Exception {
    ShellAttack17azTest.assertTypedReadsNoShellMemory(DEFAULT, text, tmp);
  }

  @ParameterizedTest(name = "deny-list, typed: everyday walks and cds stay allowed: {0}")
  @ValueSource(strings = {"grep -r foo /etc", "grep -rn TODO .", "grep -rn TODO", "grep -r . /proc/sys/net/ipv4/conf",
      "grep -r foo \"$dir\"", "cd \"$REPO\" && grep -rn TODO .", "cd \"$d\" && ls *", "cd /var/log && grep -r error .",
      "find / -name '*.conf'", "find / -name '*.conf' -exec grep -l foo {} +", "find /var/log -name '*.gz' -exec ls -l {} +",
      "find / -perm -4000 -exec ls -l {} \\;", "find / -xdev -type f -size +100M -exec ls -lh {} +",
      "find /etc -name '*.conf' | xargs grep -l foo", "cd \"${TMPDIR:-/tmp}\" && ls", "cd \"$(mktemp -d)\" && ls",
      "for d in */; do (cd \"$d\" && git pull); done", "cd \"$WORK\" && for f in *; do echo \"$f\"; done"})
  void everydayWalksAndCdsStayAllowed(String text) {
    org.assertj.core.api.Assertions.assertThat(DEFAULT.judgeTyped(text).verdict().label()).as(text).isEqualTo("allow");
  }

  // ---------------------------------------------------------------- W1: find -exec in a word only known when it runs

  @ParameterizedTest(name = "deny-list: find's -exec in a variable or a substitution: {0}")
  @ValueSource(strings = {
      "o=-exec; find . -maxdepth 0 $o touch WITNESS \\;",
      "o=-execdir; find . -maxdepth 0 $o touch WITNESS \\;",
      "o=-e; find . -maxdepth 0 ${o}xec touch WITNESS \\;",
      "find . -maxdepth 0 ${o:--exec} touch WITNESS \\;",
      "find . -maxdepth 0 \"$(printf -- -exec)\" touch WITNESS \\;",
      "x=-exec; find . -maxdepth 0 \"$x\" touch WITNESS {} +"})
  void denyListFindExecOnlyKnownWhenItRuns(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(DEFAULT, template, tmp, false);
  }

  @ParameterizedTest(name = "wide allow-list [… find …]: find's -exec in a variable or a substitution: {0}")
  @ValueSource(strings = {
      "o=-exec; find . -maxdepth 0 $o touch WITNESS \\;",
      "find . -maxdepth 0 \"$(printf -- -exec)\" touch WITNESS \\;"})
  void wideAllowListFindExecOnlyKnownWhenItRuns(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(WIDE_ALLOW_LIST, template, tmp, false);
  }

  /**
   * Found while fixing W1: a word only known when it runs among the starting points begins the
   * expression too ({@code find $o CMD \;}), and one inside an {@code -exec} may be its {@code ;},
   * after which a literal {@code -exec} is find's own. The command is now judged (touch listed).
   */
  @ParameterizedTest(name = "deny-list, found while fixing W1: {0}")
  @ValueSource(strings = {
      "o=-exec; find $o touch WITNESS \\;",
      "x=-exec; find \"$x\" touch WITNESS {} +",
      "x=';'; find . -maxdepth 0 -exec echo \"$x\" -exec touch WITNESS \\;"})
  void denyListFindExecVariantsFoundWhileFixing(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(DEFAULT, template, tmp, false);
  }

  /** busybox/toybox with an applet only known when it runs (judge only: not installed here). */
  @ParameterizedTest(name = "refused: {0}")
  @ValueSource(strings = {"x=sh; busybox $x -c 'touch W'", "busybox \"$(printf sh)\" -c 'touch W'",
      "toybox \"$x\" -c 'touch W'", "make -j \"$(printf -- --eval=X)\"", "o=-E; make $o \"$(printf x)\"",
      "tar \"$o\" a.tar", "man -7 \"$o\" ls", "man \"--pa$x=touch W\" ls"})
  void unknownAppletOrOptionIsRefused(String text) {
    for (ShellJudgement j : new ShellJudgement[] {DEFAULT.judge(text), DEFAULT.judgeTyped(text)}) {
      assertThat(j.verdict().label()).as("%s: %s", text, j.commands()).isNotEqualTo("allow");
    }
  }

  /** A word only known when it runs that find, man, tar or make reads as a value or a name stays allowed. */
  @ParameterizedTest(name = "still allowed: {0}")
  @ValueSource(strings = {
      "find . -name \"$pat\"", "find \"$dir\" -mtime +7", "find \"$dir\" -name \"$pat\"",
      "find \"$dir\" -name '*.log' -mtime +30 -exec rm {} \\;", "find . -newermt \"$date\" -type f",
      "find /srv/\"$app\" -type f -exec chmod 644 {} +", "find . -maxdepth 1 -user \"$USER\" -exec ls -l {} \\;",
      "find -L \"$dir\" -maxdepth 2", "man ls", "man 5 crontab", "man -L \"$lang\" ls", "tar -czf \"$out\" /etc",
      "tar tf \"$f\"", "tar czf \"backup-$(date +%F).tgz\" /etc", "make DESTDIR=\"$d\" install", "make -j\"$(nproc)\"",
      "make -j$(nproc) all", "make -C \"$dir\" install", "busybox ls -l", "busybox --list"})
  void valuesAndNamesStayAllowed(String text) {
    for (ShellJudgement j : new ShellJudgement[] {DEFAULT.judge(text), DEFAULT.judgeTyped(text)}) {
      assertThat(j.verdict().label()).as("%s: %s", text, j.commands()).isEqualTo("allow");
    }
  }

  // ---------------------------------------------------------------- W2: an option by a variable (stated limit, concrete)

  @ParameterizedTest(name = "deny-list, on a terminal: man's pager option by a variable set in the text: {0}")
  @ValueSource(strings = {
      "o=-P; man $o 'touch WITNESS' ls",
      "o=--pager; man \"$o=touch WITNESS\" ls"})
  void denyListManPagerByAVariable(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(DEFAULT, template, tmp, true);
  }

  @ParameterizedTest(name = "deny-list: a program's command option by a variable or a substitution: {0}")
  @ValueSource(strings = {
      "tar -cf x.tar /etc/hostname; t=--to-command; tar -xf x.tar \"$t=touch WITNESS\"",
      "make -f /dev/null \"$(printf 'X:=$%s(shell touch WITNESS)')\""})
  void denyListCommandOptionByAVariable(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(DEFAULT, template, tmp, false);
  }
}
