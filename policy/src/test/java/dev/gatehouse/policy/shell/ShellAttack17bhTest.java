package dev.gatehouse.policy.shell;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Attack pass 17bh on the shell judge (after 17bf's option tables, make operands, find's write
 * primaries by variable and startup files). Every case is allowed, without {@code touch} among its
 * commands, by the exec and the typed judgement of the judge its test names, and was run as
 * written under bash 5.2.15 (Debian 12: GNU find 4.9, GNU tar 1.34, wget 1.21, node 20, perl 5.36,
 * less 590) through {@link BashWitness#assertRunsNoUnjudgedTouch}, and created the witness file.
 * The only command the texts run is {@code touch} of the witness in the test's temporary directory
 * (also HOME and the working directory); the files they write (scripts, {@code .lesskey}, a wget
 * configuration, a node or perl module, an archive) are written there too.
 *
 * <p><b>F1, find's expression held by one word only known when it runs that splits into several</b>
 * (default deny-list; the wide list, which lists find, for the cases without a wrapper or pipe).
 * {@code Wrappers.find} hands a word only known when it runs among the starting points (first, or
 * after literal starting points, also after {@code -H}) to {@code Wrappers.findCommandIfExec},
 * which reads it as at most the {@code -exec} itself: the command would be the literal words after
 * it, and with none (or a primary such as {@code -quit} next) nothing runs. But an unquoted {@code
 * $v}, {@code "${a[@]}"}, {@code "$@"} or {@code $*} becomes several words, the whole {@code -exec
 * CMD ;} among them: {@code v='-exec touch W ;'; find $v} runs touch (also {@code -execdir}, {@code
 * -ok} with a {@code y} piped in, {@code {} +}, a starting point inside the value, behind {@code
 * timeout}, in a function's {@code "$@"}). The same for the write primaries, which {@code
 * Wrappers.findMayWrite} looks for only in the next word: {@code v='-fprintf .lesskey FORMAT'; find
 * $v -quit; less F} writes a lesskey source the next less runs, {@code v='-fprintf s FORMAT'; find
 * $v -quit; sh s} a script (find's {@code \040} gives the blank the split takes away). Judge-only,
 * not run for obvious reasons: {@code v='-exec rm -rf / ;'; find $v -quit} is <em>allowed</em>
 * under the default policy, which blocks {@code recursive-delete-root}, and {@code v=-delete; find
 * $v} is allowed (not run: it deletes, it creates no witness).
 *
 * <p><b>T1, tar's exact {@code --sparse} and {@code --xattrs} read as prefixes of {@code
 * --sparse-version} and {@code --xattrs-exclude}/{@code --xattrs-include}</b> (default deny-list).
 * tar's {@code OptionGrammar} in {@code Wrappers.optionsThatRun} has no {@code longNoArg}, so
 * {@code OptionGrammar.longTakesArg} asks {@code Wrappers.Opts.takesArg}, which takes any prefix of
 * a long option with a value (and an ambiguous one) for that option; getopt_long takes the exact
 * name first, and both take no value (tar 1.34 {@code --help}). The word after them, only known
 * when it runs, is skipped as the value by {@code Wrappers.optionsOnlyKnownWhenItRuns}, and tar
 * reads it as an option: {@code o=--to-command='touch W'; tar --sparse "$o" -xf a.tar} (also
 * {@code -x --xattrs "$o"}, {@code o=--use-compress-program=./a}). The same table reading as 17bf's
 * install {@code --strip}, in another table.
 *
 * <p><b>W1, wget's table lists {@code --save-headers}, which takes no value</b> (default
 * deny-list): {@code Wrappers.optionsThatRun}'s wget entry has it among {@code longWithArg} (wget
 * 1.21: a boolean, {@code --save-headers} in {@code --help} without {@code =}), so {@code wget
 * --save-headers "$o" URL} skips {@code "$o"}; with {@code o=--use-askpass=./a} or {@code
 * o=-euse_askpass=./a} wget runs the script before connecting (to a closed loopback port).
 *
 * <p><b>W2, wget's {@code --config FILE} of a file the text writes</b> (default deny-list): {@code
 * ShellClass}'s {@code case "wget"} (interpreter-inline) looks for {@code use-askpass} in options
 * and {@code -e} strings, and the startup-file checks list {@code .wgetrc} and the variable
 * {@code WGETRC}, but not the option that names the same file: {@code printf 'use_askpass = ./a\n'
 * > c; wget --config=c URL} (also {@code --config c}, {@code --conf=c}) runs {@code ./a}.
 *
 * <p><b>N1, an interpreter's preloaded module that the text writes</b> (default deny-list): {@code
 * Interpreters.source} reads node's {@code -r}/{@code --require}/{@code --import} ({@code
 * NODE_PRELOADS}) as code only for a value given inline or by descriptor ({@code preloadsInline}:
 * {@code data:}, {@code /dev/stdin}), and perl's {@code -M} only for more than a module and import
 * list ({@code perlBundle}); the script itself ({@code node x.js}, {@code python3 -m m}) of a
 * written file is refused, the preloaded one is not: {@code printf … > x.js; node -r ./x.js
 * /dev/null} (also {@code --require}, {@code --require=}, {@code -r ./x}, {@code --import
 * ./x.mjs}), {@code printf … > m.pm; perl -I. -Mm /dev/null}.
 *
 * <p>Tried and already refused (or not a bypass): find — {@code find . -maxdepth 0 $v} and any
 * split word after a primary (unclassified), {@code find "$d" …} (17bf, now reviewed). tar — {@code
 * --checkpoint "$o"} (allowed, but with the default 10-record checkpoint and a small archive no
 * checkpoint came: nothing ran; not asserted), {@code --sparse "$o" --checkpoint=1} (unclassified).
 * vim — {@code --CMD}/{@code --Cmd=} (vim 9.0 compares {@code --cmd} with case: nothing ran), {@code
 * -S}/{@code -u} of a written file (interpreter-inline). wget — {@code --use-ask=}, {@code
 * --exec=}, {@code -qe}, {@code -e useaskpass=}/{@code use-askpass=}/{@code USE_ASKPASS=}, {@code
 * WGETRC=c} (interpreter-inline). ssh/scp — {@code -o proxycommand=} in lower case, {@code -o
 * 'ProxyCommand CMD'}, scp {@code -s "$o"} (no-ssh-hop blocks them). git — {@code
 * GIT_CONFIG_GLOBAL}/{@code GIT_CONFIG_SYSTEM}/{@code GIT_CONFIG_COUNT}/{@code
 * GIT_CONFIG_PARAMETERS}, {@code -c include.path=}, {@code includeIf.*.path}, {@code git config
 * include.path}, {@code --exec-path=.} (interpreter-inline). Written files run by another name —
 * {@code ln}/{@code ln -s}/{@code link} to {@code .lesskey}, {@code sort -o .lesskey}, {@code split
 * … .exr} (to make {@code .exrc}), a {@code .curlrc} whose {@code output} is {@code .lesskey}
 * (interpreter-inline); {@code sqlite3 -init}, {@code make -f}, {@code awk -f}, {@code sed -f} of a
 * written file (interpreter-inline). Variables — {@code PATH=.:$PATH} before a written {@code ls}
 * (interpreter-inline; without a written program allowed, and nothing ran), {@code
 * PYTHONPATH=.}, {@code PERL5OPT}/{@code PERL5LIB}, {@code NODE_OPTIONS='-r ./x.js'}
 * (interpreter-inline), {@code BASH_ENV}/{@code ENV} (guard-tamper), {@code SHELL=python3} before
 * {@code script -qc}/{@code watch} (interpreter-inline), {@code nohup "$o"} (unclassified); make
 * {@code "X=$v"} with {@code v} holding {@code $(shell …)} (unclassified), {@code "CC=$v"}
 * (interpreter-inline). Not tried: rsync (not installed), ssh's {@code -I}/{@code PKCS11Provider}
 * (needs a compiled library), psql's {@code .psqlrc} (no server here; listed anyway).
 *
 * <p>Everyday lines checked: {@code find . -name '*.log' -mtime +7}, {@code node app.js}, {@code
 * wget -q URL}, {@code tar -czf a.tgz --sparse DIR} are allowed.
 */
