package dev.gatehouse.policy.shell;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Attack pass 17u on the shell judge (after the 17t fixes: archivers and find-fed copies of the
 * terminal, patch and git apply reading the diff from the session, a cd into a git directory the
 * text makes). Each test asserts the secure outcome against real bash; the only command the texts
 * run is {@code touch} of a file in a temporary directory. Every case is allowed by the exec (and
 * the typed) judgement without {@code touch} in its commands.
 *
 * <p><b>patch and git apply of a diff file the text writes.</b> {@code
 * WrittenThenRun.patchesFromInput} takes a diff named on the line ({@code -i d}, {@code < d}, {@code
 * git apply d}) for a file on disk ({@code Interpreters.regularPath}), but the same text may have
 * written it: from the session's input ({@code cat > d}, {@code head -c 999 > d}: the exec
 * request's data, as {@code patch} alone reading it is judged), or from the text's own words with
 * the git name escaped ({@code printf '… r/\056git/config …'}, {@code echo -e '\x2egit'}, {@code
 * tr X .}), which {@code namesGitLocation} on printf's words does not see. The diff writes {@code
 * r/.git/config} or a bare repository's {@code hooks/pre-commit}.
 *
 * <p><b>git am.</b> {@code patchesFromInput} only looks at git's {@code apply}; {@code git am}
 * applies the mailbox of its input (the exec request's data) the same way ({@code git -c … --git-dir=b
 * --work-tree=. am} writes {@code b/hooks/pre-commit}, executable).
 *
 * <p><b>A symbolic link to the standard input made by git or patch.</b> {@code
 * Interpreters.linksTerminal} knows ln, link, cp, mv, rsync, the archivers and find; a git diff
 * with {@code new file mode 120000} whose content is {@code /dev/stdin} (written by printf, applied
 * by {@code git apply d} or {@code patch -p1 < d}), or a blob {@code /dev/stdin} put in the index
 * as a link ({@code git update-index --add --cacheinfo 120000,…,s}) and checked out ({@code git
 * checkout -- s}, {@code git checkout-index}), makes {@code s} a link to the standard input: {@code
 * bash s} then runs the exec request's data.
 *
 * <p><b>An archived link to the standard input named by the archiver's input or kept by zip.</b>
 * {@code Interpreters.linksTerminal} judges an archiver's words; tar's {@code -T -} reads the names
 * to archive from its input ({@code echo /dev/stdin | tar -cPf t.tar -T -}), and the extraction
 * renames it by a pattern that does not spell it ({@code --xform 's,.*in$,s,S'}). zip is not in
 * {@code ARCHIVERS}: {@code zip -y} stores {@code /dev/stdin} as the link it is, {@code zipnote -w}
 * renames the entry, unzip makes the link.
 *
 * <p><b>A cd into a git directory by {@code CDPATH} or {@code OLDPWD}.</b> {@code
 * GitFiles.writesGitConfigAfterCd} judges the directory a cd enters by its operand only: {@code
 * CDPATH=r/.git cd info} (or {@code CDPATH=…;} before, or {@code CDPATH=$(git rev-parse …)})
 * enters {@code r/.git/info}, {@code OLDPWD=r/.git; cd -} and {@code OLDPWD=…; cd ~-} enter
 * {@code r/.git}; the operands {@code info}, {@code -}, {@code ~-} are neither git locations nor
 * only known when they run, so {@code uniq … config} / {@code ../config} after them is not judged.
 *
 * <p><b>A pattern after a cd into a directory only known when it runs.</b> After {@code cd
 * "$(git rev-parse --absolute-git-dir)"} {@code writesGitConfigAfterCd} counts a relative word
 * spelling {@code config}, {@code commondir} or {@code hooks/}; a pattern bash expands to {@code
 * config} there ({@code confi[g]}, {@code c*g}) is not matched.
 *
 * <p><b>A git file named by a word wholly only known when it runs.</b> {@code namesGitLocation}
 * counts an unknown word only by a known end {@code /config} or {@code /hooks/…}; {@code git
 * rev-parse --git-path config} (with {@code --path-format=absolute}, or after {@code cd r}) prints
 * the configuration's path, and a writer ({@code cp}, {@code uniq}, {@code tee -a}, a redirection)
 * of {@code "$(…)"} or of a variable holding it ({@code c=$(…); … >> "$c"}) writes it; so does
 * {@code "$(git rev-parse --absolute-git-dir)"/confi[g]} (a pattern as the known end).
 */
