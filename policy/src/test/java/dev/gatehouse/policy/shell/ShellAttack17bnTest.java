package dev.gatehouse.policy.shell;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Attack pass 17bn on the shell judge (after a2368f3's {@code ShellWords.braceWords} / {@code
 * CommandReader.optionWordsExpanded}, 1ce05cb's less-first-operand check and 152763d's {@link
 * BashOnlyExec}). Every case is allowed, without {@code touch} among its commands, by the exec or
 * the typed judgement of the judge its test names, and was run as written under bash 5.2.15
 * (Debian 12: less 590, GNU find/sort/tar, man-db, vim, git) through {@link
 * BashWitness#assertRunsNoUnjudgedTouch}, and created the witness file. The only command the texts
 * run is {@code touch} of the witness (and of a file named {@code {}} or {@code {x}}) in the test's
 * temporary directory (also HOME and the working directory); {@code find} is given only that
 * directory at depth 0, {@code sort} writes its output and temporary files there.
 *
 * <p><b>N1, a brace expansion holding a brace pair with no comma is read as a literal word</b> (all
 * three lists). {@code ShellWords.braceExpansion} decides whether bash brace-expands a word with
 * {@code BRACES = \{[^{}]*(,|\.\.)[^{}]*}}: an unquoted {@code {…,…}} with no brace inside. bash
 * (braces.c {@code brace_expand}) takes the first {@code {} and its matching {@code }}, nesting
 * counted, and expands it when an unquoted comma is anywhere inside; an inner {@code {}} or {@code
 * {x}} is kept as literal text in its alternative. So {@code {touch,W,{x}}} is three words to bash
 * ({@code touch W {x}}) and, to the judge, no expansion at all: {@code ShellWords.word} marks it
 * literal, {@code braceWords} returns it unchanged (so {@code optionWordsExpanded} does not expand
 * it), and every reader takes it as one word: less's first operand (a file, so
 * {@code Wrappers.lessOptionsOnlyKnownWhenItRuns}/{@code mayMakeAnOptionBeforeOperands} never see
 * a word that may make an option), less's option word {@code -{N,-lesskey-src=…,{}}}, a program name
 * after {@code nice}/{@code timeout}/{@code env}/{@code command}/{@code exec}/{@code time}/{@code
 * builtin} (the judgement lists {@code "w,{x}}"}, the basename of the literal), an operand of
 * {@code bash}/{@code sh}/{@code python3} (no {@code -c} seen), find's expression ({@code -exec}
 * unseen), sort's and tar's options, git's {@code -c} value and global options, man's {@code -P},
 * vim/view's {@code +cmd}/{@code -c}, and zless/pager (less's first operand again).
 *
 * <p>Tried and already refused (or not a bypass): braces this pass's brace fix reads correctly —
 * {@code -{N,-lesskey-src=…}{0..0}} and {@code {…}{99999999999999999999..1}} (unclassified), {@code
 * {--lesskey-src=…,/etc/hostname}{,}} (unclassified), {@code ${v-{--lesskey-src=…,x}}} (does not
 * parse: unclassified), {@code less $v} with {@code v=--lesskey-src=…} (unclassified / blocked),
 * {@code sed -n {-e,1etouch…{x}}} and {@code awk {'BEGIN{…}',…}} (interpreter-inline), {@code
 * xargs {…}} (unclassified), {@code sudo {…}} (sudo rule), {@code eval {…}} (does not parse),
 * {@code ssh {-oProxyCommand=…}} (no-ssh-hop), {@code find … -exec {touch,W,{x}} \;} (interpreter-inline),
 * {@code man -P {touch W {x},cat}} (interpreter-inline), a bare {@code {touch,W,{}}} as the command
 * word (does not parse). Allowed but no bypass: {@code less {-N,{}} F} with a lesskey on stdin (no
 * lesskey option made), {@code man --pag{er,{}}=CMD} (getopt_long rejects {@code --pag{}} before
 * the pager runs), {@code more {+\!CMD,F}} (more's {@code +} is a line or a search only), {@code git
 * -c {core.pager=CMD {x},x.y=z} log} (the second word becomes the subcommand: git fails first).
 * Differences of {@code PathPatterns.braces} from bash that exist but gave no bypass: zero-padded
 * sequences ({@code {01..03}} is {@code 01 02 03} in bash, {@code 1 2 3} here), an overflowing
 * sequence (bash keeps it literal; here two made-up words), {@code {a..Z}} making a backslash.
 * {@link BashOnlyExec}: run by hand both ways ({@code bash -c TEXT} and {@code bash -c WRAPPED}):
 * {@code $_}, {@code $?}, aliases after {@code shopt -s expand_aliases} on a later line, a here-document,
 * a leading comment line behave alike; only {@code $LINENO}, {@code BASH_LINENO}, {@code caller} and
 * {@code ${#BASH_EXECUTION_STRING}} differ, as its javadoc says; no judged text turned that into a
 * command (not pursued further in the time box).
 *
 * <p>Everyday lines checked and still allowed: {@code less /etc/hostname}, {@code ls {/etc/hostname,{}}},
 * {@code cat {/etc/hostname,{}}}, {@code ls -l {/etc,{}}}, {@code grep -r x {/etc/hostname,{}}},
 * {@code tail {-n1,{x}} /etc/hostname}.
 */
class ShellAttack17bnTest {
  static final ShellJudge DEFAULT = ShellAttack17ahTest.DEFAULT;
  static final ShellJudge ALLOW_LIST = ShellAttack17ahTest.ALLOW_LIST;
  static final ShellJudge WIDE_ALLOW_LIST = ShellAttack17ahTest.WIDE_ALLOW_LIST;

  static final String LESSKEY = "printf '#env\\nLESSOPEN=|touch WITNESS %%s\\n' | ";
  static final String LINES = "printf 'touch WITNESS\\n%.0s' {1..3000} | ";
  static final String ARCHIVE = "tar -cf a.tar /etc/hostname; ";

  /** A git repository {@code r} with one commit in {@code tmp} (for the pager cases). */
  static void repository(Path tmp) throws Exception {
    for (List<String> argv : List.of(List.of("git", "init", "-q", "r"), List.of("git", "-C", "r", "-c", "user.email=a@b",
        "-c", "user.name=a", "commit", "-q", "--allow-empty", "-m", "x"))) {
      ProcessBuilder pb = new ProcessBuilder(argv).directory(tmp.toFile()).redirectErrorStream(true);
      pb.environment().put("HOME", tmp.toString());
      Process p = pb.start();
      p.getInputStream().readAllBytes();
      p.waitFor();
    }
  }

  // ---------------------------------------------------------------- N1: an inner {} or {x} hides the brace expansion

  @ParameterizedTest(name = "allow-list [ls, cat, less, …]: a brace word holding an empty brace pair makes less's lesskey option: {0}")
  @ValueSource(strings = {
      "LESSKEY less {--lesskey-src=/dev/stdin,/etc/hostname,{}}",
      "LESSKEY less {--lesskey-src,/dev/stdin,/etc/hostname,{}}",
      "LESSKEY less -{N,-lesskey-src=/dev/stdin,{}} /etc/hostname",
      "LESSKEY less {-N,--lesskey-src=/dev/stdin,{}} /etc/hostname"})
  void allowListLessLesskey(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(ALLOW_LIST, template.replace("LESSKEY ", LESSKEY), tmp, false);
  }

  @ParameterizedTest(name = "allow-list [ls, cat, less, …], on a terminal: a brace word holding an empty brace pair makes less's start commands: {0}")
  @ValueSource(strings = {
      "less {-N+\\!touch\\ WITNESS\\ {}\\;,/etc/hostname}",
      "less -{N,N+\\!touch\\ WITNESS\\ {}\\;} /etc/hostname",
      "less -N {-N+\\!touch\\ WITNESS\\ {x}\\;,/etc/hostname}"})
  void allowListLessOnATerminal(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(ALLOW_LIST, template, tmp, true);
  }

  @ParameterizedTest(name = "wide allow-list [.., find, sort, git log, ..]: a brace word holding an empty brace pair: {0}")
  @ValueSource(strings = {
      "find . -maxdepth 0 {-exec,touch,WITNESS,{},\\;}",
      "find {.,-maxdepth,0,-exec,touch,WITNESS,{x},\\;}",
      "LINES sort -S 1k -T . {--compress-program=sh,-o{x}}",
      "LINES sort -S 1k {-T,.,--compress-program=sh,-o,{x}}"})
  void wideAllowList(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(WIDE_ALLOW_LIST, template.replace("LINES ", LINES), tmp, false);
  }

  @ParameterizedTest(name = "wide allow-list [.., git log, ..], on a terminal: git's -c value hidden in a brace word: {0}")
  @ValueSource(strings = {"cd r && git -c {core.pager=touch\\ WITNESS\\ {x},} log -1"})
  void wideAllowListGitOnATerminal(String template, @TempDir Path tmp) throws Exception {
    repository(tmp);
    BashWitness.assertRunsNoUnjudgedTouch(WIDE_ALLOW_LIST, template, tmp, true);
  }

  @ParameterizedTest(name = "deny-list: a brace word holding a brace pair with no comma is one literal word: {0}")
  @ValueSource(strings = {
      "nice {touch,WITNESS,{x}}",
      "timeout 5 {touch,WITNESS,{x}}",
      "env {touch,WITNESS,{x}}",
      "command {touch,WITNESS,{x}}",
      "exec {touch,WITNESS,{x}}",
      "time {touch,WITNESS,{x}}",
      "builtin {eval,touch\\ WITNESS\\ {x}}",
      "bash {-c,touch\\ WITNESS\\ {x}}",
      "sh {-c,touch\\ WITNESS\\ {x}}",
      "python3 {-c,'import os;os.system(\"touch WITNESS\")',{}}",
      "ARCHIVE tar -xf a.tar --{to-command=touch\\ WITNESS\\ {},verbose}"})
  void denyList(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(DEFAULT, template.replace("ARCHIVE ", ARCHIVE), tmp, false);
  }

  @ParameterizedTest(name = "deny-list, on a terminal: a brace word holding an empty brace pair (pagers, editors, man): {0}")
  @ValueSource(strings = {
      "zless {-N+\\!touch\\ WITNESS\\ {}\\;,/etc/hostname}",
      "pager {-N+\\!touch\\ WITNESS\\ {}\\;,/etc/hostname}",
      "man {-P,touch\\ WITNESS\\ {x}} ls",
      "vim {+\\!touch\\ WITNESS\\ {x},/etc/hostname}",
      "view {-c,\\!touch\\ WITNESS\\ {x},/etc/hostname}"})
  void denyListOnATerminal(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(DEFAULT, template, tmp, true);
  }

  @ParameterizedTest(name = "deny-list, on a terminal: git's -c hidden in a brace word: {0}")
  @ValueSource(strings = {"cd r && git {-c,core.pager=touch\\ WITNESS\\ {x}} log -1"})
  void denyListGitOnATerminal(String template, @TempDir Path tmp) throws Exception {
    repository(tmp);
    BashWitness.assertRunsNoUnjudgedTouch(DEFAULT, template, tmp, true);
  }
}