class ShellAttack17bhTest {
  static final ShellJudge DEFAULT = ShellAttack17ahTest.DEFAULT;
  static final ShellJudge WIDE_ALLOW_LIST = ShellAttack17ahTest.WIDE_ALLOW_LIST;

  static final String SCRIPT = "printf '#!/bin/sh\\ntouch WITNESS\\n' > a; chmod +x a; ";
  /** A compressor for tar: touches the witness, then copies its input. */
  static final String FILTER = "printf '#!/bin/sh\\ntouch WITNESS\\ncat\\n' > a; chmod +x a; ";

  // ---------------------------------------------------------------- F1: find's expression in a word that splits

  @ParameterizedTest(name = "deny-list: find's -exec and its command in one word that splits: {0}")
  @ValueSource(strings = {
      "v='-exec touch WITNESS ;'; find $v",
      "v='-exec touch WITNESS ;'; find $v -quit",
      "v='-exec touch WITNESS ;'; find . $v",
      "v='-exec touch WITNESS ;'; find /etc/hostname $v",
      "v='-exec touch WITNESS ;'; find -H $v -quit",
      "v='-execdir touch WITNESS ;'; find $v -quit",
      "v='-ok touch WITNESS ;'; yes | find $v -quit",
      "v='-exec touch WITNESS {} +'; find $v -quit",
      "v='. -maxdepth 0 -exec touch WITNESS ;'; find $v",
      "v='-exec touch WITNESS ;'; timeout 5 find $v -quit",
      "a=(-exec touch WITNESS ';'); find \"${a[@]}\"",
      "set -- -exec touch WITNESS \\;; find \"$@\"",
      "set -- -exec touch WITNESS \\;; find $*",
      "f() { find \"$@\"; }; f -exec touch WITNESS \\;"})
  void denyListFindExecInASplitWord(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(DEFAULT, template, tmp, false);
  }