class ShellAttack17uTest {
  static final ShellJudge DEFAULT = ShellJudgeTest.DEFAULT;

  private static final String CONFIG_DIFF =
      "--- r/.git/config\n+++ r/.git/config\n@@ -1 +1,2 @@\n [core]\n+\tfsmonitor = touch WITNESS;:\n";
  private static final String BARE_HOOK_DIFF = "diff --git a/b/hooks/pre-commit b/b/hooks/pre-commit\nnew file mode 100755\n"
      + "--- /dev/null\n+++ b/b/hooks/pre-commit\n@@ -0,0 +1,2 @@\n+#!/bin/sh\n+touch WITNESS\n";
  private static final String COMMIT = " && git --git-dir=b --work-tree=. -c user.name=g -c user.email=g@h commit -q --allow-empty -m x";

  /** The session's input written to a file, then applied by patch as a named diff. */
  @ParameterizedTest(name = "patch of a diff file from the input: {0}")
  @ValueSource(strings = {
      "git init -q r && cat > d && patch -s -p0 -i d && git -C r status",
      "git init -q r && head -c 999 > d; patch -s -p0 < d && git -C r status"})
  void patchOfADiffFileWrittenFromTheSessionsInputIsJudged(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertExecInputNotRun(DEFAULT, template, CONFIG_DIFF, tmp);
  }

  /** The session's input written to a file, then applied by git apply as a named diff. */
  @ParameterizedTest(name = "git apply of a diff file from the input: {0}")
  @ValueSource(strings = {"git init -q --bare b && cat > d && git apply d" + COMMIT})
  void gitApplyOfADiffFileWrittenFromTheSessionsInputIsJudged(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertExecInputNotRun(DEFAULT, template, BARE_HOOK_DIFF, tmp);
  }

  /** A diff the text writes with the git name escaped, applied as a named file. */
  @ParameterizedTest(name = "patch of a diff the text writes: {0}")
  @ValueSource(strings = {
      "git init -q r && printf -- '--- r/\\056git/config\\n+++ r/\\056git/config\\n@@ -1 +1,2 @@\\n [core]\\n"
          + "+\\tfsmonitor = touch WITNESS;:\\n' > d && patch -s -p0 < d && git -C r status",
      "git init -q r && echo -e '--- r/\\x2egit/config\\n+++ r/\\x2egit/config\\n@@ -1 +1,2 @@\\n [core]\\n"
          + "+\\tfsmonitor = touch WITNESS;:' > d && patch -s -p0 < d && git -C r status",
      "git init -q r && printf -- '--- r/Xgit/config\\n+++ r/Xgit/config\\n@@ -1 +1,2 @@\\n [core]\\n"
          + "+\\tfsmonitor = touch WITNESS;:\\n' | tr X . > d && patch -s -p0 -i d && git -C r status",
      "git init -q --bare b && printf 'diff --git a/b/hooks/pre-commit b/b/hooks/pre-commit\\nnew file mode 100755\\n"
          + "--- /dev/null\\n+++ b/b/hoo\\153s/pre-commit\\n@@ -0,0 +1,2 @@\\n+#!/bin/sh\\n+touch WITNESS\\n' > d"
          + " && git apply d" + COMMIT})
  void patchOfADiffTheTextWritesIsJudged(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(DEFAULT, template, tmp, false);
  }

