package dev.gatehouse.policy.shell;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Attack pass 17s on the shell judge (after the 17r fixes: script and input names resolved as the
 * kernel does, {@code 0>&N}, line editors on the session's input, git configuration named by any
 * non-reader, make's {@code SHELL}/{@code .SHELLFLAGS} and dotted variables). Each test asserts the
 * secure outcome against real bash; the only command the texts run is {@code touch} of a file in a
 * temporary directory. Every case is allowed by the exec (and the typed) judgement without {@code
 * touch} in its commands.
 *
 * <p><b>The standard input by a link the line makes.</b> {@code Interpreters.opened}/{@code
 * namesTerminal} resolve the spelling of a script or input name, not the symbolic links the same
 * text creates: {@code ln -s /dev/stdin s && bash s}, {@code ln -s /proc/self/fd/0 s.sh && bash
 * s.sh}, {@code ln -s /dev/stdin s; . ./s}, {@code ln -s /dev/stdin s; bash < s}, {@code cp -s
 * /dev/stdin s; bash s}, {@code ln -s /dev/fd/0 x.py && python3 x.py} take {@code s} for a script
 * (or input file) on disk, and run the exec request's data (at the prompt, what is typed next).
 *
 * <p><b>make's {@code MAKEFILES}.</b> GNU make reads every makefile named in {@code MAKEFILES}
 * (environment or command line) before its own, and runs the {@code $(shell …)} in it while
 * reading: {@code MAKEFILES=/dev/stdin make}, {@code make MAKEFILES=/dev/stdin}, {@code env
 * MAKEFILES=/dev/./stdin make}, {@code export MAKEFILES=/proc/self/fd/0; make} are allowed (the
 * variable is in neither the code-variable list nor {@code ShellClass.makeRuleCode}/{@code
 * makeShellCode}), where {@code make -f /dev/stdin} is interpreter-inline.
 *
 * <p><b>git's configuration written by a name that does not say {@code .git}.</b> {@code
 * GitFiles.writesGitConfig}'s fail-closed rule ({@code namesGitLocation}) looks for {@code .git},
 * {@code .gitconfig}, {@code git/config} or a relative {@code hooks/} in the words; the known
 * writers' targets are matched against the wider {@code GIT_CONFIG_FILE} (any {@code config}).
 * A non-reader writing a git directory's {@code config} by another name is allowed: a
 * separate git directory ({@code git init --separate-git-dir=g r && uniq cfg g/config}) or a bare
 * one ({@code uniq cfg b/config}); the path found when it runs ({@code find r -name config -exec
 * uniq cfg {} \;}, {@code find r -name config | xargs uniq cfg}: find is a reader and its {@code
 * -exec} of a writer only counts its own words); {@code cd "$(find r -name hooks)" && uniq … ../config}
 * and {@code … && uniq … ././config} (after a {@code cd} into a directory only known when it
 * runs, only {@code (./)?config} counts); {@code env -C "$(git rev-parse --absolute-git-dir)" uniq
 * … config} (env's own word is only known when it runs and does not end in {@code /config}).
 *
 * <p><b>xargs completing a command from the session's input.</b> {@code Wrappers} (xargs) judges
 * the command xargs runs by the words written on the line, but xargs appends the words it reads
 * from its input: on an exec request the client's data, at the prompt what is typed. Where the
 * command is a shell, {@code env}, {@code nice} … the judge says its options are only known when it
 * runs (unclassified), but {@code xargs git} (input {@code -c 'alias.x=!touch W' x}), {@code xargs
 * git -C r}, {@code xargs find .} ({@code . -maxdepth 0 -exec touch W ;}), {@code xargs make}
 * ({@code --eval=…}, {@code SHELL=… .SHELLFLAGS=…}), {@code xargs vim} ({@code -es '+!touch W'}),
 * {@code xargs zip} ({@code -T -TT CMD}) and {@code xargs cp} (into {@code r/.git/config}) are
 * allowed, and run what the input adds.
 */
class ShellAttack17sTest {
  static final ShellJudge DEFAULT = ShellJudgeTest.DEFAULT;

  /** A link to the standard input made on the line, then run as a script or read as the input. */
  @ParameterizedTest(name = "stdin by a link: {0}")
  @ValueSource(strings = {
      "ln -s /dev/stdin s && bash s",
      "ln -s /proc/self/fd/0 s.sh && bash s.sh",
      "ln -s /dev/stdin s; . ./s",
      "ln -s /dev/stdin s; bash < s",
      "cp -s /dev/stdin s; bash s",
      "cp -a /dev/stdin s; bash s"})
  void aShellReadingTheSessionsInputThroughALinkIsANestedShell(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertExecInputNotRun(DEFAULT, template, "touch WITNESS\n", tmp);
  }

  @ParameterizedTest(name = "python, stdin by a link: {0}")
  @ValueSource(strings = {"ln -s /dev/fd/0 x.py && python3 x.py"})
  void pythonReadingTheSessionsInputThroughALinkIsANestedShell(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertExecInputNotRun(DEFAULT, template, "import os; os.system('touch WITNESS')\n", tmp);
  }

  /** make reading a makefile named by MAKEFILES from the session's input. */
  @ParameterizedTest(name = "MAKEFILES: {0}")
  @ValueSource(strings = {
      "MAKEFILES=/dev/stdin make",
      "MAKEFILES=/dev/./stdin make",
      "make MAKEFILES=/dev/stdin",
      "env MAKEFILES=/dev/stdin make",
      "export MAKEFILES=/proc/self/fd/0; make",
      "echo 'all:;@:' > Makefile; MAKEFILES=/dev/stdin make"})
  void makefilesFromTheSessionsInputAreJudged(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertExecInputNotRun(DEFAULT, template, "$(shell touch WITNESS)\n", tmp);
  }

  private static final String CFG = "git init -q r && printf '[core]\\n\\tfsmonitor = touch WITNESS;:\\n' > cfg && ";

  /** A git directory's config written by a non-reader under a name that does not say .git. */
  @ParameterizedTest(name = "git config by another name: {0}")
  @ValueSource(strings = {
      "git init -q --separate-git-dir=g r && printf '[core]\\n\\tfsmonitor = touch WITNESS;:\\n' > cfg && uniq cfg g/config && git -C r status",
      "git init -q --bare b && printf '[core]\\n\\tfsmonitor = touch WITNESS;:\\n' > cfg && uniq cfg b/config && git --git-dir=b --work-tree=. status",
      CFG + "find r -name config -exec uniq cfg {} \\; && git -C r status",
      CFG + "find r -name config | xargs uniq cfg && git -C r status",
      CFG + "find r -path '*/.git/c*' -exec uniq cfg {} \\; && git -C r status",
      CFG + "cd \"$(find r -name hooks)\" && uniq ../../../cfg ../config && cd ../../.. && git -C r status",
      CFG + "cd \"$(find r -name .git)\" && uniq ../../cfg ././config && cd ../.. && git -C r status",
      CFG + "env -C \"$(git -C r rev-parse --absolute-git-dir)\" uniq ../../cfg config && git -C r status"})
  void gitConfigurationWrittenByAnotherNameIsJudged(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(DEFAULT, template, tmp, false);
  }

  /** xargs appends the words of its input (the exec request's data) to the command it runs. */
  @ParameterizedTest(name = "xargs git: {0}")
  @ValueSource(strings = {"xargs git", "git init -q r; xargs git -C r", "xargs -r git", "xargs --arg-file=/dev/stdin git"})
  void xargsCompletingGitFromTheSessionsInputIsJudged(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertExecInputNotRun(DEFAULT, template, "-c 'alias.x=!touch WITNESS' x\n", tmp);
  }

  @ParameterizedTest(name = "xargs find: {0}")
  @ValueSource(strings = {"xargs find .", "xargs -L1 find"})
  void xargsCompletingFindFromTheSessionsInputIsJudged(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertExecInputNotRun(DEFAULT, template, ". -maxdepth 0 -exec touch WITNESS ;\n", tmp);
  }

  @ParameterizedTest(name = "xargs make: {0}")
  @ValueSource(strings = {"xargs make"})
  void xargsCompletingMakeFromTheSessionsInputIsJudged(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertExecInputNotRun(DEFAULT, template, "'--eval=all:;touch WITNESS'\n", tmp);
  }

  @ParameterizedTest(name = "xargs make, recipe shell: {0}")
  @ValueSource(strings = {"xargs make", "xargs make -f /dev/null"})
  void xargsGivingMakeItsRecipeShellFromTheSessionsInputIsJudged(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertExecInputNotRun(DEFAULT, template, "SHELL=/usr/bin/touch .SHELLFLAGS=WITNESS -f /dev/null -E x:;:\n", tmp);
  }

  @ParameterizedTest(name = "xargs vim: {0}")
  @ValueSource(strings = {"xargs vim", "xargs vi"})
  void xargsCompletingVimFromTheSessionsInputIsJudged(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertExecInputNotRun(DEFAULT, template, "-es '+!touch WITNESS' +q\n", tmp);
  }

  @ParameterizedTest(name = "xargs zip: {0}")
  @ValueSource(strings = {"echo a > f; xargs zip"})
  void xargsCompletingZipFromTheSessionsInputIsJudged(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertExecInputNotRun(DEFAULT, template, "-q x.zip f -T -TT 'touch WITNESS'\n", tmp);
  }

  @ParameterizedTest(name = "xargs cp: {0}")
  @ValueSource(strings = {CFG + "xargs cp && git -C r status"})
  void xargsCompletingCpIntoGitConfigurationIsJudged(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertExecInputNotRun(DEFAULT, template, "cfg r/.git/config\n", tmp);
  }

  @ParameterizedTest(name = "xargs writer: {0}")
  @ValueSource(strings = {CFG + "xargs mv && git -C r status", CFG + "xargs install -m 644 && git -C r status"})
  void xargsCompletingAWriterIntoGitConfigurationIsJudged(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertExecInputNotRun(DEFAULT, template, "cfg r/.git/config\n", tmp);
  }

  @ParameterizedTest(name = "xargs dd: {0}")
  @ValueSource(strings = {CFG + "xargs dd status=none && git -C r status"})
  void xargsCompletingDdIntoGitConfigurationIsJudged(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertExecInputNotRun(DEFAULT, template, "if=cfg of=r/.git/config\n", tmp);
  }

  @ParameterizedTest(name = "xargs sort -o: {0}")
  @ValueSource(strings = {"git init -q r && printf '[core]\\nfsmonitor = touch WITNESS;:\\n' > cfg && xargs sort && git -C r status"})
  void xargsGivingSortAnOutputInGitConfigurationIsJudged(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertExecInputNotRun(DEFAULT, template, "-o r/.git/config cfg\n", tmp);
  }

  /**
   * Programs whose options from xargs's input run a command or write where they say, where running
   * them here is not possible (no terminal for less's {@code !}, no unit for systemctl, no rsync
   * installed), and rm given {@code -rf --no-preserve-root /}: not allowed.
   */
  @ParameterizedTest(name = "xargs, judged: {0}")
  @ValueSource(strings = {"xargs systemctl", "xargs less", "xargs more", "xargs man", "xargs rsync", "xargs scp",
      "xargs tee", "xargs uniq", "xargs sort", "xargs ln -sf", "xargs chmod 644", "xargs sqlite3 db", "xargs gdb",
      "xargs docker", "xargs kubectl", "xargs psql", "xargs patch", "xargs curl", "xargs nice git", "xargs /usr/bin/git",
      "xargs -0 git", "xargs -- git --", "xargs -n1 find", "xargs -P4 make", "xargs emacs", "xargs nano", "xargs ex",
      "xargs unzip", "xargs gcc", "xargs groff", "xargs node", "xargs perl", "xargs ruby",
      "echo --no-preserve-root -rf / | xargs rm", "ls | xargs rm -f", "xargs -a list rm", "xargs rm -f",
      "find . -maxdepth 0 -printf '-rf /' | xargs rm -f", "find ' -rf ' | xargs rm",
      "find . -name '*.log' | xargs rm -f", "find . -print0 | xargs rm -f", "find . | xargs -0 rm -f"})
  void xargsCompletingAProgramFromItsInputIsNotAllowed(String text) {
    assertThat(DEFAULT.judge(text).verdict()).as(text).isNotInstanceOf(dev.gatehouse.policy.Verdict.Allow.class);
    assertThat(DEFAULT.judgeTyped(text).verdict()).as(text).isNotInstanceOf(dev.gatehouse.policy.Verdict.Allow.class);
  }

  /** What xargs gives any words to, and the names find prints to rm: still allowed. */
  @ParameterizedTest(name = "xargs, everyday: {0}")
  @ValueSource(strings = {"find . -name '*.log' -print0 | xargs -0 rm -f", "find . -name '*.c' | xargs grep foo",
      "ls | xargs -n1 echo", "xargs cat", "find . -type f -print0 | xargs -0 wc -l", "find . -print0 | xargs -0 rm -f", "find . -print0 | xargs -r0 rm -f",
      "find . -print0 | xargs --null rm -f",
      "find /srv/app -type f -name '*.log' | xargs ls -lh", "xargs", "ls | xargs -n1 basename", "xargs rm -f --",
      "find . -type f | xargs md5sum", "xargs du -sh", "xargs -r mkdir -p"})
  void xargsGivingWordsToAHarmlessProgramIsAllowed(String text) {
    assertThat(DEFAULT.judge(text).verdict()).as(text).isInstanceOf(dev.gatehouse.policy.Verdict.Allow.class);
  }

  /**
   * Names find prints, split by xargs at blanks: a directory named {@code a -r victim} hands rm
   * the words {@code ./a -r victim}, and rm deletes the directory {@code victim} recursively (the
   * same route reaches {@code rm -rf --no-preserve-root /}). Only NUL-separated names ({@code
   * -print0 | xargs -0}) are names.
   */
  @org.junit.jupiter.api.Test
  void findsNamesSplitByXargsDoNotAddOptionsToRm(@TempDir Path tmp) throws Exception {
    String text = "find . -name 'a*' | xargs rm -f";
    Files.createDirectories(tmp.resolve("a -r victim"));
    Files.createDirectories(tmp.resolve("victim/sub"));
    if (DEFAULT.judge(text).verdict() instanceof dev.gatehouse.policy.Verdict.Allow
        || DEFAULT.judgeTyped(text).verdict() instanceof dev.gatehouse.policy.Verdict.Allow) {
      BashWitness.run(tmp, List.of("bash", "--norc", "--noprofile", "-c", text), "");
      assertThat(tmp.resolve("victim")).as("the guard allowed %s; rm deleted victim recursively", text).exists();
    }
    String safe = "find . -name 'a*' -print0 | xargs -0 rm -f";
    assertThat(DEFAULT.judge(safe).verdict()).as(safe).isInstanceOf(dev.gatehouse.policy.Verdict.Allow.class);
    BashWitness.run(tmp, List.of("bash", "--norc", "--noprofile", "-c", safe), "");
    assertThat(tmp.resolve("victim/sub")).as("NUL-separated names are only names").exists();
  }

  /**
   * GNU parallel (and its {@code sem}) joins its command words with its input and runs each line
   * with a shell; it was not read at all ({@code parallel 'touch W' ::: 1} allowed with {@code
   * [parallel]}). Not installed here: judged only.
   */
  @ParameterizedTest(name = "parallel: {0}")
  @ValueSource(strings = {"parallel 'touch W' ::: 1", "ls | parallel gzip", "parallel -j2 --pipe wc", "sem -j2 make"})
  void gnuParallelIsNotAllowed(String text) {
    assertThat(DEFAULT.judge(text).verdict().label() + " " + DEFAULT.judge(text).verdict().rule()).as(text)
        .isEqualTo("review unclassified");
    assertThat(DEFAULT.judgeTyped(text).verdict()).as(text).isNotInstanceOf(dev.gatehouse.policy.Verdict.Allow.class);
  }
}
