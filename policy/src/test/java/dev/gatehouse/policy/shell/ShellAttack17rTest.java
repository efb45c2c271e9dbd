package dev.gatehouse.policy.shell;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Attack pass 17r on the shell judge (after the 17q fixes: a nested shell on an exec request is a
 * review as at the prompt, input from a process substitution or another descriptor is {@code
 * Stdin.SUBSTITUTION}, git/tar/vim/sqlite3/gcc/man/make forms). Each test asserts the secure
 * outcome against real bash; the only command the texts run is {@code touch} of a file in a
 * temporary directory. Every case is allowed by the exec (or the typed) judgement without {@code
 * touch} in its commands, and bash runs the touch when the session's input holds it: on an exec
 * request that input is the client's data ({@code ssh web-1@gw 'TEXT' < script}), at the prompt the
 * person's next keystrokes.
 *
 * <p><b>The standard input or the terminal named by another spelling.</b> {@code
 * Interpreters.terminalPath}/{@code descriptorPath} (used by {@code readsTerminalByName} and {@code
 * scriptOrStdin}) match the spelling of {@code /dev/stdin}, {@code /dev/fd/N}, {@code
 * /proc/self/fd/N}, not the file it opens: {@code bash /dev/./stdin}, {@code bash /./dev/stdin},
 * {@code bash /usr/../dev/stdin}, {@code bash /proc/self/root/dev/stdin}, {@code bash
 * /dev/fd/./0}, {@code bash /proc/self/fd/../fd/0}, {@code . /dev/./stdin}, {@code python3
 * /dev/./stdin}, {@code perl /dev/./stdin} are taken for a script on disk (allowed), and run the
 * session's input. {@code Interpreters.regularPath} refuses only a leading {@code /dev/}, so {@code
 * bash < /usr/../dev/stdin} and {@code bash < /proc/self/root/dev/stdin} count as a file. A name
 * relative to a literal {@code cd /dev} ({@code cd /dev && bash stdin}, {@code cd /dev/fd && bash
 * 0}, {@code cd /dev; . stdin}) or found by {@code .} on a {@code PATH} set on the line ({@code
 * PATH=/dev:$PATH; . stdin}) is the same file. An interpreter's script given by a glob ({@code
 * python3 /dev/std?n}, {@code perl /dev/fd/?}) is taken for a script, where {@code bash
 * /dev/std?n} is unclassified.
 *
 * <p><b>The input moved back by {@code 0>&N}.</b> {@code CommandReader} (the redirection feed)
 * follows {@code <}, {@code 0<} and {@code <&N} onto descriptor 0, but not {@code 0>&N} (nor
 * {@code 0>&N-}), which duplicates descriptor N onto 0 all the same: after {@code < FILE} or a
 * here-string the shell's input is taken for the file (or the judged text), while {@code bash 3<&0
 * < /etc/hostname 0>&3} and {@code exec 3<&0; bash <<<'echo hi' 0>&3} read the session's input,
 * and {@code bash < /etc/hostname 0>&2} (or {@code 0>&1}) reads the terminal, which descriptors 1
 * and 2 are at the prompt and on an exec request with a pty ({@code ed}, {@code sh -s} likewise).
 *
 * <p><b>Editors reading their commands from the exec request's input.</b> {@code ed}, {@code ed
 * -s}, {@code ex}, {@code vim -e}/{@code -es}/{@code -Es}, {@code vi -e -s}, {@code view -es},
 * {@code vimdiff -es} read their commands from standard input and run {@code !CMD}; fed from a
 * pipe they are {@code interpreter-inline}, and {@code sqlite3} or {@code gdb} reading the
 * session's input are {@code nested-shell}, but on an exec request (whose input is the client's
 * data, not a person at an editor) these are allowed: {@code ShellClass.nestedShell} has no case
 * for them.
 *
 * <p><b>git's configuration written by a program the writers list does not know.</b> {@code
 * GitFiles.writesGitConfig} knows the redirection, {@code tee}, {@code sponge}, {@code chmod},
 * {@code truncate}, {@code sed -i}, {@code cp}/{@code mv}/{@code install}/{@code ln}/{@code rsync}
 * and {@code dd of=}; a config written to {@code r/.git/config} (or {@code ~/.gitconfig}) by
 * {@code uniq IN OUT}, {@code sort -o}, {@code iconv -o}, {@code xxd -r - OUT},
 * sed's {@code w} command, awk's {@code print >}, or extracted by {@code tar -C r/.git -x} is
 * allowed, and the next {@code git status} runs its {@code core.fsmonitor}.
 *
 * <p><b>make's recipe shell and the rule variables with a dot.</b> {@code make SHELL=/usr/bin/env
 * .SHELLFLAGS='touch W' x} runs every recipe line as {@code $(SHELL) $(.SHELLFLAGS) LINE}: {@code
 * env touch W 'cc x.c -o x'} (also {@code SHELL=/usr/bin/touch .SHELLFLAGS=W}); values of plain
 * characters, so the make rule's {@code $}/{@code ;}/{@code |} check passes them, and {@code
 * ShellClass.makeRuleCode} does not know {@code SHELL} or {@code .SHELLFLAGS}. Of the built-in
 * rules' dotted variables it knows {@code COMPILE.*}, {@code LINK.*}, {@code PREPROCESS.*}, {@code
 * LINT.*} but not {@code YACC.y} or {@code LEX.l}: {@code make 'YACC.y=touch W' x.c} runs {@code
 * touch W x.y} for the {@code %.c: %.y} rule.
 */
