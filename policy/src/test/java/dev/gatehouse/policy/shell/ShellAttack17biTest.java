package dev.gatehouse.policy.shell;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Attack pass 17bi on the shell judge (after 17bh's fixes: {@code ShellWords.wordsItMayMake}, the
 * find/wrapper split-word checks, the tar/wget option tables, preloaded modules). Every case is
 * allowed, without {@code touch} among its commands, by the exec judgement (and for most also the
 * typed one) of the judge its test names, and was run as written under bash 5.2.15 (Debian 12:
 * GNU find 4.9, less 590) through {@link BashWitness#assertRunsNoUnjudgedTouch}, and created the
 * witness file. The only command the texts run is {@code touch} of the witness in the test's
 * temporary directory (also HOME and the working directory); the files they write ({@code -exec},
 * {@code -name}, a script, a lesskey source) are written there too.
 *
 * <p><b>L1, less 590 does not know {@code --header}: it reports it and reads the next word as an
 * option</b> (docs' allow-list, the wide list, the default deny-list). The less entry of {@code
 * Wrappers.optionsThatRun} lists {@code --header} (and {@code --lesskey-content}) among the long
 * options with a value, on the comment's assumption that less 590 "reports them unknown and reads
 * the next word as its first file". It does not: {@code less --header --version} prints the
 * version ({@code There is no header option}, then goes on reading options). So {@code
 * Wrappers.optionsOnlyKnownWhenItRuns} skips a word only known when it runs after {@code --header}
 * (or any prefix getopt-style matching gives it: {@code --he}, {@code --hea}, {@code --heade}) as
 * its value, and less reads it as an option: {@code o=--lesskey-src=/dev/stdin; printf
 * '#env\nLESSOPEN=|touch W %s\n' | less --header "$o" FILE} runs {@code touch W FILE} (also with
 * {@code "$(printf …)"} as the word, {@code --LESSKEY-SRC=}, the file as the next word, after {@code
 * -N}, before {@code --}, on a terminal; a written lesskey source {@code k} under the deny-list).
 * The exec judgement allows them; the typed one blocks most of them (not {@code k}).
 *
 * <p><b>F2, find's pattern that vanishes under {@code nullglob}</b> (default deny-list). {@code
 * Wrappers.findMayMakeSeveralWords} takes a glob with a {@code /} or a {@code .} in each
 * alternative ({@code ./q*}) as "names only" and lets {@code Wrappers.find} read it as one word,
 * the value of the primary before it. With {@code shopt -s nullglob} (allowed) a pattern that
 * matches nothing is no word at all: the next word becomes that primary's value, and the word the
 * judge took as a value ({@code -name -exec}: {@code -exec} as the name) is read by find as a
 * primary: {@code shopt -s nullglob; find . -maxdepth 0 ! -path ./q* -name -exec touch W \;} runs
 * {@code touch W} (also {@code ! -newer ./q* -name} with a file {@code -name}, {@code ! -name ./q*
 * -iname}, {@code -execdir}). {@code ShellWords.wordsItMayMake} has no "zero words" for a pattern
 * either: {@code PATTERN_WORDS} is read as "several names".
 *
 * <p><b>F3, a bracket expression starting with {@code ]} in find's arguments</b> (default
 * deny-list). {@code Wrappers.findMayMakeSeveralWords} replaces each bracket with {@code
 * "\\[[^]]*]"} before looking for a {@code .}: for {@code [].-]exec} or {@code -exe[]c.]} that
 * regex takes {@code []} as the whole bracket and the {@code .} inside it as a literal dot of the
 * name, while bash reads {@code ]} first in a bracket as a member ({@code [].-]} is one of {@code
 * ] . -}); so the pattern is taken for names that cannot be primaries, and {@code
 * Wrappers.findExpressionWord} looks only at the pattern's first character ({@code [}, not {@code
 * -}): a name. With a file named {@code -exec} in the directory bash makes {@code -exec} of it:
 * {@code : > ./-exec; find . -maxdepth 0 [].-]exec touch W \;} (also {@code [!].]exec}, {@code
 * -exe[]c.]}, as the first word, running a written script). {@code PathPatterns.glob} reads
 * {@code [[:alpha:]]} as a set of its letters too (not a bypass found here: see below).
 *
 * <p>Tried and already refused (or not a bypass): {@code ShellWords.wordsItMayMake} — {@code
 * "${!n}"} with {@code n='a[@]'} or {@code n=@} (a list in quotes without an {@code @} in the word:
 * refused as an indirection), {@code -exe{c..c}}, {@code -{exec,}}, {@code -exec*} (unclassified),
 * extglob {@code -exec?(.)}, {@code @(-exec|x.)} (the text does not parse: reviewed), {@code
 * -exe[[:alpha:].]} (reviewed, or {@code touch} judged). Written files run by pattern — {@code sh
 * [[:lower:]]}, {@code . ./[[:lower:]]}, {@code ./[[:lower:]]}, {@code node -r ./?.js}, {@code less
 * --lesskey-src=[[:lower:]]} (reviewed). Preloads — {@code cp}/{@code ln -s}/{@code mv}/{@code
 * install}/{@code tee} of a module then {@code node -r}, {@code node --env-file} with {@code
 * NODE_OPTIONS}, {@code node --test} with a written {@code test.js}, {@code NODE_PATH=. node -r x},
 * {@code perl -Mlib=. -Mm}/{@code "-Mm qw(x)"}/{@code "-Mx'm"}/{@code -d:X}, {@code PERLLIB=.},
 * python's user {@code .pth}/{@code usercustomize.py} (the {@code mkdir -p .local/…}),
 * {@code sitecustomize.py} with {@code PYTHONPATH=.}, {@code python3 -m json.tool} with a written
 * {@code argparse.py}/{@code json.py} (all interpreter-inline or nested-shell). Option tables —
 * every short and long option with a value in wget's table checked against wget 1.21 ({@code wget
 * -X --version}: each takes the next word, {@code -Y} too); tar, sort, split, install, man, make,
 * sdiff and diff3's long options checked against {@code --help} for a no-value exact name that
 * begins a listed one (none left) or a listed one that takes none (none); less's table against
 * less 590 (all but {@code --header}/{@code --lesskey-content} take the next word; {@code
 * --lesskey-content "$o"} is reviewed). nullglob elsewhere — {@code wget -O ./q* -O
 * --use-askpass=…}, {@code wget -e ./q* use_askpass=…}, {@code tar --exclude ./q* --exclude
 * --to-command=…} (interpreter-inline); {@code less --header "$o"} with {@code o=-k/dev/stdin}
 * (less cannot read a lesskey source as a binary file: nothing ran) or {@code o=-o.lesskey} (no
 * terminal: less does not log; not asserted).
 *
 * <p>Everyday lines checked: {@code find . -name '*.log' -mtime +7}, {@code find /var/log -name
 * '*.gz'}, {@code less -N /etc/hostname}, {@code less +G /etc/hostname} are allowed.
 */
