package dev.gatehouse.policy.shell;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Attack pass 17bl on the shell judge (after 17bj's fixes: {@code Wrappers.mayNotMakeOneWord},
 * {@code mayMakeAnOptionWord}, {@code readLessWord}'s 0x01 and {@code +} anywhere, and afd1890's
 * {@link ShellState}). Every case is allowed, without {@code touch} among its commands, by the exec
 * and the typed judgement of the judge its test names, and was run as written under bash 5.2.15
 * (Debian 12: less 590, GNU tar 1.34, GNU coreutils 9.1 sort, man-db) through {@link
 * BashWitness#assertRunsNoUnjudgedTouch}, and created the witness file. The only command the texts
 * run is {@code touch} of the witness in the test's temporary directory (also HOME and the working
 * directory); the files they write (a lesskey source, a script, an archive, numbers for sort) are
 * written there too.
 *
 * <p><b>B1, a brace expansion or glob at less's first operand makes an option word</b> (docs'
 * allow-list, the wide list, the default deny-list). less is the one non-permuting reader among
 * {@code Wrappers.OPTIONS_THAT_RUN} ({@code new OptionGrammar("", "", Set.of(), false, …)}), read by
 * {@code Wrappers.lessOptionsOnlyKnownWhenItRuns}: a word that does not start with {@code -} or
 * {@code +} ({@code read == null}) ends the options as "the first file" unless {@code mayMakeNoWord}
 * says it may make no word. 1a86288 added {@code mayMakeAnOptionWord} only to the permuting branch of
 * {@code optionsOnlyKnownWhenItRuns} ({@code g.permutes() && …}), so a brace word whose first
 * alternative is an option ({@code {-N+!CMD\;,F}}, {@code {+!CMD\;,F}}, {@code {--lesskey-src=/dev/stdin,F}},
 * {@code {$'-\x01/dev/stdin',F}}, {@code {,--lesskey-src=…}} whose empty alternative bash drops,
 * {@code {-N,--lesskey-src=…}}, also after other options: {@code less -N {…}}) or a glob that
 * matches a file named like an option ({@code *} with a file {@code --lesskey-src=k}) reaches less as
 * its options: start commands through {@code !} on a terminal, or a lesskey source whose {@code #env}
 * sets {@code LESSOPEN}.
 *
 * <p><b>B2, a brace expansion inside an option word</b> (all three lists for less; the deny-list for
 * tar, sort, man). The option readers ({@code Wrappers.readLessWord}, {@code
 * ShellClass}'s {@code case "less", "more", "man"} and key-file checks, tar's {@code --to-command},
 * sort's {@code --compress-program}, man's {@code --pager} checks) look at the word's value as
 * written, with its braces, and {@code optionsOnlyKnownWhenItRuns} asks {@code mayMakeAnOptionWord}
 * only of words that do not start with {@code -} ({@code !v.startsWith("-")}). bash spells each
 * alternative as its own option word: {@code less -{N,-lesskey-src=/dev/stdin}} is {@code -N
 * --lesskey-src=/dev/stdin}, {@code -{-lesskey-src=…,N}}, {@code -{N,N+\!CMD\;}} is {@code -N
 * -N+!CMD;}, {@code -N{,\ --lesskey-src=…}} adds the word {@code -N --lesskey-src=…} that less reads
 * with its own spaces; {@code tar -xf a.tar --{to-command=CMD,verbose}}, {@code sort
 * -{-compress-program=./a,-batch-size=2}}, {@code man --pag{er,}=CMD} (getopt_long takes the prefix).
 *
 * <p>Tried and already refused (or not a bypass): the prompt's state — {@code set -k} (and in one
 * text) is {@code guard-tamper}; {@code set -a}/{@code set -o allexport} is allowed but each
 * assignment of a variable that matters ({@code LESSOPEN}, {@code PAGER}, {@code GIT_PAGER}, {@code
 * SYSTEMD_PAGER}, also by {@code for}, {@code printf -v}, {@code declare}, {@code ${V:=…}}) is judged
 * as its command or refused whether exported or not, {@code read}/{@code getopts} into one
 * unclassified, {@code GIT_CONFIG_*} interpreter-inline; {@code shopt -s expand_aliases} guard-tamper;
 * {@code PS4} guard-tamper. Words that split: {@code export a=$b}, {@code builtin export a=$b}, {@code
 * command export a=$b}, {@code declare -x a=$b}, {@code builtin local a=$b}, {@code export a $b},
 * {@code export {a,LESSOPEN}=…}, {@code env a=$b less …} (all unclassified). Braces elsewhere: {@code
 * tar -x{f,-to-command=…}}, {@code -{-to-command=…,v}}, {@code git -{c,…}}, {@code git {-c,…}}, {@code
 * man -{P,x} CMD}, {@code sort {--compress-program=x,F}}, {@code find -{exec,…}}, {@code -ex{e,}c},
 * {@code less --lesskey-sr{c,}=}, {@code less +{…}}, {@code less -o{.lesskey,x}}, {@code ssh -o{…}}
 * (refused); {@code tar --to-{command=CMD,verbose}}, {@code --to-comman{d,}=CMD}, {@code wget
 * --use-ask{pass=./a,}}, {@code git -c core.pa{g,}er=CMD log} (allowed, but the other alternative
 * makes the program fail first: nothing ran); {@code less -{N,'+!CMD;'}} (allowed, but {@code -+!}
 * resets no option and runs nothing); globs as option names ({@code --to-comman[d]=…}) stay literal
 * without a matching file (not kept); {@code less {-k,/dev/stdin}} (less 590 reads {@code -k} files
 * in the old binary format: nothing ran); the wide list with the sort case (blocked: {@code seq},
 * {@code chmod} not listed); {@code less -- {…}} (files: nothing ran, correctly allowed).
 *
 * <p>Everyday lines checked: {@code less *}, {@code less -N /etc/hostname *}, {@code ls *}, {@code
 * cat *}, {@code grep x *}, {@code tail *}, {@code less /var/log/syslog{,.1}} are allowed.
 */