class ShellAttack17rTest {
  static final ShellJudge DEFAULT = ShellJudgeTest.DEFAULT;

  /** The prompt's case: run on a terminal ({@code script}), {@code input} typed after it. */
  private static void assertTerminalInputNotRun(String template, String input, Path tmp) throws Exception {
    Path w = tmp.resolve("w");
    String text = template.replace("WITNESS", w.toString());
    ShellJudgement exec = DEFAULT.judge(text);
    ShellJudgement typed = DEFAULT.judgeTyped(text);
    if (!BashWitness.allowedWithoutTouch(exec) && !BashWitness.allowedWithoutTouch(typed)) {
      return;
    }
    String out = BashWitness.run(tmp, List.of("script", "-qec", text, "/dev/null"), input.replace("WITNESS", w.toString()));
    assertThat(Files.exists(w)).as("the guard allowed %s (exec: %s %s, typed: %s %s); bash ran the touch typed after it: %s",
        text, exec.verdict().label(), exec.commands(), typed.verdict().label(), typed.commands(), out).isFalse();
  }

  /** A shell or interpreter given its standard input by another name than /dev/stdin, /dev/fd/0. */
  @ParameterizedTest(name = "stdin by another name: {0}")
  @ValueSource(strings = {
      "bash /dev/./stdin",
      "bash /dev//./stdin",
      "bash /./dev/stdin",
      "bash -- /dev/./stdin",
      "bash /usr/../dev/stdin",
      "bash /proc/self/root/dev/stdin",
      "bash /dev/fd/./0",
      "bash /proc/self/fd/../fd/0",
      "sh /dev/./stdin",
      "dash /dev/./stdin",
      ". /dev/./stdin",
      "source /usr/../dev/stdin",
      "source /proc/self/root/dev/stdin",
      "bash < /usr/../dev/stdin",
      "bash < /proc/self/root/dev/stdin",
      "cd /dev && bash stdin",
      "cd /dev && bash ./stdin",
      "cd /dev/fd && bash 0",
      "cd /proc/self/fd && bash 0",
      "cd /dev; . stdin",
      "PATH=/dev:$PATH; . stdin",
      "bash ../../../../../../../../../../dev/stdin",
      "bash /proc/self/cwd/../../../../../../../../../../dev/stdin",
      "exec 3</dev; bash /dev/fd/3/stdin",
      "exec 3</dev; bash /dev/fd/3/./stdin"})
  void aShellReadingTheSessionsInputByAnotherNameIsANestedShell(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertExecInputNotRun(DEFAULT, template, "touch WITNESS\n", tmp);
  }