class ShellAttack17biTest {
  static final ShellJudge DEFAULT = ShellAttack17ahTest.DEFAULT;
  static final ShellJudge ALLOW_LIST = ShellAttack17ahTest.ALLOW_LIST;
  static final ShellJudge WIDE_ALLOW_LIST = ShellAttack17ahTest.WIDE_ALLOW_LIST;

  static final String LESSKEY = "printf '#env\\nLESSOPEN=|touch WITNESS %%s\\n' | ";

  // ---------------------------------------------------------------- L1: less 590 has no --header

  @ParameterizedTest(name = "allow-list [ls, cat, less, …]: less --header \"$o\" reads $o as an option: {0}")
  @ValueSource(strings = {
      "o=--lesskey-src=/dev/stdin; LESSKEY less --header \"$o\" /etc/hostname",
      "o=--lesskey-src=/dev/stdin; LESSKEY less --he \"$o\" /etc/hostname",
      "o=--lesskey-src=/dev/stdin; LESSKEY less --hea \"$o\" /etc/hostname",
      "o=--lesskey-src=/dev/stdin; LESSKEY less --heade \"$o\" /etc/hostname",
      "o=--lesskey-src=/dev/stdin; LESSKEY less -N --header \"$o\" /etc/hostname",
      "o=--lesskey-src=/dev/stdin; LESSKEY less --header \"$o\" -- /etc/hostname",
      "o=--LESSKEY-SRC=/dev/stdin; LESSKEY less --header \"$o\" /etc/hostname",
      "o=--lesskey-src; LESSKEY less --header \"$o\" /dev/stdin /etc/hostname",
      "LESSKEY less --header \"$(printf %s --lesskey-src=/dev/stdin)\" /etc/hostname"})
  void allowListLessHeaderTakesNoValue(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(ALLOW_LIST, template.replace("LESSKEY ", LESSKEY), tmp, false);
  }

  @ParameterizedTest(name = "allow-list [ls, cat, less, …], on a terminal: less --header \"$o\": {0}")
  @ValueSource(strings = {
      "o=--lesskey-src=/dev/stdin; LESSKEY less --header \"$o\" /etc/hostname"})
  void allowListLessHeaderOnATerminal(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(ALLOW_LIST, template.replace("LESSKEY ", LESSKEY), tmp, true);
  }