class ShellAttack17blTest {
  static final ShellJudge DEFAULT = ShellAttack17ahTest.DEFAULT;
  static final ShellJudge ALLOW_LIST = ShellAttack17ahTest.ALLOW_LIST;
  static final ShellJudge WIDE_ALLOW_LIST = ShellAttack17ahTest.WIDE_ALLOW_LIST;

  static final String LESSKEY = "printf '#env\\nLESSOPEN=|touch WITNESS %%s\\n' | ";
  static final String FILTER = "printf '#!/bin/sh\\ntouch WITNESS\\ncat\\n' > a; chmod +x a; ";
  static final String ARCHIVE = "tar -cf a.tar /etc/hostname; ";

  // ---------------------------------------------------------------- B1: less's first operand makes an option word

  @ParameterizedTest(name = "allow-list [ls, cat, less, …]: a brace word at less's first operand is a lesskey source: {0}")
  @ValueSource(strings = {
      "LESSKEY less {--lesskey-src=/dev/stdin,/etc/hostname}",
      "LESSKEY less {--lesskey-src,/dev/stdin,/etc/hostname}",
      "LESSKEY less {$'-\\x01/dev/stdin',/etc/hostname}",
      "LESSKEY less {,--lesskey-src=/dev/stdin} /etc/hostname",
      "LESSKEY less -N {--lesskey-src=/dev/stdin,/etc/hostname}",
      "LESSKEY less {-N,--lesskey-src=/dev/stdin} /etc/hostname",
      // Found by the B1 fixer: each alternative the same option (the getopt_long readers' --exclude=*.log exception).
      "LESSKEY less {--lesskey-src=/dev/stdin,--lesskey-src=/dev/stdin} /etc/hostname"})
  void allowListLessBraceFirstOperandIsAnOption(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(ALLOW_LIST, template.replace("LESSKEY ", LESSKEY), tmp, false);
  }

  @ParameterizedTest(name = "allow-list [ls, cat, less, …], on a terminal: a brace word at less's first operand is its start commands: {0}")
  @ValueSource(strings = {
      "less {-N+\\!touch\\ WITNESS\\;,/etc/hostname}",
      "less {+\\!touch\\ WITNESS\\;,/etc/hostname}",
      "less {,'-N+!touch WITNESS;'} /etc/hostname",
      "less {'+!touch WITNESS;',} /etc/hostname",
      "less {-N,'+!touch WITNESS;'} /etc/hostname",
      "less {-N,-S}+\\!touch\\ WITNESS\\; /etc/hostname",
      "less -N -S {-x4+\\!touch\\ WITNESS\\;,/etc/hostname}"})
  void allowListLessBraceFirstOperandOnATerminal(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(ALLOW_LIST, template, tmp, true);
  }

