package dev.gatehouse.policy.shell;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Attack pass 17bj on the shell judge (after 17bi's fixes: {@code Wrappers.readLessWord} /
 * {@code lessOptionsOnlyKnownWhenItRuns}, the nullglob rule in {@code CommandReader}, {@code
 * PathPatterns.bracketEnd}/{@code mayStartWith}). Every case is allowed, without {@code touch}
 * among its commands, by the exec judgement (for most also the typed one) of the judge its test
 * names, and was run as written under bash 5.2.15 (Debian 12: less 590, GNU tar 1.34, wget 1.21)
 * through {@link BashWitness#assertRunsNoUnjudgedTouch}, and created the witness file. The only
 * command the texts run is {@code touch} of the witness in the test's temporary directory (also
 * HOME and the working directory); the files they write (a lesskey source, a script, an archive)
 * are written there too; wget only tries the closed loopback port 9.
 *
 * <p><b>L1, the byte 0x01 is less 590's letter of {@code --lesskey-src}</b> (docs' allow-list, the
 * wide list, the default deny-list). less marks its options without a letter with {@code
 * OLETTER_NONE}, which is {@code '\1'} (option.h), and its {@code findopt} looks a letter up
 * among all of them: the first such option in opttbl.c is {@code --lesskey-src}. So a word
 * {@code $'-\x01FILE'} (also {@code $'-\001…'}, {@code $'-\u0001…'}, in a bundle {@code -N\x01},
 * after a value ended by {@code $} or a {@code -x} digit: {@code -Pp$\x01}, {@code -x4\x01}; the
 * file as the next word) reads FILE as a lesskey source, whose {@code #env} section sets {@code
 * LESSOPEN}: {@code printf '#env\nLESSOPEN=|touch W %s\n' | less $'-\x01/dev/stdin' F} runs {@code
 * touch W F}, on a terminal or not. {@code Wrappers.readLessWord} keeps the letterless options
 * as {@code '\0'} in {@code LESS_590} and reads {@code \x01} as an unknown letter ("reported, the
 * rest ignored"), so {@code ShellClass.lessWordNamesKeyFile} sees no key file, and the {@code
 * case "less", "more", "man"} regex {@code -[a-zA-Z]*k.*} does not match either.
 *
 * <p><b>P1, a {@code +} inside a bundle is less's start commands</b> (all three lists, on a
 * terminal). less's {@code scan_option} takes a {@code +} anywhere in an option word, not only
 * first, as commands to run at the first file ({@code -N+CMD}, {@code -Pp$+CMD}, {@code -x4+CMD},
 * {@code -+N+CMD}, {@code '--quiet +CMD'}, {@code -N++CMD}). {@code ShellClass}'s {@code case
 * "less", "more", "man"} checks for commands only in words that start with {@code +} ({@code
 * v.startsWith("+") && !…}); {@code Wrappers.readLessWord} does record {@code "+"} among a word's
 * names, but nothing asks for it ({@code lessWordNamesKeyFile} only looks for {@code k} and {@code
 * lesskey*}). So {@code less '-N+!touch W;' F} types {@code !touch W;} at less's prompt: the
 * {@code ;} lets the terminal's {@code q<Enter>} complete the line ({@code touch W;q}), or a
 * newline in {@code $'…\n'} ends it; less's {@code !} runs it through the shell.
 *
 * <p><b>E1, an option's value word that makes no word</b> (default deny-list; the docs' allow-list
 * and the others for less). {@code Wrappers.optionsOnlyKnownWhenItRuns} skips the word after an
 * option that takes a value ({@code i += g.longTakesArg(v) ? 1 : 0}, the short bundle's {@code i +=
 * …}), and {@code Wrappers.lessOptionsOnlyKnownWhenItRuns} likewise ({@code i++; // the value,
 * whatever it is}), without asking {@code ShellWords.wordsItMayMake} whether bash makes one word of
 * it. A brace expansion with only empty alternatives ({@code {,}}, {@code {,,}}, {@code {,}{,}}),
 * an unquoted empty or unset variable ({@code $e}, {@code $NOSUCHVAR}), {@code $(true)}, an empty
 * array in quotes ({@code "${a[@]}"}, also one that {@code a=(./q*)} leaves empty under nullglob:
 * the nullglob rule of {@code CommandReader.patternBeforeWords} looks only at patterns among a
 * command's arguments) makes no word at all; the next option then takes the word the judge skipped
 * as that option's value, and the word after that, only known when it runs, is read as an option:
 * {@code o=--to-command='touch W'; tar -x --exclude {,} --exclude "$o" -f a.tar} runs {@code touch}
 * for each member (also {@code --use-compress-program=./a}; wget's {@code -t {,} -t "$o"} with
 * {@code o=--use-askpass=./a}; less's {@code -P {,} -P "$o"} with {@code o=--lesskey-src=/dev/stdin}:
 * allowed by the exec judgement, the typed one blocks it).
 *
 * <p>Tried and already refused (or not a bypass): L1 — {@code $'-\cA…'} (unclassified: {@code \c}
 * is not decoded), {@code $'+G$-\x01…'} (interpreter-inline), {@code less -N $'\x01' /dev/stdin}
 * (not an option word for less: a file; nothing ran); {@code -Dxk…}, {@code -D4k…} (less 590
 * refuses the color and stops reading the word: nothing ran). P1 — {@code '-N+|touch W;'} (allowed,
 * but {@code |} needs a mark: nothing ran), {@code '-i+v'} (allowed, no editor here: not kept).
 * E1 — {@code -P {,} -P --lesskey-s /dev/stdin} with the option literal (interpreter-inline); tar
 * {@code --exclude {,} --exclude="$o"}, {@code --exclude {,} --exclude --to-command="$o"}, {@code
 * --exclude= {,} "$o"} (unclassified), {@code -C {,} -C "$o"} (interpreter-inline), {@code -X {,}
 * -X "$o"} (allowed, but tar fails on the exclude file {@code -X} first: nothing ran); wget {@code
 * -O {,} -O "$o"} (interpreter-inline), {@code -T {,} -T "$o"} (allowed, but wget refuses {@code
 * -T -T} before it runs anything); find {@code -name {,} -name -exec …} (unclassified: 17bh's split
 * word check); timeout {@code -s {,}}/{@code -k {,}} (unclassified: {@code mayShiftWords}); sort
 * {@code -t {,} -t "$o"} with {@code o=--compress-program=./a} (allowed, but with {@code -S 1k} and
 * 20000 lines sort compressed no temporary file: nothing ran; not kept); the wide list with {@code
 * seq} (blocked: not listed). Not looked at for lack of time: {@code GLOBIGNORE}, {@code
 * nocaseglob}, {@code globstar}, bracket classes and ranges in {@code mayStartWith}.
 *
 * <p>Everyday lines checked: {@code less -N F}, {@code less +G F}, {@code less -S -x4 F}, {@code tar
 * -xf a.tar --exclude '*.log' -C DIR}, {@code tar -czf a.tgz --exclude=.git src}, {@code wget -q -t 3
 * URL} are allowed.
 */
class ShellAttack17bjTest {
  static final ShellJudge DEFAULT = ShellAttack17ahTest.DEFAULT;
  static final ShellJudge ALLOW_LIST = ShellAttack17ahTest.ALLOW_LIST;
  static final ShellJudge WIDE_ALLOW_LIST = ShellAttack17ahTest.WIDE_ALLOW_LIST;

  static final String LESSKEY = "printf '#env\\nLESSOPEN=|touch WITNESS %%s\\n' | ";
  /** A compressor for tar: touches the witness, then copies its input. */
  static final String FILTER = "printf '#!/bin/sh\\ntouch WITNESS\\ncat\\n' > a; chmod +x a; ";
  static final String SCRIPT = "printf '#!/bin/sh\\ntouch WITNESS\\n' > a; chmod +x a; ";
  static final String ARCHIVE = "tar -cf a.tar /etc/hostname; o=--to-command='touch WITNESS'; ";

  // ---------------------------------------------------------------- L1: \x01 is --lesskey-src's letter

  @ParameterizedTest(name = "allow-list [ls, cat, less, …]: less reads the byte 0x01 as --lesskey-src: {0}")
  @ValueSource(strings = {
      "LESSKEY less $'-\\x01/dev/stdin' /etc/hostname",
      "LESSKEY less $'-N\\x01/dev/stdin' /etc/hostname",
      "LESSKEY less $'-\\x01' /dev/stdin /etc/hostname",
      "LESSKEY less $'-\\001/dev/stdin' /etc/hostname",
      "LESSKEY less $'-\\u0001/dev/stdin' /etc/hostname",
      "LESSKEY less $'-Pp$\\x01/dev/stdin' /etc/hostname",
      "LESSKEY less $'-x4\\x01/dev/stdin' /etc/hostname",
      "LESSKEY less $'-N\\x01' /dev/stdin -- /etc/hostname",
      "LESSKEY less -SN $'-\\x01' /dev/stdin /etc/hostname",
      "LESSKEY less $'-\\x01 /dev/stdin' /etc/hostname"})
  void allowListLessLetterOneIsLesskeySrc(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(ALLOW_LIST, template.replace("LESSKEY ", LESSKEY), tmp, false);
  }

  @ParameterizedTest(name = "allow-list [ls, cat, less, …], on a terminal: less reads 0x01 as --lesskey-src: {0}")
  @ValueSource(strings = {
      "LESSKEY less $'-\\x01/dev/stdin' /etc/hostname",
      "LESSKEY less $'-N\\x01/dev/stdin' /etc/hostname"})
  void allowListLessLetterOneOnATerminal(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(ALLOW_LIST, template.replace("LESSKEY ", LESSKEY), tmp, true);
  }

  @ParameterizedTest(name = "wide allow-list [.., less, ..]: less reads 0x01 as --lesskey-src: {0}")
  @ValueSource(strings = {
      "LESSKEY less $'-\\x01/dev/stdin' /etc/hostname"})
  void wideAllowListLessLetterOne(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(WIDE_ALLOW_LIST, template.replace("LESSKEY ", LESSKEY), tmp, false);
  }

  @ParameterizedTest(name = "deny-list: less reads 0x01 as --lesskey-src (piped or a written source): {0}")
  @ValueSource(strings = {
      "LESSKEY less $'-\\x01/dev/stdin' /etc/hostname",
      "printf '#env\\nLESSOPEN=|touch WITNESS %%s\\n' > k; less $'-\\x01k' /etc/hostname"})
  void denyListLessLetterOne(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(DEFAULT, template.replace("LESSKEY ", LESSKEY), tmp, false);
  }

  @ParameterizedTest(name = "deny-list, on a terminal: less reads 0x01 as --lesskey-src: {0}")
  @ValueSource(strings = {
      "printf '#env\\nLESSOPEN=|touch WITNESS %%s\\n' > .lesskey.src; less $'-\\x01.lesskey.src' /etc/hostname"})
  void denyListLessLetterOneOnATerminal(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(DEFAULT, template, tmp, true);
  }

  // ---------------------------------------------------------------- P1: + inside a bundle

  @ParameterizedTest(name = "allow-list [ls, cat, less, …], on a terminal: a + inside an option word is less's commands: {0}")
  @ValueSource(strings = {
      "less '-N+!touch WITNESS;' /etc/hostname",
      "less $'-S+!touch WITNESS\\n' /etc/hostname",
      "less '-Pp$+!touch WITNESS;' /etc/hostname",
      "less '-N++!touch WITNESS;' /etc/hostname",
      "less '-x4+!touch WITNESS;' /etc/hostname",
      "less '--quiet +!touch WITNESS;' /etc/hostname",
      "less '-+N+!touch WITNESS;' /etc/hostname",
      "less '-N+!touch WITNESS;' -- /etc/hostname",
      "printf 'x\\n' | less '-N+!touch WITNESS;' /etc/hostname",
      // fixer's variant: --use-backslash takes the escaped $ into the commands, the newline ends the search
      "less --use-backslash $'-N+/.\\\\$\\n!touch WITNESS\\n' /etc/hostname"})
  void allowListLessPlusInsideABundle(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(ALLOW_LIST, template, tmp, true);
  }

  @ParameterizedTest(name = "wide allow-list [.., less, ..], on a terminal: a + inside an option word: {0}")
  @ValueSource(strings = {
      "less '-N+!touch WITNESS;' /etc/hostname"})
  void wideAllowListLessPlusInsideABundle(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(WIDE_ALLOW_LIST, template, tmp, true);
  }

  @ParameterizedTest(name = "deny-list, on a terminal: a + inside an option word: {0}")
  @ValueSource(strings = {
      "less '-N+!touch WITNESS;' /etc/hostname"})
  void denyListLessPlusInsideABundle(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(DEFAULT, template, tmp, true);
  }

  // ---------------------------------------------------------------- E1: a value word that makes no word

  @ParameterizedTest(name = "deny-list: tar's value word makes no word, the next option takes the skipped one: {0}")
  @ValueSource(strings = {
      "ARCHIVE tar -x --exclude {,} --exclude \"$o\" -f a.tar",
      "ARCHIVE tar -x --exclude {,,} --exclude \"$o\" -f a.tar",
      "ARCHIVE tar -x --exclude {,}{,} --exclude \"$o\" -f a.tar",
      "ARCHIVE e=; tar -x --exclude $e --exclude \"$o\" -f a.tar",
      "ARCHIVE tar -x --exclude $NOSUCHVAR --exclude \"$o\" -f a.tar",
      "ARCHIVE tar -x --exclude $(true) --exclude \"$o\" -f a.tar",
      "ARCHIVE a=(); tar -x --exclude \"${a[@]}\" --exclude \"$o\" -f a.tar",
      "ARCHIVE tar -x -f a.tar --exclude {,} --exclude \"$o\"",
      "ARCHIVE timeout 5 tar -x --exclude {,} --exclude \"$o\" -f a.tar",
      "FILTER o=--use-compress-program=./a; tar -c --exclude {,} --exclude \"$o\" -f a.tar /etc/hostname",
      "FILTER o=--use-compress-program=./a; shopt -s nullglob; a=(./q*); tar -c --exclude \"${a[@]}\" --exclude \"$o\" -f a.tar /etc/hostname"})
  void denyListTarValueMakesNoWord(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(DEFAULT, template.replace("ARCHIVE ", ARCHIVE).replace("FILTER ", FILTER), tmp, false);
  }

  @ParameterizedTest(name = "deny-list: wget's value word makes no word: {0}")
  @ValueSource(strings = {
      "SCRIPT o=--use-askpass=./a; wget -t {,} -t \"$o\" -q http://127.0.0.1:9/",
      "SCRIPT o=--use-askpass=./a; wget --tries {,} --tries \"$o\" -q http://127.0.0.1:9/"})
  void denyListWgetValueMakesNoWord(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(DEFAULT, template.replace("SCRIPT ", SCRIPT), tmp, false);
  }

  @ParameterizedTest(name = "allow-list [ls, cat, less, …]: less's value word makes no word (exec): {0}")
  @ValueSource(strings = {
      "o=--lesskey-src=/dev/stdin; LESSKEY less -P {,} -P \"$o\" /etc/hostname",
      "o=--lesskey-src=/dev/stdin; LESSKEY less -N -x {,} -x \"$o\" /etc/hostname",
      "o=--lesskey-src=/dev/stdin; LESSKEY less --prompt {,} --prompt \"$o\" /etc/hostname",
      "o=--lesskey-src=/dev/stdin; LESSKEY less -P $(true) -P \"$o\" /etc/hostname"})
  void allowListLessValueMakesNoWord(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(ALLOW_LIST, template.replace("LESSKEY ", LESSKEY), tmp, false);
  }

  @ParameterizedTest(name = "wide allow-list [.., less, ..]: less's value word makes no word (exec): {0}")
  @ValueSource(strings = {
      "o=--lesskey-src=/dev/stdin; LESSKEY less -P {,} -P \"$o\" /etc/hostname"})
  void wideAllowListLessValueMakesNoWord(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(WIDE_ALLOW_LIST, template.replace("LESSKEY ", LESSKEY), tmp, false);
  }

  @ParameterizedTest(name = "deny-list: less's value word makes no word (exec): {0}")
  @ValueSource(strings = {
      "o=--lesskey-src=/dev/stdin; LESSKEY less -P {,} -P \"$o\" /etc/hostname"})
  void denyListLessValueMakesNoWord(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(DEFAULT, template.replace("LESSKEY ", LESSKEY), tmp, false);
  }
}
