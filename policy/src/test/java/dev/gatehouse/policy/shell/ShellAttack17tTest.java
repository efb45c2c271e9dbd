package dev.gatehouse.policy.shell;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Attack pass 17t on the shell judge (after the 17s fixes: links to the terminal, {@code
 * MAKEFILES}, git directories the text makes or names, xargs completing a program from its input).
 * Each test asserts the secure outcome against real bash; the only command the texts run is {@code
 * touch} of a file in a temporary directory. Every case is allowed by the exec (and the typed)
 * judgement without {@code touch} in its commands.
 *
 * <p><b>A link to the standard input made by an archiver.</b> {@code Interpreters.linksTerminal}
 * knows {@code ln}, {@code link}, {@code cp} and {@code rsync}; tar archives {@code /dev/stdin} as
 * the symbolic link it is and extracts it under another name ({@code tar -C /dev -cf t.tar stdin
 * && tar -xf t.tar --transform=s/stdin/s/ && bash s}): {@code bash s} takes {@code s} for a script
 * on disk (its leaf is not a terminal's name) and runs the exec request's data. {@code find /dev
 * -name stdin -exec cp -P {} s \;} copies the link as one; {@code linksTerminal} leaves a source
 * wholly only known when it runs to cp, though the find names {@code /dev} and {@code stdin}.
 *
 * <p><b>A {@code cd} into a git directory the text made.</b> {@code
 * GitFiles.writesGitConfigAfterCd} collects the git directories the text makes or names ({@code
 * gitDirsMade}: {@code git init --bare b}, {@code --separate-git-dir g}, {@code --git-dir=b}, {@code
 * GIT_DIR=b}) but only matches them as a prefix of a written path; a {@code cd}/{@code pushd}
 * counts as entering a git directory only by {@code namesGitLocation} or a {@code .git} name, not
 * when it enters one of those directories. So {@code git init --bare b && cd b && uniq ../cfg
 * config} (also {@code pushd}, {@code cd ./b/}, {@code iconv -o config}, {@code config.worktree},
 * {@code uniq - config}) writes the bare repository's configuration unjudged.
 *
 * <p><b>A git directory or path spelt relatively.</b> {@code ShellClass.normalize} only resolves
 * absolute paths, so the prefix match in {@code writesGitConfigAfterCd} compares spellings: a git
 * directory {@code .} or {@code ./} ({@code git init --bare .}, {@code GIT_DIR=. git init}, {@code
 * git --git-dir=. init}) never prefixes a relative {@code config}, and {@code ./b/config} or {@code
 * ./b//config} is not under {@code b}.
 *
 * <p><b>patch writing git's configuration or hooks from the session's input.</b> patch reads the
 * diff (the exec request's data, at the prompt what is typed) from its standard input; the files it
 * writes, and with a git diff header their mode ({@code new file mode 100755}), are named there.
 * {@code GitFiles.writesGitConfig} judges the words of the line only, where for {@code xargs cp}
 * the 17s fix says the program's operands are only known when it runs: {@code git init -q r &&
 * patch -s -p0 && git -C r status} fed a diff of {@code r/.git/config} adding {@code core.fsmonitor}
 * runs it, and a diff creating an executable {@code r/.git/hooks/pre-commit} runs that on commit.
 * {@code git apply} refuses paths through {@code .git}, but not a bare repository's {@code
 * hooks/pre-commit} ({@code git init -q --bare b && git apply && git --git-dir=b … commit}).
 */
class ShellAttack17tTest {
  static final ShellJudge DEFAULT = ShellJudgeTest.DEFAULT;

  /** A symbolic link to the standard input made by tar or a find-fed cp, run as a script. */
  @ParameterizedTest(name = "stdin by an archived link: {0}")
  @ValueSource(strings = {
      "tar -C /dev -cf t.tar stdin && tar -xf t.tar --transform=s/stdin/s/ && bash s",
      "tar -C /dev -cf - stdin | tar -x --xform s/stdin/s/ && bash s",
      "find /dev -maxdepth 1 -name stdin -exec cp -P {} s \\; && bash s"})
  void aShellReadingTheSessionsInputThroughAnArchivedLinkIsANestedShell(String template, @TempDir Path tmp)
      throws Exception {
    BashWitness.assertExecInputNotRun(DEFAULT, template, "touch WITNESS\n", tmp);
  }

  private static final String BARE_CFG = "printf '[core]\\n\\tbare = false\\n\\tfsmonitor = touch WITNESS;:\\n' > cfg && ";
  private static final String CFG = "printf '[core]\\n\\tfsmonitor = touch WITNESS;:\\n' > cfg && ";

  /** A non-reader writing the config of a git directory the text made, after a cd into it. */
  @ParameterizedTest(name = "cd into a git directory made: {0}")
  @ValueSource(strings = {
      BARE_CFG + "git init -q --bare b && cd b && uniq ../cfg config && git --work-tree=. status",
      BARE_CFG + "git init -q --bare b && cd ./b/ && uniq ../cfg config && git --work-tree=. status",
      BARE_CFG + "git init -q --bare b && pushd b >/dev/null && uniq ../cfg config && git --work-tree=. status",
      BARE_CFG + "git init -q --bare b && cd b && uniq ../cfg ./config && git --work-tree=. status",
      BARE_CFG + "git init -q --bare b && cd b && iconv -o config ../cfg && git --work-tree=. status",
      BARE_CFG + "git init -q --bare b && cd b && paste ../cfg | uniq - config && git --work-tree=. status",
      BARE_CFG + "git init -q --bare b && cd b && uniq ../cfg config.worktree && git config extensions.worktreeConfig true"
          + " && git --work-tree=. status",
      BARE_CFG + "git --git-dir=b init -q && cd b && uniq ../cfg config && git --work-tree=. status",
      BARE_CFG + "GIT_DIR=b git init -q && cd b && uniq ../cfg config && git --work-tree=. status",
      CFG + "git init -q --separate-git-dir=g r && cd g && uniq ../cfg config && cd .. && git -C r status",
      CFG + "git init -q --separate-git-dir g r && pushd g >/dev/null && uniq ../cfg config && popd >/dev/null"
          + " && git -C r status",
      // A cd into a parent of the git directory made, or out of the directory it was made in.
      BARE_CFG + "git init -q --bare x/b && cd x && uniq ../cfg b/config && cd .. && git --git-dir=x/b --work-tree=. status",
      BARE_CFG + "mkdir s && git init -q --bare b && cd s && uniq ../cfg ../b/config && cd .. && git --git-dir=b"
          + " --work-tree=. status"})
  void gitConfigurationWrittenAfterACdIntoAGitDirectoryTheTextMadeIsJudged(String template, @TempDir Path tmp)
      throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(DEFAULT, template, tmp, false);
  }

  /** A git directory spelt relatively ({@code .}, {@code ./b}): the prefix match compares spellings. */
  @ParameterizedTest(name = "git directory spelt relatively: {0}")
  @ValueSource(strings = {
      BARE_CFG + "git init -q --bare . && uniq cfg config && git --work-tree=. status",
      BARE_CFG + "git init -q --bare ./ && uniq cfg config && git --work-tree=. status",
      BARE_CFG + "GIT_DIR=. git init -q && uniq cfg config && git --work-tree=. status",
      BARE_CFG + "git --git-dir=. init -q && uniq cfg config && git --work-tree=. status",
      BARE_CFG + "git init -q --bare b && uniq cfg ./b/config && git --git-dir=b --work-tree=. status",
      BARE_CFG + "git init -q --bare b/ && uniq cfg ./b//config && git --git-dir=b --work-tree=. status"})
  void gitConfigurationOfARelativelySpeltGitDirectoryIsJudged(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(DEFAULT, template, tmp, false);
  }

  /** patch given a diff of .git/config by the exec request's data. */
  @ParameterizedTest(name = "patch, git config from the input: {0}")
  @ValueSource(strings = {
      "git init -q r && patch -s -p0 && git -C r status",
      "git init -q r && patch -s -d r -p1 && git -C r status",
      "git init -q r && cd r && patch -s -p1 && git status"})
  void patchWritingGitConfigurationFromTheSessionsInputIsJudged(String template, @TempDir Path tmp) throws Exception {
    String diff = template.contains("-p0")
        ? "--- r/.git/config\n+++ r/.git/config\n@@ -1 +1,2 @@\n [core]\n+\tfsmonitor = touch WITNESS;:\n"
        : "--- a/.git/config\n+++ b/.git/config\n@@ -1 +1,2 @@\n [core]\n+\tfsmonitor = touch WITNESS;:\n";
    BashWitness.assertExecInputNotRun(DEFAULT, template, diff, tmp);
  }

  /** patch given a git diff that creates an executable hook. */
  @ParameterizedTest(name = "patch, git hook from the input: {0}")
  @ValueSource(strings = {
      "git init -q r && patch -s -p0 && git -C r commit -q --allow-empty -m x",
      "git init -q r && patch -s -d r -p1 && git -C r commit -q --allow-empty -m x"})
  void patchWritingAGitHookFromTheSessionsInputIsJudged(String template, @TempDir Path tmp) throws Exception {
    String p = template.contains("-p0") ? "r/" : "a/";
    String diff = "diff --git " + p + ".git/hooks/pre-commit " + p + ".git/hooks/pre-commit\nnew file mode 100755\n"
        + "--- /dev/null\n+++ " + p + ".git/hooks/pre-commit\n@@ -0,0 +1,2 @@\n+#!/bin/sh\n+touch WITNESS\n";
    BashWitness.assertExecInputNotRun(DEFAULT, template, diff, tmp);
  }

  /**
   * git apply refuses a path through {@code .git}, not a bare repository's {@code hooks/}: outside
   * a repository it applies the diff as patch does.
   */
  @ParameterizedTest(name = "git apply, bare hook from the input: {0}")
  @ValueSource(strings = {
      "git init -q --bare b && git apply && git --git-dir=b --work-tree=. -c user.name=g -c user.email=g@h commit -q --allow-empty -m x",
      "git init -q --bare b && git apply --directory b && git --git-dir=b --work-tree=. -c user.name=g -c user.email=g@h commit -q --allow-empty -m x"})
  void gitApplyWritingABareRepositorysHookFromTheSessionsInputIsJudged(String template, @TempDir Path tmp) throws Exception {
    String p = template.contains("--directory") ? "" : "b/";
    String diff = "diff --git a/" + p + "hooks/pre-commit b/" + p + "hooks/pre-commit\nnew file mode 100755\n--- /dev/null\n"
        + "+++ b/" + p + "hooks/pre-commit\n@@ -0,0 +1,2 @@\n+#!/bin/sh\n+touch WITNESS\n";
    BashWitness.assertExecInputNotRun(DEFAULT, template, diff, tmp);
  }
}