  /** git am applies the mailbox of the session's input as git apply does. */
  @ParameterizedTest(name = "git am from the input: {0}")
  @ValueSource(strings = {"git init -q --bare b && git -c user.name=g -c user.email=g@h --git-dir=b --work-tree=. am -q"
      + COMMIT})
  void gitAmFromTheSessionsInputIsJudged(String template, @TempDir Path tmp) throws Exception {
    String mbox = "From 0000000000000000000000000000000000000000 Mon Sep 17 00:00:00 2001\nFrom: g <g@h>\n"
        + "Date: Mon, 1 Jan 2024 00:00:00 +0000\nSubject: [PATCH] x\n\n---\n" + BARE_HOOK_DIFF + "-- \n2.39.5\n\n";
    BashWitness.assertExecInputNotRun(DEFAULT, template, mbox, tmp);
  }

  private static final String LINK_DIFF = "printf 'diff --git a/s b/s\\nnew file mode 120000\\n--- /dev/null\\n+++ b/s\\n"
      + "@@ -0,0 +1 @@\\n+/dev/stdin\\n\\\\ No newline at end of file\\n' > d && ";

  /** A symbolic link to the standard input made by git or patch, run as a script. */
  @ParameterizedTest(name = "stdin by a link git or patch makes: {0}")
  @ValueSource(strings = {
      LINK_DIFF + "git apply d && bash s",
      LINK_DIFF + "patch -s -p1 < d && bash s",
      "git init -q r && cd r && git update-index --add --cacheinfo 120000,\"$(printf /dev/stdin | git hash-object -w --stdin)\",s"
          + " && git checkout -- s && bash s",
      "git init -q r && cd r && printf /dev/stdin | git hash-object -w --stdin > h"
          + " && git update-index --add --cacheinfo 120000 $(cat h) s && git checkout-index -a && bash s"})
  void aShellReadingTheSessionsInputThroughALinkGitMakesIsANestedShell(String template, @TempDir Path tmp)
      throws Exception {
    BashWitness.assertExecInputNotRun(DEFAULT, template, "touch WITNESS\n", tmp);
  }

  /** A link to the standard input archived by a name the archiver reads, or by zip, then renamed. */
  @ParameterizedTest(name = "stdin by an archived link: {0}")
  @ValueSource(strings = {
      "echo /dev/stdin | tar -cPf t.tar -T - && tar -xPf t.tar --xform 's,.*in$,s,S' && bash s",
      "echo /dev/stdin | tar -cPf - -T - | tar -xP --xform 's,.*in$,s,S' && bash s",
      "zip -qy z.zip /dev/stdin && printf '@ dev/stdin\\n@=s\\n' | zipnote -w z.zip && unzip -q z.zip && bash s",
      "echo /dev/stdin | zip -qy z.zip -@ && printf '@ dev/stdin\\n@=s\\n' | zipnote -w z.zip && unzip -q z.zip && bash s"})
  void aShellReadingTheSessionsInputThroughAnArchivedLinkIsANestedShell(String template, @TempDir Path tmp)
      throws Exception {
    BashWitness.assertExecInputNotRun(DEFAULT, template, "touch WITNESS\n", tmp);
  }

  private static final String CFG = "git init -q r && printf '[core]\\n\\tfsmonitor = touch WITNESS;:\\n' > cfg && ";

  /** A cd whose directory is given by CDPATH or OLDPWD, not its operand. */
  @ParameterizedTest(name = "cd by CDPATH or OLDPWD: {0}")
  @ValueSource(strings = {
      CFG + "CDPATH=r/.git cd info && uniq ../../../cfg ../config && cd ../../.. && git -C r status",
      CFG + "CDPATH=r/.git; cd info && uniq ../../../cfg ../config && cd ../../.. && git -C r status",
      CFG + "CDPATH=$(git -C r rev-parse --absolute-git-dir); cd info && uniq ../../../cfg ../config && cd ../../.."
          + " && git -C r status",
      CFG + "OLDPWD=r/.git; cd - >/dev/null && uniq ../../cfg config && cd ../.. && git -C r status",
      CFG + "OLDPWD=$(git -C r rev-parse --absolute-git-dir); cd - >/dev/null && uniq ../../cfg config && cd ../.."
          + " && git -C r status",
      CFG + "OLDPWD=$PWD/r/.git; cd ~- && uniq ../../cfg config && cd ../.. && git -C r status"})
  void gitConfigurationWrittenAfterACdByCdpathOrOldpwdIsJudged(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(DEFAULT, template, tmp, false);
  }

