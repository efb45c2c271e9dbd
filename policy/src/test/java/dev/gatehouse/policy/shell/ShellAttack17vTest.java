package dev.gatehouse.policy.shell;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Attack pass 17v on the shell judge (after the 17u fixes: a cd by CDPATH, OLDPWD or the directory
 * stack, patterns after an unknown cd, git configuration named by git's own output, diff files the
 * text writes). Each test asserts the secure outcome against real bash; the only command the texts
 * run is {@code touch} of a file in a temporary directory. Every case is allowed by the exec and the
 * typed judgement without {@code touch} in its commands.
 *
 * <p><b>A cd by {@code shopt -s cdable_vars}.</b> {@code GitFiles.writesGitConfigAfterCd} reads a
 * cd/pushd operand as a directory name; with {@code cdable_vars} set (by the text: {@code shopt -s
 * cdable_vars}) an operand that is no directory is taken as a variable's name and bash enters its
 * value: {@code x=r/.git; cd x} (or {@code pushd x}) enters {@code r/.git}, so {@code uniq ../../cfg
 * config} there writes git's configuration. ({@code shopt -s cdable_vars} is not guard-tamper either.)
 *
 * <p><b>git's configuration named by another program's output.</b> {@code GitFiles.gitOutputPath}
 * (via {@code printsGitPaths}) counts a written word wholly only known when it runs only when it
 * holds git's output; other programs print the same path: {@code find r -name config}, {@code ls -d
 * r/.g*}{@code /c*g}, {@code realpath r/.git/config}, {@code readlink -f r/.git/config} (the git
 * name spelled in their own words), {@code printf 'r/\056git/config'}, {@code echo r/Xgit/config |
 * tr X .}, and {@code cat p} / {@code $(< p)} of a file git's output was written to ({@code git
 * rev-parse --git-path config > p}). {@code uniq cfg "$(…)"} then writes {@code r/.git/config}.
 *
 * <p><b>A diff file written by a program whose words do not spell its name.</b> {@code
 * WrittenThenRun.patchesDiffTheTextWrites} compares the diff's last component with the written words
 * ({@code mayWrite}); a program that derives the file it writes from its operand is not matched:
 * {@code split} (default prefix {@code x}: {@code xaa}; or prefix {@code d} → {@code daa}), {@code
 * csplit -f d} ({@code d00}), the decompressors ({@code gunzip d.gz}, {@code gzip -d}, {@code
 * bunzip2 d.bz2}, {@code unxz}/{@code xz -d d.xz}, {@code unzstd d.zst} write {@code d}; a chain through
 * {@code tar -xfT}), and {@code git mailinfo m p}
 * (its second operand is the patch it writes, from its input). The session's input ({@code gzip >
 * d.gz}, {@code split}, {@code git mailinfo} read it) is thus fed to patch, {@code git apply} and
 * {@code git am} as a file on disk.
 */
class ShellAttack17vTest {
  static final ShellJudge DEFAULT = ShellJudgeTest.DEFAULT;

  private static final String CFG = "git init -q r && printf '[core]\\n\\tfsmonitor = touch WITNESS;:\\n' > cfg && ";

  /** cdable_vars: a cd operand that is a variable's name enters its value. */
  @ParameterizedTest(name = "cd by cdable_vars: {0}")
  @ValueSource(strings = {
      CFG + "shopt -s cdable_vars; x=r/.git; cd x && uniq ../../cfg config && cd ../.. && git -C r status",
      CFG + "shopt -s cdable_vars && x=r/.git && cd x && uniq ../../cfg config && cd ../.. && git -C r status",
      CFG + "shopt -s cdable_vars; x=r/.git; pushd x >/dev/null && uniq ../../cfg config && popd >/dev/null"
          + " && git -C r status"})
  void gitConfigurationWrittenAfterACdByCdableVarsIsJudged(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(DEFAULT, template, tmp, false);
  }

  /** A written word only known when it runs, holding the output of a program other than git. */
  @ParameterizedTest(name = "git config by another program's output: {0}")
  @ValueSource(strings = {
      CFG + "uniq cfg \"$(find r -name config)\" && git -C r status",
      CFG + "uniq cfg \"$(ls -d r/.g*/c*g)\" && git -C r status",
      CFG + "uniq cfg \"$(realpath r/.git/config)\" && git -C r status",
      CFG + "uniq cfg \"$(readlink -f r/.git/config)\" && git -C r status",
      CFG + "uniq cfg \"$(printf 'r/\\056git/config')\" && git -C r status",
      CFG + "uniq cfg \"$(echo r/Xgit/config | tr X .)\" && git -C r status",
      CFG + "git -C r rev-parse --path-format=absolute --git-path config > p && uniq cfg \"$(cat p)\" && git -C r status",
      CFG + "git -C r rev-parse --path-format=absolute --git-path config > p && uniq cfg \"$(< p)\" && git -C r status"})
  void gitConfigurationNamedByAnotherProgramsOutputIsJudged(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(DEFAULT, template, tmp, false);
  }

