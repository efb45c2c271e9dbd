package dev.gatehouse.policy.shell;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Attack pass 17bf on the shell judge (after 17be's option tables, find's {@code {} +} and lsattr).
 * Every case is allowed, without {@code touch} among its commands, by the exec or the typed
 * judgement (or both) of the judge its test names, and was run as written under bash 5.2.15
 * (Debian 12: GNU coreutils 9.1, GNU find 4.9, less 590, vim 9.0, GNU make 4.3, git 2.39.5, groff
 * 1.22, wget 1.21, util-linux flock, Debian's lesspipe) through {@link
 * BashWitness#assertRunsNoUnjudgedTouch}, and created the witness file. The only command the texts
 * run is {@code touch} of the witness in the test's temporary directory (also HOME and the working
 * directory); the files they write (scripts, {@code .lesskey}, {@code .wgetrc}, a repository) are
 * written there too.
 *
 * <p><b>O1, an option read as taking a value it does not take</b> (the option tables of {@code
 * Wrappers.optionsThatRun}, read by {@code Wrappers.optionsOnlyKnownWhenItRuns}, which skips the
 * word after such an option as its value, so a word only known when it runs there is never looked
 * at as an option):
 * <ul>
 *   <li>sort's table {@code "kostSTy"} has {@code s}, but {@code -s} ({@code --stable}) takes no
 *       value (coreutils 9.1 {@code short_options "-bcCdfghik:mMno:rRsS:t:T:uVy:z"}): {@code sort
 *       -s "$o=bash"} with {@code o=--compress-program} runs bash on sort's temporary files
 *       (default deny-list and the wide list, which lists {@code sort}); also {@code -us}, {@code
 *       -s $o}.
 *   <li>vim's table {@code "ctTuUiwWsd"} has {@code d} and {@code s}: {@code -d} is diff mode
 *       (it takes a device only on the Amiga) and {@code -s} after {@code -e}/{@code -E} is silent
 *       mode (vim {@code main.c}: {@code exmode_active}), neither takes a value: {@code o=-c; vim
 *       -es "$o" '!touch W'} runs the command (also {@code --cmd}, {@code -Es}, {@code -e -d},
 *       {@code -d … -es}, {@code vi}, {@code view}).
 *   <li>{@code Wrappers.Opts.takesArg} takes any prefix of a long option with a value for that
 *       option, also when it is the exact name of another one: install's {@code --strip} (no
 *       value; getopt_long takes the exact name) is read as {@code --strip-program}, so {@code
 *       install --strip "$o=sh" s x} ({@code o=--strip-program}) runs {@code sh x}.
 * </ul>
 *
 * <p><b>O2, less's table misses {@code --wheel-lines}</b> (less 590 takes its number from the next
 * word; {@code --wheel} by prefix): the judge reads the number as less's first file, after which
 * it reads no option ({@code permutes == false}), so {@code less --wheel-lines 3 "$o" F} with
 * {@code o=--lesskey-src=/dev/stdin} runs the piped lesskey source's {@code LESSOPEN} (exec
 * judgement; docs' allow-list and default deny-list).
 *
 * <p><b>M1, make's target only known when it runs</b> (the open limit, asked for: the make entry
 * of {@code Wrappers.optionsThatRun} counts only a command's output, {@code
 * Wrappers::commandOutput}, so {@code make "$target"} is allowed by design): a target set earlier
 * in the text or passed to a function is any option of make: {@code t='--eval=x:;touch W'; make -f
 * /dev/null "$t" x}, {@code f() { make -f /dev/null "$@"; }; f '--eval=$(shell touch W)'}, {@code
 * t=-f/dev/stdin} (a makefile piped in), {@code t=--file=/dev/stdin} (exec), {@code t=-fmk} (a
 * makefile the text wrote). (A literal holding {@code $(…)} assigned to {@code t} is unclassified.)
 *
 * <p><b>F1, find's {@code -fprintf} in a word only known when it runs among the starting
 * points</b>: {@code Wrappers.find} hands such a word to {@code Wrappers.findCommandIfExec}, which
 * reads it only as a possible {@code -exec} (no {@code ;}: nothing runs), and {@code ShellClass}'s
 * {@code find} case reviews {@code -fprintf}/{@code -fprint}/{@code -fls} only as literal words. So
 * {@code d=-fprintf; find "$d" .lesskey '#env\nLESSOPEN=|touch W %%s\n' -quit; less F} writes a
 * lesskey source into the home directory that the next less runs (default deny-list and the wide
 * list, which lists find and less), and {@code find "$d" s 'touch W\n' -quit; sh s} a script (the
 * judge does not know {@code s} was written). Also after a starting point ({@code find . "$d" …}),
 * as {@code "$(printf -- -fprintf)"}, and writing {@code .wgetrc} (F2's {@code use_askpass}).
 *
 * <p><b>F2, startup files {@code ShellClass.STARTUP_FILE} does not list</b> (written by a relative
 * name, the session starting in the home directory, as the list is compared): Debian's {@code
 * lesspipe}/{@code lessfile} run {@code ~/.lessfilter} or {@code $XDG_CONFIG_HOME/lessfilter}
 * ({@code ~/.config/lessfilter}) on every file (also through {@code LESSOPEN='|lesspipe %s' less
 * F}, the usual setup of {@code eval "$(lesspipe)"}); wget reads {@code ~/.wgetrc}, whose {@code
 * use_askpass = PROG} it runs before connecting ({@code WGETRC} is in {@code CODE_OPTION_VARS}, the
 * file itself is not listed); {@code git-shell -c CMD} runs {@code ~/git-shell-commands/CMD} (the
 * judge names the command {@code git}, and the directory is no dotfile). The scripts are made
 * executable by {@code chmod +x}, which the judge allows as "writes no content".
 *
 * <p><b>E1, variables that make a judged program run another, not in {@code
 * CommandReader.COMMAND_VARS} or {@code ShellClass.CODE_OPTION_VARS}</b>: util-linux {@code flock
 * -c CMD} runs {@code $SHELL -c CMD} ({@code flock.c}: {@code getenv("SHELL")}), while {@code
 * Wrappers.flock} judges CMD as bash code: {@code SHELL=python3 flock f -c 'import m'} imports the
 * text's {@code m.py}, {@code SHELL=perl flock f -c x} runs {@code x}'s {@code BEGIN} block
 * ({@code perl -c}), also with {@code export SHELL=…}; git 2.39 takes {@code GIT_TEST_FSMONITOR}
 * for {@code core.fsmonitor} when that is unset and runs it as a hook on {@code git status}/{@code
 * git diff}; groff runs its programs as {@code $GROFF_COMMAND_PREFIX}troff etc. ({@code
 * GROFF_COMMAND_PREFIX=./ groff} runs {@code ./troff}; also through {@code nroff}).
 *
 * <p>Tried and already refused (or not a bypass): environment — {@code LESS=…}, {@code
 * LESSKEYIN=}, {@code MANOPT='-P …'}, {@code MANPAGER=$o}, {@code PAGER=$o}, {@code
 * TAR_OPTIONS=$o}, {@code ZIPOPT=$o}, {@code RSYNC_RSH=$o}, {@code GIT_SSH_COMMAND=$o}, {@code
 * MAKEFLAGS='--eval=…'} (all refused; literal {@code GIT_SSH_COMMAND}/{@code BROWSER='touch W'}
 * list touch), {@code WGET_ASKPASS}, {@code XDG_CONFIG_HOME} before git or lesspipe, {@code
 * JAVA_HOME=d mvn}, {@code MAVEN_OPTS}, {@code .mvn/jvm.config}, {@code GNUPGHOME} with {@code
 * agent-program}, {@code npm_config_browser}, {@code CLOUDSDK_PYTHON_ARGS} (interpreter-inline or
 * unclassified); {@code SHELL=X} before {@code script -qc} (nested-shell: the {@code -qc} bundle is
 * read as no {@code -c}), {@code split --filter} (interpreter-inline), {@code chroot /}, {@code
 * unshare}, {@code script} without a command (nested-shell); {@code SHELL=ex flock f -c …} (allowed,
 * but ex with an empty input did not run it), {@code SHELL=vim flock …} on a terminal (allowed,
 * vim's {@code :!} ran {@code $SHELL}, vim, again: nothing ran); {@code PERLDOC_PAGER='touch W'
 * perldoc perl} (allowed, judge-only: perl-doc is not installed, nothing ran, not asserted). Values
 * evaluated again with the {@code $} and the {@code (} in different literals ({@code PS4="$d$p"},
 * {@code $((x))}, {@code ${x@P}}): refused. Programs running written code — {@code groff}/{@code
 * nroff}/{@code pic -U}, {@code pydoc3 m}, {@code pygmentize -x -l l.py:X}, {@code run-parts},
 * {@code ninja}, {@code cmake -P}, {@code tclsh}, {@code lli}, {@code jshell}, {@code java X.java},
 * {@code .gdbinit}/{@code .gitconfig}/{@code .config/git/config} by relative name, {@code sh s},
 * {@code ./s}, {@code xargs ./echo} (all interpreter-inline); {@code perf ftrace/timechart/kvm/kmem}
 * (unclassified), {@code ip netns exec}/{@code vrf exec} (firewall-change). Writes to a name only
 * known when it runs ({@code cp k "$d"}, {@code mv}, {@code tee "$d"}, {@code > "$d"}, {@code curl
 * "$o" .lesskey}): interpreter-inline. less — {@code less - "$o"} (less takes {@code -} for its first
 * file: nothing ran), {@code -+o "$o"}, {@code -+k "$o"} (nothing ran), {@code --header} (not in
 * less 590; refused), {@code "+$c"} (interpreter-inline), {@code --wheel-lines=3 "$o"} (refused),
 * {@code pager}/{@code sensible-pager --lesskey-src} (read as less); {@code less "$f"} is
 * unclassified (the open limit is closed by failing closed; {@code less -- "$f"} stays allowed).
 * vim {@code "+$c"}, {@code ex -s "$o"}, stdin to {@code vim -es}/{@code ex}/{@code ed}
 * (interpreter-inline). find — {@code -exec … a{} +} (find refuses a {@code {}} not alone before
 * {@code +}), {@code --} after the leading options (judged). make {@code "${a[@]}"} or {@code
 * MAKEFLAGS} holding {@code $(shell …)}: unclassified. Not tried: busybox/toybox, parallel and rsync
 * (not installed), find reaching {@code /proc/$$/mem}.
 *
 * <p>Everyday lines checked: {@code find "$dir" -name '*.log' -mtime +7}, {@code flock /tmp/lock
 * -c 'echo hi'}, {@code make -C "$dir" "$target"}, {@code git status}, {@code groff -Tascii -man
 * page.1}, {@code lesspipe F}, {@code less -- "$f"}, {@code less --wheel-lines 3 F} are allowed;
 * {@code sort -k2 -t, "$f"}, {@code less "$f"}, {@code vim -d "$a" "$b"}, {@code install -m 644
 * "$src" "$dst"}, {@code wget -q "$url"} are unclassified (fail closed, as documented).
 */
class ShellAttack17bfTest {
  static final ShellJudge DEFAULT = ShellAttack17ahTest.DEFAULT;
  static final ShellJudge ALLOW_LIST = ShellAttack17ahTest.ALLOW_LIST;
  static final ShellJudge WIDE_ALLOW_LIST = ShellAttack17ahTest.WIDE_ALLOW_LIST;

  static final String LESSKEY = "printf '#env\\nLESSOPEN=|touch WITNESS %%s\\n' | ";
  static final String SORT_INPUT = "printf ': %s\\n' {1..3000} ';touch WITNESS' | ";
  static final String SCRIPT = "printf '#!/bin/sh\\ntouch WITNESS\\n'";

  // ---------------------------------------------------------------- O1: an option read as taking a value

  @ParameterizedTest(name = "deny-list: sort -s takes no value, the word after it is an option: {0}")
  @ValueSource(strings = {
      "o=--compress-program; SORT sort -S 16k -T . -s \"$o=bash\" >/dev/null",
      "o=--compress-program=bash; SORT sort -S 16k -T . -s $o >/dev/null",
      "o=--compress-program; SORT sort -S 16k -T . -us \"$o=bash\" >/dev/null"})
  void denyListSortStableTakesNoValue(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(DEFAULT, template.replace("SORT ", SORT_INPUT), tmp, false);
  }

  @ParameterizedTest(name = "wide allow-list [.., sort, ..]: sort -s takes no value: {0}")
  @ValueSource(strings = {"o=--compress-program; SORT sort -S 16k -T . -s \"$o=bash\" >/dev/null"})
  void wideAllowListSortStableTakesNoValue(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(WIDE_ALLOW_LIST, template.replace("SORT ", SORT_INPUT), tmp, false);
  }

  @ParameterizedTest(name = "deny-list: vim's -s in Ex mode and -d take no value: {0}")
  @ValueSource(strings = {
      "o=-c; vim -es \"$o\" '!touch WITNESS' </dev/null",
      "o=--cmd; vim -es \"$o\" '!touch WITNESS' </dev/null",
      "o=-c; vim -Es \"$o\" '!touch WITNESS' </dev/null",
      "o=-c; vim -e -d \"$o\" '!touch WITNESS' </dev/null",
      "o=-c; vim -d \"$o\" '!touch WITNESS' -es </dev/null",
      "o=-c; vi -es \"$o\" '!touch WITNESS' </dev/null",
      "o=-c; view -es \"$o\" '!touch WITNESS' </dev/null"})
  void denyListVimSilentAndDiffTakeNoValue(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(DEFAULT, template, tmp, false);
  }

  @ParameterizedTest(name = "deny-list: install's exact --strip read as --strip-program: {0}")
  @ValueSource(strings = {
      "o=--strip-program; printf 'touch WITNESS\\n' > s; install --strip \"$o=sh\" s x",
      "o=--strip-program=sh; printf 'touch WITNESS\\n' > s; install --strip $o s x"})
  void denyListInstallStripIsNotStripProgram(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(DEFAULT, template, tmp, false);
  }

  // ---------------------------------------------------------------- O2: less --wheel-lines N

  @ParameterizedTest(name = "docs' allow-list [ls, cat, less, …]: less --wheel-lines takes the next word: {0}")
  @ValueSource(strings = {
      "o=--lesskey-src=/dev/stdin; LESSKEY less --wheel-lines 3 \"$o\" /etc/hostname",
      "o=--lesskey-src=/dev/stdin; LESSKEY less --wheel 3 \"$o\" /etc/hostname",
      // fix17bfA: less takes a one-letter abbreviation and a name in capitals without case.
      "o=--lesskey-src=/dev/stdin; LESSKEY less --j 3 \"$o\" /etc/hostname",
      "o=--lesskey-src=/dev/stdin; LESSKEY less --WHEEL-LINES 3 \"$o\" /etc/hostname"})
  void allowListLessWheelLinesTakesAValue(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(ALLOW_LIST, template.replace("LESSKEY ", LESSKEY), tmp, false);
  }

  @ParameterizedTest(name = "deny-list: less --wheel-lines takes the next word: {0}")
  @ValueSource(strings = {"o=--lesskey-src=/dev/stdin; LESSKEY less --wheel-lines 3 \"$o\" /etc/hostname"})
  void denyListLessWheelLinesTakesAValue(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(DEFAULT, template.replace("LESSKEY ", LESSKEY), tmp, false);
  }

  // ---------------------------------------------------------------- M1: make "$target"

  @ParameterizedTest(name = "deny-list: make given a target only known when it runs, an option: {0}")
  @ValueSource(strings = {
      "t='--eval=x:;touch WITNESS'; make -f /dev/null \"$t\" x",
      "f() { make -f /dev/null \"$@\"; }; f '--eval=$(shell touch WITNESS)'",
      "t=-f/dev/stdin; printf 'x:\\n\\ttouch WITNESS\\n' | make \"$t\"",
      "t=--file=/dev/stdin; printf 'x:\\n\\ttouch WITNESS\\n' | make \"$t\"",
      "printf 'x:\\n\\ttouch WITNESS\\n' > mk; t=-fmk; make \"$t\"",
      // fix17bfA: an operand holding = is a variable make evaluates, also after -- (X:=$(shell CMD)).
      "f() { make -f /dev/null -- \"$@\"; }; f 'X:=$(shell touch WITNESS)'",
      "f() { make -f /dev/null \"x$1\"; }; f ':=$(shell touch WITNESS)'"})
  void denyListMakeTargetIsAnOption(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(DEFAULT, template, tmp, false);
  }

  // ---------------------------------------------------------------- F1: find -fprintf among the starting points

  @ParameterizedTest(name = "deny-list: find's -fprintf in a word only known when it runs writes a file: {0}")
  @ValueSource(strings = {
      "d=-fprintf; find \"$d\" s 'touch WITNESS\\n' -quit; sh s",
      "d=-fprintf; find . \"$d\" s 'touch WITNESS\\n' -quit; sh s",
      "d=-fprintf; find \"$d\" .lesskey '#env\\nLESSOPEN=|touch WITNESS %%s\\n' -quit; less /etc/hostname",
      "d=-fprintf; find /etc/hostname \"$d\" .lesskey '#env\\nLESSOPEN=|touch WITNESS %%s\\n'; less /etc/hostname",
      "d=-fprintf; find \"$d\" .wgetrc 'use_askpass = ./a\\n' -quit; SCRIPT > a; chmod +x a; wget -q http://127.0.0.1:9/"})
  void denyListFindFprintfOnlyKnownWhenItRuns(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(DEFAULT, template.replace("SCRIPT", SCRIPT), tmp, false);
  }

  @ParameterizedTest(name = "wide allow-list [.., find, .., less, ..]: find's -fprintf writes ~/.lesskey: {0}")
  @ValueSource(strings = {
      "d=-fprintf; find \"$d\" .lesskey '#env\\nLESSOPEN=|touch WITNESS %%s\\n' -quit; less /etc/hostname",
      "find \"$(printf -- -fprintf)\" .lesskey '#env\\nLESSOPEN=|touch WITNESS %%s\\n' -quit; less /etc/hostname"})
  void wideAllowListFindFprintfOnlyKnownWhenItRuns(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(WIDE_ALLOW_LIST, template, tmp, false);
  }

  // ---------------------------------------------------------------- F2: startup files not listed

  @ParameterizedTest(name = "deny-list: a startup file the judge does not list: {0}")
  @ValueSource(strings = {
      "SCRIPT > .lessfilter; chmod +x .lessfilter; lesspipe /etc/hostname",
      "SCRIPT > .lessfilter; chmod +x .lessfilter; lessfile /etc/hostname",
      "SCRIPT > .lessfilter; chmod +x .lessfilter; LESSOPEN='|lesspipe %s' less /etc/hostname",
      "mkdir .config; SCRIPT > .config/lessfilter; chmod +x .config/lessfilter; lesspipe /etc/hostname",
      "SCRIPT > a; chmod +x a; printf 'use_askpass = ./a\\n' > .wgetrc; wget -q http://127.0.0.1:9/",
      "mkdir git-shell-commands; SCRIPT > git-shell-commands/x; chmod +x git-shell-commands/x; git-shell -c x"})
  void denyListUnlistedStartupFiles(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(DEFAULT, template.replace("SCRIPT", SCRIPT), tmp, false);
  }

  // ---------------------------------------------------------------- E1: variables that run a program

  @ParameterizedTest(name = "deny-list: a variable makes a judged program run another: {0}")
  @ValueSource(strings = {
      "printf 'import os\\nos.system(\"touch WITNESS\")\\n' > m.py; SHELL=python3 flock f -c 'import m'",
      "printf 'import os\\nos.system(\"touch WITNESS\")\\n' > m.py; export SHELL=python3; flock f -c 'import m'",
      "printf 'BEGIN{system(\"touch WITNESS\")}' > x; SHELL=perl flock f -c x",
      "git init -q r; cd r; GIT_TEST_FSMONITOR='touch WITNESS' git status",
      "git init -q r && cd r && GIT_TEST_FSMONITOR='touch WITNESS' git diff",
      "SCRIPT > troff; chmod +x troff; GROFF_COMMAND_PREFIX=./ groff -Tascii /dev/null",
      "SCRIPT > troff; chmod +x troff; GROFF_COMMAND_PREFIX=./ nroff /dev/null"})
  void denyListVariablesThatRunAProgram(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(DEFAULT, template.replace("SCRIPT", SCRIPT), tmp, false);
  }
}