  /** A pattern that expands to config in a directory only known when it runs. */
  @ParameterizedTest(name = "pattern after an unknown cd: {0}")
  @ValueSource(strings = {
      CFG + "cd \"$(git -C r rev-parse --absolute-git-dir)\" && uniq ../../cfg confi[g] && cd ../.. && git -C r status",
      CFG + "cd \"$(git -C r rev-parse --absolute-git-dir)\" && uniq ../../cfg c*g && cd ../.. && git -C r status"})
  void gitConfigurationWrittenByAPatternAfterAnUnknownCdIsJudged(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(DEFAULT, template, tmp, false);
  }

  private static final String GIT_PATH = "\"$(git -C r rev-parse --path-format=absolute --git-path config)\"";

  /** git's configuration named by a word wholly only known when it runs (git rev-parse --git-path config). */
  @ParameterizedTest(name = "git config by an unknown word: {0}")
  @ValueSource(strings = {
      CFG + "cp cfg " + GIT_PATH + " && git -C r status",
      CFG + "uniq cfg " + GIT_PATH + " && git -C r status",
      CFG + "cd r && cp ../cfg \"$(git rev-parse --git-path config)\" && git status",
      "git init -q r && printf '[core]\\n\\tfsmonitor = touch WITNESS;:\\n' > " + GIT_PATH + " && git -C r status",
      "git init -q r && printf '[core]\\n\\tfsmonitor = touch WITNESS;:\\n' | tee -a " + GIT_PATH + " >/dev/null"
          + " && git -C r status",
      "git init -q r && c=" + GIT_PATH + " && printf '[core]\\n\\tfsmonitor = touch WITNESS;:\\n' >> \"$c\" && git -C r status",
      "git init -q r && printf '[core]\\n\\tfsmonitor = touch WITNESS;:\\n' >> \"$(git -C r rev-parse --absolute-git-dir)\"/confi[g]"
          + " && git -C r status"})
  void gitConfigurationNamedByAWordOnlyKnownWhenItRunsIsJudged(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(DEFAULT, template, tmp, false);
  }

  /**
   * The diff readers' option tables: a diff named on disk, and git am going on with a mailbox it
   * began, stay allowed (exec and typed); with no diff named they read the session's input.
   */
  @ParameterizedTest(name = "allowed: {0}")
  @ValueSource(strings = {"patch -p1 < fix.diff", "patch -p1 -i fix.diff", "patch --input=fix.diff -p1",
      "patch orig.c fix.diff", "git apply fix.diff", "git apply -p2 --index fix.diff", "git am p.mbox",
      "git am -3 -s p.mbox", "git am -Skey p.mbox", "git am --continue", "git am -r", "git am --skip"})
  void diffReadersNamingADiffOnDiskStayAllowed(String text) {
    assertThat(DEFAULT.judge(text).verdict()).as(text).isInstanceOf(dev.gatehouse.policy.Verdict.Allow.class);
    assertThat(DEFAULT.judgeTyped(text).verdict()).as(text).isInstanceOf(dev.gatehouse.policy.Verdict.Allow.class);
  }

  @ParameterizedTest(name = "refused: {0}")
  @ValueSource(strings = {"patch -p1", "patch -p1 -i -", "git apply", "git apply -p2 --index", "git am",
      "git am -3 -s", "git am -Skey", "git am --bogus p.mbox"})
  void diffReadersReadingTheSessionsInputAreJudged(String text) {
    assertThat(DEFAULT.judge(text).verdict()).as(text).isNotInstanceOf(dev.gatehouse.policy.Verdict.Allow.class);
    assertThat(DEFAULT.judgeTyped(text).verdict()).as(text).isNotInstanceOf(dev.gatehouse.policy.Verdict.Allow.class);
  }
}