  @ParameterizedTest(name = "wide allow-list [.., find, ..]: find's -exec and its command in one word that splits: {0}")
  @ValueSource(strings = {
      "v='-exec touch WITNESS ;'; find $v",
      "v='-exec touch WITNESS ;'; find . $v",
      "v='-execdir touch WITNESS ;'; find $v -quit",
      "v='-exec touch WITNESS {} +'; find $v -quit",
      "a=(-exec touch WITNESS ';'); find \"${a[@]}\"",
      "set -- -exec touch WITNESS \\;; find \"$@\"",
      "set -- -exec touch WITNESS \\;; find $*"})
  void wideAllowListFindExecInASplitWord(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(WIDE_ALLOW_LIST, template, tmp, false);
  }

  @ParameterizedTest(name = "deny-list: find's -fprintf and its file in one word that splits: {0}")
  @ValueSource(strings = {
      "v='-fprintf .lesskey #env\\nLESSOPEN=|touch\\040WITNESS\\040%%s\\n'; find $v -quit; less /etc/hostname",
      "v='-fprintf .lesskey #env\\nLESSOPEN=|touch\\040WITNESS\\040%%s\\n'; find $v; less /etc/hostname",
      "v='-fprintf s touch\\040WITNESS\\n'; find $v -quit; sh s"})
  void denyListFindFprintfInASplitWord(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(DEFAULT, template, tmp, false);
  }

  @ParameterizedTest(name = "wide allow-list [.., find, .., less, ..]: find's -fprintf writes ~/.lesskey from a split word: {0}")
  @ValueSource(strings = {
      "v='-fprintf .lesskey #env\\nLESSOPEN=|touch\\040WITNESS\\040%%s\\n'; find $v -quit; less /etc/hostname"})
  void wideAllowListFindFprintfInASplitWord(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(WIDE_ALLOW_LIST, template, tmp, false);
  }

  // ---------------------------------------------------------------- T1: tar --sparse / --xattrs take no value

  @ParameterizedTest(name = "deny-list: tar's exact --sparse/--xattrs take no value: {0}")
  @ValueSource(strings = {
      "tar -cf a.tar /etc/hostname; o=--to-command='touch WITNESS'; tar --sparse \"$o\" -xf a.tar",
      "tar -cf a.tar /etc/hostname; o=--to-command='touch WITNESS'; tar -x --xattrs \"$o\" -f a.tar",
      "FILTER o=--use-compress-program=./a; tar -c --sparse \"$o\" -f a.tar /etc/hostname",
      "FILTER o=--use-compress-program=./a; tar -c --xattrs \"$o\" -f a.tar /etc/hostname",
      // Fixer's variants: --checkpoint (its value only attached) and --list begin --checkpoint-action, --listed-incremental.
      "tar -cf a.tar /etc/hostname; o=--to-command='touch WITNESS'; tar --checkpoint \"$o\" -xf a.tar",
      "FILTER tar -cf a.tar /etc/hostname; o=--use-compress-program=./a; tar --list \"$o\" -f a.tar"})
  void denyListTarSparseXattrsTakeNoValue(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(DEFAULT, template.replace("FILTER ", FILTER), tmp, false);
  }