  private static final String CONFIG_DIFF =
      "--- r/.git/config\n+++ r/.git/config\n@@ -1 +1,2 @@\n [core]\n+\tfsmonitor = touch WITNESS;:\n";
  private static final String BARE_HOOK_DIFF = "diff --git a/b/hooks/pre-commit b/b/hooks/pre-commit\nnew file mode 100755\n"
      + "--- /dev/null\n+++ b/b/hooks/pre-commit\n@@ -0,0 +1,2 @@\n+#!/bin/sh\n+touch WITNESS\n";
  private static final String MBOX = "From 0000000000000000000000000000000000000000 Mon Sep 17 00:00:00 2001\n"
      + "From: g <g@h>\nDate: Mon, 1 Jan 2024 00:00:00 +0000\nSubject: [PATCH] x\n\n---\n" + BARE_HOOK_DIFF
      + "-- \n2.39.5\n\n";
  private static final String COMMIT = " && git --git-dir=b --work-tree=. -c user.name=g -c user.email=g@h commit -q --allow-empty -m x";

  /** The session's input written by split or a decompressor under a derived name, then applied by patch. */
  @ParameterizedTest(name = "patch of a derived diff file: {0}")
  @ValueSource(strings = {
      "git init -q r && split -l 999 && patch -s -p0 -i xaa && git -C r status",
      "git init -q r && split -l 999 && patch -s -p0 < xaa && git -C r status",
      "git init -q r && split -l 999 - d && patch -s -p0 -i daa && git -C r status",
      "git init -q r && cat | split -l 999 - d && patch -s -p0 -i daa && git -C r status",
      "git init -q r && gzip > d.gz && gunzip d.gz && patch -s -p0 -i d && git -C r status",
      "git init -q r && gzip > d.gz && gunzip -f d.gz && patch -s -p0 < d && git -C r status",
      "git init -q r && gzip > d.gz && gunzip -k d.gz && patch -s -p0 -i d && git -C r status",
      "git init -q r && gzip > d.gz && gzip -d d.gz && patch -s -p0 -i d && git -C r status",
      "git init -q r && bzip2 > d.bz2 && bunzip2 d.bz2 && patch -s -p0 -i d && git -C r status",
      "git init -q r && xz > d.xz && unxz d.xz && patch -s -p0 -i d && git -C r status",
      "git init -q r && xz > d.xz && xz -d d.xz && patch -s -p0 -i d && git -C r status",
      "git init -q r && zstd -q > d.zst && unzstd -q d.zst && patch -s -p0 -i d && git -C r status",
      "git init -q r && split -a 3 -l 999 && patch -s -p0 -i xaaa && git -C r status",
      "git init -q r && gzip > d.gz && tar cf t.tar d.gz && rm d.gz && tar -xft.tar && gunzip d.gz && patch -s -p0 -i d"
          + " && git -C r status"})
  void patchOfADiffFileWrittenUnderADerivedNameIsJudged(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertExecInputNotRun(DEFAULT, template, CONFIG_DIFF, tmp);
  }

  /** The same for git apply and git am (a bare repository's hook). */
  @ParameterizedTest(name = "git apply/am of a derived diff file: {0}")
  @ValueSource(strings = {
      "git init -q --bare b && split -l 999 && git apply xaa" + COMMIT,
      "git init -q --bare b && gzip > d.gz && gunzip d.gz && git apply d" + COMMIT,
      "git init -q --bare b && cat | csplit -s -k -f d - 999 ; git apply d00" + COMMIT,
      "git init -q --bare b && git mailinfo m p > /dev/null && git apply p" + COMMIT,
      "git init -q --bare b && split -l 999 && git -c user.name=g -c user.email=g@h --git-dir=b --work-tree=. am -q xaa"
          + COMMIT})
  void gitApplyOfADiffFileWrittenUnderADerivedNameIsJudged(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertExecInputNotRun(DEFAULT, template, MBOX, tmp);
  }
}