  @ParameterizedTest(name = "wide allow-list [.., less, ..]: less --header \"$o\": {0}")
  @ValueSource(strings = {
      "o=--lesskey-src=/dev/stdin; LESSKEY less --header \"$o\" /etc/hostname",
      "o=--lesskey-src=/dev/stdin; LESSKEY less --he \"$o\" /etc/hostname"})
  void wideAllowListLessHeaderTakesNoValue(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(WIDE_ALLOW_LIST, template.replace("LESSKEY ", LESSKEY), tmp, false);
  }

  @ParameterizedTest(name = "deny-list: less --header \"$o\" with a lesskey source the text writes: {0}")
  @ValueSource(strings = {
      "printf '#env\\nLESSOPEN=|touch WITNESS %%s\\n' > k; o=--lesskey-src=k; less --header \"$o\" /etc/hostname",
      "o=--lesskey-src=/dev/stdin; LESSKEY less --header \"$o\" /etc/hostname"})
  void denyListLessHeaderTakesNoValue(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(DEFAULT, template.replace("LESSKEY ", LESSKEY), tmp, false);
  }

  @ParameterizedTest(name = "allow-list: less 590 reads the word after an option it cannot use as an option (fix variants): {0}")
  @ValueSource(strings = {
      "o=--lesskey-src=/dev/stdin; LESSKEY less --ta \"$o\" /etc/hostname",
      "o=--lesskey-src=/dev/stdin; LESSKEY less -Hk \"$o\" /etc/hostname",
      "o=--lesskey-src=/dev/stdin; LESSKEY less -N+k \"$o\" /etc/hostname",
      "o=--lesskey-src=/dev/stdin; LESSKEY less -N--foo-k \"$o\" /etc/hostname",
      "o=--lesskey-src=/dev/stdin; LESSKEY less --tabs4 \"$o\" /etc/hostname",
      "o=--lesskey-src=/dev/stdin; LESSKEY less --tabs= 4 \"$o\" /etc/hostname",
      "o=--lesskey-src=/dev/stdin; LESSKEY less '-Pfoo$x' 4 \"$o\" /etc/hostname",
      "o=--lesskey-src=/dev/stdin; LESSKEY less -x4x 4 \"$o\" /etc/hostname",
      "p='x$--lesskey-src=/dev/stdin'; LESSKEY less -P\"$p\" /etc/hostname",
      "LESSKEY less -N--lesskey-src /dev/stdin /etc/hostname",
      "LESSKEY less -x4--lesskey-src /dev/stdin /etc/hostname",
      "LESSKEY less -N--lesskey-src=/dev/stdin /etc/hostname"})
  void allowListLessReadsOnAfterAnOptionItCannotUse(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(ALLOW_LIST, template.replace("LESSKEY ", LESSKEY), tmp, false);
  }

  // ---------------------------------------------------------------- F2: find's pattern vanishes under nullglob

  @ParameterizedTest(name = "deny-list: nullglob makes find's ./q* no word, -name's value a primary: {0}")
  @ValueSource(strings = {
      "shopt -s nullglob; find . -maxdepth 0 ! -path ./q* -name -exec touch WITNESS \\;",
      "shopt -s nullglob; : > ./-name; find . -maxdepth 0 ! -newer ./q* -name -exec touch WITNESS \\;",
      "shopt -s nullglob; find . -maxdepth 0 ! -name ./q* -iname -exec touch WITNESS \\;",
      "shopt -s nullglob; find . -maxdepth 0 ! -path ./q* -name -execdir touch WITNESS \\;",
      // added by the fixer: the find runs in a function called after the shopt
      "f() { find . -maxdepth 0 ! -path ./q* -name -exec touch WITNESS \\; ; }; shopt -s nullglob; f"})
  void denyListFindPatternVanishesUnderNullglob(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(DEFAULT, template, tmp, false);
  }

  // ---------------------------------------------------------------- F3: a bracket starting with ]

  @ParameterizedTest(name = "deny-list: find's [].-]exec is -exec, not a name with a dot: {0}")
  @ValueSource(strings = {
      ": > ./-exec; find . -maxdepth 0 [].-]exec touch WITNESS \\;",
      ": > ./-exec; find . -maxdepth 0 [!].]exec touch WITNESS \\;",
      ": > ./-exec; find . -maxdepth 0 -exe[]c.] touch WITNESS \\;",
      ": > ./-exec; find -exe[]c.] touch WITNESS \\;",
      "printf 'touch WITNESS\\n' > s; : > ./-exec; find . -maxdepth 0 -exe[]c.] sh s \\;",
      // added by the fixer: a quoted ] is a member too, which the word's value no longer shows
      ": > ./-exec; find . -maxdepth 0 -exe[c']'.] touch WITNESS \\;"})
  void denyListFindBracketStartingWithClose(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(DEFAULT, template, tmp, false);
  }
}