  // ---------------------------------------------------------------- W1: wget --save-headers takes no value

  @ParameterizedTest(name = "deny-list: wget's --save-headers takes no value: {0}")
  @ValueSource(strings = {
      "SCRIPT o=--use-askpass=./a; wget --save-headers \"$o\" -q http://127.0.0.1:9/",
      "SCRIPT o=-euse_askpass=./a; wget --save-headers \"$o\" -q http://127.0.0.1:9/",
      // Fixer's variants: --backups takes its N only attached; --proxy and --hsts begin --proxy-user, --hsts-file.
      "SCRIPT o=--use-askpass=./a; wget --backups \"$o\" -q http://127.0.0.1:9/",
      "SCRIPT o=--use-askpass=./a; wget --proxy \"$o\" -q http://127.0.0.1:9/",
      "SCRIPT o=--use-askpass=./a; wget --hsts \"$o\" -q http://127.0.0.1:9/"})
  void denyListWgetSaveHeadersTakesNoValue(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(DEFAULT, template.replace("SCRIPT ", SCRIPT), tmp, false);
  }

  // ---------------------------------------------------------------- W2: wget --config of a written file

  @ParameterizedTest(name = "deny-list: wget --config of a file the text writes: {0}")
  @ValueSource(strings = {
      "SCRIPT printf 'use_askpass = ./a\\n' > c; wget --config=c -q http://127.0.0.1:9/",
      "SCRIPT printf 'use_askpass = ./a\\n' > c; wget --config c -q http://127.0.0.1:9/",
      "SCRIPT printf 'use_askpass = ./a\\n' > c; wget --conf=c -q http://127.0.0.1:9/",
      "SCRIPT printf 'use_askpass = ./a\\n' > c; wget -q --config=c http://127.0.0.1:9/",
      "SCRIPT printf 'use_askpass = ./a\\n' > c; wget --confi c -q http://127.0.0.1:9/"})
  void denyListWgetConfigOfAWrittenFile(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(DEFAULT, template.replace("SCRIPT ", SCRIPT), tmp, false);
  }

  // ---------------------------------------------------------------- N1: a preloaded module the text writes

  @ParameterizedTest(name = "deny-list: an interpreter preloads a module the text writes: {0}")
  @ValueSource(strings = {
      "printf 'require(\"child_process\").execSync(\"touch WITNESS\")\\n' > x.js; node -r ./x.js /dev/null",
      "printf 'require(\"child_process\").execSync(\"touch WITNESS\")\\n' > x.js; node --require ./x.js /dev/null",
      "printf 'require(\"child_process\").execSync(\"touch WITNESS\")\\n' > x.js; node --require=./x.js /dev/null",
      "printf 'require(\"child_process\").execSync(\"touch WITNESS\")\\n' > x.js; node -r ./x /dev/null",
      "printf 'import {execSync} from \"child_process\"; execSync(\"touch WITNESS\");\\n' > x.mjs; node --import ./x.mjs /dev/null",
      "printf 'package m; system(\"touch WITNESS\"); 1;\\n' > m.pm; perl -I. -Mm /dev/null",
      // Fixer's variants.
      "printf 'package m; system(\"touch WITNESS\"); 1;\\n' > m.pm; perl -I . -Mm /dev/null",
      "printf 'package m; system(\"touch WITNESS\"); 1;\\n' > m.pm; perl -I. -mm /dev/null",
      "mkdir d; printf 'require(\"child_process\").execSync(\"touch WITNESS\")\\n' > d/index.js; node -r ./d /dev/null",
      "printf 'import {execSync} from \"child_process\"; execSync(\"touch WITNESS\");\\n' > x.mjs; node --import=./x.mjs /dev/null",
      "printf 'import {execSync} from \"child_process\"; execSync(\"touch WITNESS\");\\n' > x.mjs; node --experimental-loader ./x.mjs /dev/null"})
  void denyListPreloadOfAWrittenModule(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(DEFAULT, template, tmp, false);
  }
}