  /** Interpreters given their standard input as the script by another name or a glob. */
  @ParameterizedTest(name = "interpreter, stdin by another name: {0}")
  @ValueSource(strings = {
      "python3 /dev/./stdin",
      "python3 /usr/../dev/stdin",
      "python3 /dev/std?n",
      "python3 /d?v/stdin",
      "python3 /dev/fd/[0]",
      "f=/dev/stdin; python3 \"$f\"",
      "python3 /proc/self/task/*/fd/0",
      "python3 /dev/{stdin,null}"})
  void pythonReadingTheSessionsInputByAnotherNameIsANestedShell(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertExecInputNotRun(DEFAULT, template, "import os; os.system('touch WITNESS')\n", tmp);
  }

  @ParameterizedTest(name = "perl, stdin by another name: {0}")
  @ValueSource(strings = {
      "perl /dev/./stdin",
      "perl /proc/self/root/dev/stdin",
      "perl /dev/std?n",
      "perl /dev/fd/?"})
  void perlReadingTheSessionsInputByAnotherNameIsANestedShell(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertExecInputNotRun(DEFAULT, template, "system('touch WITNESS');\n", tmp);
  }

  /** The input put back by 0>&N after a file or a here-string: the exec request's data. */
  @ParameterizedTest(name = "0>&N, exec input: {0}")
  @ValueSource(strings = {
      "bash 3<&0 < /etc/hostname 0>&3",
      "bash 3<&0 < /etc/hostname 0>&3-",
      "bash 3<&0 0< /etc/hostname 0>&3",
      "sh -s 3<&0 < /etc/hostname 0>&3",
      "exec 3<&0; bash < /etc/hostname 0>&3",
      "exec 3<&0; bash <<<'echo hi' 0>&3",
      "exec 3<&0; bash <<<'echo hi' 0<&3",
      "bash 3<<EOF\necho hi\nEOF"})
  void inputDuplicatedOntoZeroByGreaterAndIsTheSessionsInput(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertExecInputNotRun(DEFAULT, template, "touch WITNESS\n", tmp);
  }

  /** The input put back by 0>&1 or 0>&2 after a file: the terminal (at the prompt, or an exec request with a pty). */
  @ParameterizedTest(name = "0>&N, terminal: {0}")
  @ValueSource(strings = {
      "bash < /etc/hostname 0>&2",
      "bash < /etc/hostname 0>&1",
      "bash 0< /etc/hostname 0>&2",
      "sh -s < /etc/hostname 0>&2",
      "bash <<<'echo hi' 0</dev/tty"})
  void inputDuplicatedOntoZeroFromTheTerminalIsANestedShell(String template, @TempDir Path tmp) throws Exception {
    assertTerminalInputNotRun(template, "touch WITNESS\nexit\n", tmp);
  }

  @ParameterizedTest(name = "0>&N, terminal, ed: {0}")
  @ValueSource(strings = {"ed -s < /etc/hostname 0>&2"})
  void edGivenTheTerminalByGreaterAndIsJudged(String template, @TempDir Path tmp) throws Exception {
    assertTerminalInputNotRun(template, "!touch WITNESS\nq\n", tmp);
  }

  /** Line editors that run !CMD read from the exec request's input. */
  @ParameterizedTest(name = "editor on exec input: {0}")
  @ValueSource(strings = {
      "ed",
      "ed -s",
      "ed -s /dev/null",
      "ex",
      "ex -s",
      "vim -e",
      "vim -es",
      "vim -Es",
      "vim -es /dev/null",
      "vi -e -s",
      "view -es",
      "vimdiff -es"})
  void anEditorReadingTheExecRequestsInputIsANestedShell(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertExecInputNotRun(DEFAULT, template, "!touch WITNESS\nq\n", tmp);
  }

  private static final String CFG = "git init -q r && printf '[core]\\n\\tfsmonitor = touch WITNESS;:\\n' > cfg && ";

  /** A git config file written by a program that writes files but is not in the writers list. */
  @ParameterizedTest(name = "git config written: {0}")
  @ValueSource(strings = {
      CFG + "uniq cfg r/.git/config && git -C r status",
      CFG + "cat cfg | uniq - r/.git/config && git -C r status",
      CFG + "LC_ALL=C sort -r -o r/.git/config cfg && git -C r status",
      CFG + "iconv -f utf-8 -t utf-8 -o r/.git/config cfg && git -C r status",
      CFG + "xxd cfg | xxd -r - r/.git/config && git -C r status",
      CFG + "sed -n 'w r/.git/config' cfg && git -C r status",
      CFG + "sed -n 's/^//w r/.git/config' cfg && git -C r status",
      CFG + "awk '{print > \"r/.git/config\"}' cfg && git -C r status",
      CFG + "cd r/.git && uniq ../../cfg config && cd ../.. && git -C r status",
      CFG + "tar --transform s,cfg,config, -cf t.tar cfg && tar -C r/.git -xf t.tar && git -C r status",
      CFG + "uniq cfg ~/.gitconfig && git -C r status"})
  void gitConfigurationWrittenByOtherProgramsIsJudged(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(DEFAULT, template, tmp, false);
  }