  @ParameterizedTest(name = "allow-list [ls, cat, less, …]: less * with a file named like an option (written earlier): {0}")
  @ValueSource(strings = {"less *", "less * /etc/hostname"})
  void allowListLessGlobMatchesAnOptionName(String template, @TempDir Path tmp) throws Exception {
    // An earlier session (or a file brought in) left a lesskey source and a file named like an option.
    Files.writeString(tmp.resolve("k"), "#env\nLESSOPEN=|touch " + tmp.resolve("w") + " %s\n");
    Files.createFile(tmp.resolve("--lesskey-src=k"));
    BashWitness.assertRunsNoUnjudgedTouch(ALLOW_LIST, template, tmp, false);
  }

  @ParameterizedTest(name = "wide allow-list [.., less, ..]: a brace word at less's first operand: {0}")
  @ValueSource(strings = {"LESSKEY less {--lesskey-src=/dev/stdin,/etc/hostname}"})
  void wideAllowListLessBraceFirstOperand(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(WIDE_ALLOW_LIST, template.replace("LESSKEY ", LESSKEY), tmp, false);
  }

  @ParameterizedTest(name = "deny-list: a brace word or glob at less's first operand: {0}")
  @ValueSource(strings = {
      "LESSKEY less {--lesskey-src=/dev/stdin,/etc/hostname}",
      "printf '#env\\nLESSOPEN=|touch WITNESS %%s\\n' > k; : > --lesskey-src=k; less *"})
  void denyListLessFirstOperandIsAnOption(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(DEFAULT, template.replace("LESSKEY ", LESSKEY), tmp, false);
  }

  @ParameterizedTest(name = "deny-list, on a terminal: a brace word at less's first operand (zless, pager): {0}")
  @ValueSource(strings = {
      "pager {-N+\\!touch\\ WITNESS\\;,/etc/hostname}",
      "zless {-N+\\!touch\\ WITNESS\\;,/etc/hostname}"})
  void denyListLessNamesBraceFirstOperand(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(DEFAULT, template, tmp, true);
  }

  // ---------------------------------------------------------------- B2: a brace expansion inside an option word

  @ParameterizedTest(name = "allow-list [ls, cat, less, …]: braces inside less's option word: {0}")
  @ValueSource(strings = {
      "LESSKEY less -{N,-lesskey-src=/dev/stdin} /etc/hostname",
      "LESSKEY less -{-lesskey-src=/dev/stdin,N} /etc/hostname",
      "LESSKEY less -N{,\\ --lesskey-src=/dev/stdin} /etc/hostname"})
  void allowListLessBraceInsideAnOptionWord(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(ALLOW_LIST, template.replace("LESSKEY ", LESSKEY), tmp, false);
  }

  @ParameterizedTest(name = "allow-list [ls, cat, less, …], on a terminal: braces inside less's option word: {0}")
  @ValueSource(strings = {"less -{N,N+\\!touch\\ WITNESS\\;} /etc/hostname"})
  void allowListLessBraceInsideAnOptionWordOnATerminal(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(ALLOW_LIST, template, tmp, true);
  }

  @ParameterizedTest(name = "deny-list: braces inside tar's or sort's option word: {0}")
  @ValueSource(strings = {
      "ARCHIVE tar -xf a.tar --{to-command=touch\\ WITNESS,verbose}",
      "FILTER seq 1 200000 > n; sort -S 100k -T . -{-compress-program=./a,-batch-size=2} n > /dev/null"})
  void denyListBraceInsideAnOptionWord(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(DEFAULT, template.replace("ARCHIVE ", ARCHIVE).replace("FILTER ", FILTER), tmp, false);
  }

  @ParameterizedTest(name = "deny-list, on a terminal: braces inside man's option word: {0}")
  @ValueSource(strings = {"man --pag{er,}='touch WITNESS' ls"})
  void denyListManBraceInsideAnOptionWord(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(DEFAULT, template, tmp, true);
  }
}
