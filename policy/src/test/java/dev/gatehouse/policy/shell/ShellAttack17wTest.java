package dev.gatehouse.policy.shell;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.policy.Verdict;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Attack pass 17w on the shell judge (after the 17v fixes: {@code cdable_vars}, git's configuration
 * named by another program's output, diff files written under derived names). Each test asserts the
 * secure outcome against real bash; the only command the texts run is {@code touch} of a file in a
 * temporary directory. Every case is allowed by the exec and the typed judgement without {@code
 * touch} in its commands.
 *
 * <p><b>A written word made of variables the text sets to literals.</b> {@code
 * GitFiles.gitOutputVariables} skips an assignment whose value is literal ({@code
 * a.value().literal()}), so {@code gitOutputPath} never counts a word that only expands such a
 * variable; {@code namesGitLocation} sees a word with an unknown part only by what follows its last
 * unknown part ({@code /config}, {@code /hooks/…}). {@code x=r/.git/config; uniq cfg "$x"} (the
 * plainest form), {@code "${x}t/config"} with {@code x=r/.gi}, {@code "$x$y"}, {@code "r/.$x/$y"},
 * a {@code for} over literal words, an unset variable inside the name ({@code r/.gi${u}t/config}),
 * and {@code IFS} splitting with {@code set --} and {@code "$*"} all write {@code r/.git/config}.
 *
 * <p><b>Parameter expansion operators building {@code .git}.</b> The same path: {@code
 * ${x/X/.}}, {@code ${x//X/.}}, {@code ${x/x/}}, {@code ${x/../.}}, {@code ${x/#…/…}}, {@code
 * ${x,,}} of a literal that does not spell {@code .git} (or spells it in capitals); through another
 * variable ({@code y=${x/-/.}}, {@code declare q="${p/X/.}"}), a {@code read} from a here-string,
 * a replacement of {@code $'\056'}, and awk's {@code -v f="${x/X/.}"} with {@code print > f}.
 *
 * <p><b>A pattern expanded into a variable or an awk operand.</b> {@code namesGitLocation}
 * matches a pattern in the written word, not one expanded elsewhere: {@code for f in
 * r/.g*}{@code /c*g; do uniq cfg "$f"; done}, {@code a=(r/.g*}{@code /config)} then {@code
 * "${a[0]}"}, {@code mapfile -t a < <(ls -d …)} (mapfile is no assignment, so {@code
 * printsOtherPath} never sees its substitution), and awk's {@code print > ARGV[2]} of a pattern
 * operand ({@code namedWords} takes awk's operands as files it reads).
 *
 * <p><b>awk's output file built by an expression.</b> {@code namedWords} gives awk's script words
 * to {@code namesGitLocation} and {@code mayWrite} as tokens; awk concatenates strings, so {@code
 * print > ("r/.gi" "t/config")} writes git's configuration and {@code print > ("d" 1)}, {@code
 * "d" n}, {@code sprintf("d%d", 1)}, {@code toupper("d")}, {@code FILENAME "x"} write a diff file
 * ({@code d1}, {@code D}, {@code -x}) from the session's input that {@code patchesDiffTheTextWrites}
 * does not match; patch, {@code git apply} and {@code git am} then apply it.
 *
 * <p><b>A diff file written under a backup or rotation name.</b> {@code mayWrite} compares the
 * diff's last component with the written words; backups add a suffix to a named target: {@code cp
 * -b} ({@code f~}), {@code -S .o}, {@code --backup=numbered} ({@code f.~1~}), {@code mv -b} (and
 * {@code ln -b}, {@code install -b}), {@code sed -i.o} (the input before the edit, as {@code e.o}) and
 * {@code savelog} ({@code e.0}). None is in {@code DERIVED_NAME_WRITERS}.
 *
 * <p><b>A program's startup file written in the home directory.</b> {@code HOME}/{@code
 * XDG_CONFIG_HOME} set by the text are {@code interpreter-inline} (docs/policy.md: programs read
 * their configuration there) and {@code ~/.gitconfig} is git's configuration, but a startup file of
 * another program written there by the same text is not: {@code ~/.gdbinit} or {@code
 * ~/.config/gdb/gdbinit} ({@code shell CMD}) that {@code gdb -batch} runs, and {@code ~/.lesskey}
 * (less 590 reads its source form) whose {@code #env} section sets {@code LESSOPEN=|CMD}, which
 * {@code less FILE} runs ({@code LESSKEY*} in the environment and {@code --lesskey-src} are
 * refused).
 *
 * <p><b>A Python module the text writes in the working directory.</b> {@code python3 -m MOD}
 * puts the working directory first on {@code sys.path}: a {@code json.py}, {@code http.py} or
 * {@code base64.py} the text writes replaces the standard module {@code -m json.tool}, {@code -m
 * http.server}, {@code -m base64} import or run ({@code PYTHONPATH=.} is refused; {@code python3
 * -m timeit}/{@code pickle} are judged as code).
 */
class ShellAttack17wTest {
  static final ShellJudge DEFAULT = ShellJudgeTest.DEFAULT;

  private static final String CFG = "git init -q r && printf '[core]\\n\\tfsmonitor = touch WITNESS;:\\n' > cfg && ";
  private static final String STATUS = " && git -C r status";

  /** Variables holding literals, joined in the written word. */
  @ParameterizedTest(name = "git config by literal variables: {0}")
  @ValueSource(strings = {
      CFG + "x=r/.git/config; uniq cfg \"$x\"" + STATUS,
      CFG + "x=r/.gi; uniq cfg \"${x}t/config\"" + STATUS,
      CFG + "x=git; y=config; uniq cfg \"r/.$x/$y\"" + STATUS,
      CFG + "for d in .gi; do uniq cfg \"r/${d}t/config\"; done" + STATUS,
      CFG + "uniq cfg r/.gi${u}t/config" + STATUS,
      CFG + "IFS=X; x=rX.gitXconfig; set -- $x; IFS=/; uniq cfg \"$*\"" + STATUS,
      CFG + "git init -q --bare b && x=b/co; uniq cfg \"${x}nfig\" && git --git-dir=b --work-tree=. status"})
  void gitConfigurationNamedByLiteralVariablesIsJudged(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(DEFAULT, template, tmp, false);
  }

  /** Parameter expansion operators turning a literal into a git location. */
  @ParameterizedTest(name = "git config by expansion operators: {0}")
  @ValueSource(strings = {
      CFG + "x=r/Xgit/config; uniq cfg \"${x/X/.}\"" + STATUS,
      CFG + "x=r/Xgit/config; uniq cfg \"${x/#r\\/X/r/.}\"" + STATUS,
      CFG + "x=r/.GIT/CONFIG; uniq cfg \"${x,,}\"" + STATUS,
      CFG + "x=r/-git/config; y=${x/-/.}; uniq cfg \"$y\"" + STATUS,
      CFG + "declare p=r/Xgit/config; declare q=\"${p/X/.}\"; uniq cfg \"$q\"" + STATUS,
      CFG + "read -r p <<< 'r/-git/config'; uniq cfg \"${p/-/.}\"" + STATUS,
      CFG + "x=r/Xgit/config; uniq cfg \"${x/X/$'\\056'}\"" + STATUS,
      CFG + "x=r/Xgit/config; awk -v f=\"${x/X/.}\" '{print > f}' cfg" + STATUS})
  void gitConfigurationNamedByExpansionOperatorsIsJudged(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(DEFAULT, template, tmp, false);
  }

  /** A pattern expanded into a loop variable, an array, mapfile's array or awk's ARGV. */
  @ParameterizedTest(name = "git config by an expanded pattern: {0}")
  @ValueSource(strings = {
      CFG + "for f in r/.g*/c*g; do uniq cfg \"$f\"; done" + STATUS,
      CFG + "a=(r/.g*/config); uniq cfg \"${a[0]}\"" + STATUS,
      CFG + "mapfile -t a < <(ls -d r/.g*/c*g); uniq cfg \"${a[0]}\"" + STATUS,
      CFG + "awk '{print > ARGV[2]}' cfg r/.g*/c*g" + STATUS})
  void gitConfigurationNamedByAnExpandedPatternIsJudged(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(DEFAULT, template, tmp, false);
  }

  /** awk's output file by string concatenation: git's configuration. */
  @ParameterizedTest(name = "git config by awk's expression: {0}")
  @ValueSource(strings = {
      CFG + "awk '{print > (\"r/.gi\" \"t/config\")}' cfg" + STATUS,
      CFG + "awk '{print > \"r/.gi\" \"t/config\"}' cfg" + STATUS})
  void gitConfigurationNamedByAnAwkExpressionIsJudged(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(DEFAULT, template, tmp, false);
  }

  /**
   * Everyday forms around the rules above. Still allowed: a variable set to a plain literal that
   * names no git file, mktemp's output, a known end that no git file has, a loop over a pattern in
   * a text without git, awk writing to one string constant. Now reviewed (a text that runs git
   * writing a file only known when it runs, named by nothing the judge reads): {@code > "$log"},
   * {@code > "$1"}, a variable not set before anything else (an earlier line's value at the prompt
   * may be git's), awk writing to a name its script computes.
   */
  @ParameterizedTest(name = "still allowed: {0}")
  @ValueSource(strings = {
      "out=log.txt; git log > \"$out\"",
      "out='log.txt' && git log > \"$out\"",
      "d=build; mkdir -p \"$d\"; git status",
      "x=v1.2; git archive -o \"app-$x.tgz\" HEAD",
      "tmp=$(mktemp); git diff > \"$tmp\"",
      "git diff > \"$(mktemp)\"",
      "git status; echo done > \"$log.txt\"",
      "git diff > \"$HOME/diff.txt\"",
      "for f in *.txt; do wc -l \"$f\"; done",
      "for f in *.txt; do cp \"$f\" backup/; done; git status",
      "git log | awk '{print > \"out.txt\"}'",
      "git log | awk '$3 > 100 {print $1}'",
      "awk '{print > ($1 \".txt\")}' data"})
  void everydayWritesAroundGitStayAllowed(String text) {
    assertThat(DEFAULT.judge(text).verdict()).as(text).isInstanceOf(Verdict.Allow.class);
    assertThat(DEFAULT.judgeTyped(text).verdict()).as(text).isInstanceOf(Verdict.Allow.class);
  }

  @ParameterizedTest(name = "now reviewed: {0}")
  @ValueSource(strings = {
      "git status; echo done > \"$log\"",
      "git log > \"$1\"",
      "git status; x=a; cp cfg \"$x\"",
      "false && x=a; git status; cp cfg \"$x\"",
      "git log --format=%an | awk '{print > ($1 \".txt\")}'"})
  void writesOfUnknownNamesInAGitTextAreReviewed(String text) {
    assertThat(DEFAULT.judge(text).verdict()).as(text).isInstanceOf(Verdict.Review.class);
    assertThat(DEFAULT.judgeTyped(text).verdict()).as(text).isInstanceOf(Verdict.Review.class);
  }

  private static final String CONFIG_DIFF =
      "--- r/.git/config\n+++ r/.git/config\n@@ -1 +1,2 @@\n [core]\n+\tfsmonitor = touch WITNESS;:\n";
  private static final String BARE_HOOK_DIFF = "diff --git a/b/hooks/pre-commit b/b/hooks/pre-commit\nnew file mode 100755\n"
      + "--- /dev/null\n+++ b/b/hooks/pre-commit\n@@ -0,0 +1,2 @@\n+#!/bin/sh\n+touch WITNESS\n";
  private static final String MBOX = "From 0000000000000000000000000000000000000000 Mon Sep 17 00:00:00 2001\n"
      + "From: g <g@h>\nDate: Mon, 1 Jan 2024 00:00:00 +0000\nSubject: [PATCH] x\n\n---\n" + BARE_HOOK_DIFF
      + "-- \n2.39.5\n\n";
  private static final String COMMIT = " && git --git-dir=b --work-tree=. -c user.name=g -c user.email=g@h commit -q --allow-empty -m x";

  /** The session's input written by awk under a name its script computes, then applied. */
  @ParameterizedTest(name = "patch of an awk-named diff file: {0}")
  @ValueSource(strings = {
      "git init -q r && awk '{print > (\"d\" 1)}' && patch -s -p0 -i d1" + STATUS,
      "git init -q r && awk -v n=1 '{print > (\"d\" n)}' && patch -s -p0 -i d1" + STATUS,
      "git init -q r && awk 'BEGIN{f=\"d\" 1} {print > f}' && patch -s -p0 -i d1" + STATUS,
      "git init -q r && awk '{print > toupper(\"d\")}' && patch -s -p0 -i D" + STATUS,
      "git init -q r && awk '{print > FILENAME \"x\"}' - && patch -s -p0 -i -x" + STATUS})
  void patchOfADiffFileNamedByAwkIsJudged(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertExecInputNotRun(DEFAULT, template, CONFIG_DIFF, tmp);
  }

  /** The session's input kept under a backup or rotation name, then applied by patch. */
  @ParameterizedTest(name = "patch of a backup-named diff file: {0}")
  @ValueSource(strings = {
      "git init -q r && cat > e && cp e f && cp -b e f && patch -s -p0 -i f~" + STATUS,
      "git init -q r && cat > e && cp e f && cp -b -S .o e f && patch -s -p0 -i f.o" + STATUS,
      "git init -q r && cat > e && cp --backup=numbered e f && cp --backup=numbered e f && patch -s -p0 -i f.~1~" + STATUS,
      "git init -q r && cat > e && cp e f && mv -b e f && patch -s -p0 -i f~" + STATUS,
      "git init -q r && cat > e && sed -i.o 1d e && patch -s -p0 -i e.o" + STATUS,
      "git init -q r && cat > e && savelog -q -l e && patch -s -p0 -i e.0" + STATUS})
  void patchOfADiffFileUnderABackupNameIsJudged(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertExecInputNotRun(DEFAULT, template, CONFIG_DIFF, tmp);
  }

  /** The same for git apply and git am (a bare repository's hook). */
  @ParameterizedTest(name = "git apply/am of an awk- or backup-named diff file: {0}")
  @ValueSource(strings = {
      "git init -q --bare b && awk '{print > (\"d\" 1)}' && git apply d1" + COMMIT,
      "git init -q --bare b && awk '{print > (\"d\" 1)}' && git -c user.name=g -c user.email=g@h --git-dir=b"
          + " --work-tree=. am -q d1" + COMMIT,
      "git init -q --bare b && cat > e && cp e f && cp -b e f && git apply f~" + COMMIT,
      "git init -q --bare b && cat > e && sed -i.o '' e && git apply e.o" + COMMIT,
      "git init -q --bare b && cat > e && savelog -q -l e && git apply e.0" + COMMIT})
  void gitApplyOfAnAwkOrBackupNamedDiffFileIsJudged(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertExecInputNotRun(DEFAULT, template, MBOX, tmp);
  }

  /** A startup file of gdb or less written in the home directory by the text that runs the program. */
  @ParameterizedTest(name = "startup file in HOME: {0}")
  @ValueSource(strings = {
      "printf 'shell touch WITNESS\\n' > ~/.gdbinit && gdb -batch -q",
      "mkdir -p ~/.config/gdb && printf 'shell touch WITNESS\\n' > ~/.config/gdb/gdbinit && gdb -batch -q",
      "printf '#env\\nLESSOPEN=|touch WITNESS; echo %%s\\n' > ~/.lesskey && echo x > f && less -F f",
      "printf '#env\\nLESSOPEN=|touch WITNESS; echo %%s\\n' > ~/.lesskey && echo x > f && systemctl status --no-pager"
          + " >/dev/null 2>&1; less -F f"})
  void startupFileWrittenInTheHomeDirectoryIsJudged(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(DEFAULT, template, tmp, false);
  }

  /** A module the text writes in the working directory, shadowing the one python3 -m runs or imports. */
  @ParameterizedTest(name = "python3 -m with a module in the working directory: {0}")
  @ValueSource(strings = {
      "printf 'import os\\nos.system(\"touch WITNESS\")\\n' > json.py && python3 -m json.tool /dev/null",
      "printf 'import os\\nos.system(\"touch WITNESS\")\\n' > http.py && timeout 1 python3 -m http.server 0",
      "printf 'import os\\nos.system(\"touch WITNESS\")\\n' > base64.py && echo x | python3 -m base64"})
  void pythonModuleWrittenInTheWorkingDirectoryIsJudged(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(DEFAULT, template, tmp, false);
  }

  /** vim's startup file written in the home directory by the text that then starts vim (found while fixing 17w). */
  @ParameterizedTest(name = "vimrc in HOME: {0}")
  @ValueSource(strings = {
      "printf 'silent !touch WITNESS\\nqa!\\n' > ~/.vimrc && vim f",
      "mkdir -p ~/.vim && printf 'silent !touch WITNESS\\nqa!\\n' > ~/.vim/vimrc && vim f",
      "printf 'silent !touch WITNESS\\nqa!\\n' | tee ~/.vimrc >/dev/null && vim f"})
  void vimStartupFileWrittenInTheHomeDirectoryIsJudged(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(DEFAULT, template, tmp, true);
  }
}