  /** make's recipe shell and flags, and the dotted rule variables make's built-in rules run. */
  @ParameterizedTest(name = "make: {0}")
  @ValueSource(strings = {
      "echo 'int main(){}' > x.c; make SHELL=/usr/bin/env .SHELLFLAGS='touch WITNESS' x",
      "echo 'int main(){}' > x.c; make SHELL=/usr/bin/touch .SHELLFLAGS=WITNESS x",
      "echo 'all:;@echo hi' > Makefile; make SHELL=/usr/bin/env '.SHELLFLAGS=touch WITNESS'",
      "echo a > x.y; make 'YACC.y=touch WITNESS' x.c",
      "echo a > x.l; make 'LEX.l=touch WITNESS' x.c"})
  void makesRecipeShellAndDottedRuleVariablesAreJudged(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(DEFAULT, template, tmp, false);
  }

  /**
   * Found while fixing the above: make strips the blanks around a command-line variable's name
   * ({@code 'CC = touch W --'} is {@code CC}), reads {@code MAKEFLAGS} given on its command line
   * (its {@code SHELL=}/{@code .SHELLFLAGS=}), takes {@code .SHELLFLAGS} from the environment, and
   * exports a command-line variable to its recipes ({@code GIT_CONFIG_PARAMETERS}); {@code env -C}
   * enters the git directory for the program it runs; {@code cp -s} makes a link the next write
   * goes through.
   */
  @ParameterizedTest(name = "make and git, found while fixing: {0}")
  @ValueSource(strings = {
      "echo 'int main(){}' > x.c; make 'CC = touch WITNESS --' x",
      "echo 'all:;@echo hi' > Makefile; make 'MAKEFLAGS=SHELL=/usr/bin/touch .SHELLFLAGS=WITNESS'",
      "echo 'all:;@echo hi' > Makefile; env '.SHELLFLAGS=-c \"touch WITNESS\";:' make",
      "git init -q r && echo 'all:;@git -C r x' > Makefile && make \"GIT_CONFIG_PARAMETERS='alias.x'='!touch WITNESS'\"",
      CFG + "env -C r/.git uniq ../../cfg config && git -C r status",
      CFG + "cp -s $PWD/r/.git/config lnk && uniq cfg lnk && git -C r status"})
  void foundWhileFixingMakeAndGitConfiguration(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(DEFAULT, template, tmp, false);
  }

  /** Everyday forms near the rules of groups 3-5 stay allowed (exec and typed). */
  @ParameterizedTest(name = "allowed: {0}")
  @ValueSource(strings = {
      "cat .git/config", "less .git/config", "grep url .git/config", "ls .git/hooks", "kubectl config view",
      "npm config get x", "git config --get x", "cp .git/config /tmp/backup", "sed -n p .git/config",
      "awk -F= '/url/{print $2}' .git/config", "tar czf repo.tgz .git", "tar czf x.tgz --exclude=.git .",
      "find . -path ./.git -prune -o -type f -exec grep -l x {} +", "cd .git && ls", "git -C r status",
      "vim file", "vi file", "red", "make", "make -j4 CC=gcc", "make SHELL=/bin/bash .SHELLFLAGS='-o pipefail -ec' x",
      "make 'COMPILE.c=gcc -O2 -c' x", "vim -es < script.vim"})
  void everydayFormsNearGroupsThreeToFiveStayAllowed(String text) {
    assertThat(DEFAULT.judge(text).verdict()).as(text).isInstanceOf(dev.gatehouse.policy.Verdict.Allow.class);
    assertThat(DEFAULT.judgeTyped(text).verdict()).as(text).isInstanceOf(dev.gatehouse.policy.Verdict.Allow.class);
  }
}
