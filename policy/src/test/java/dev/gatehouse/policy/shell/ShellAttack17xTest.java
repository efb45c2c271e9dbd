package dev.gatehouse.policy.shell;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Attack pass 17x on the shell judge (after the 17w fixes: git's configuration named through
 * literal variables and expansion operators, diff files under backup or computed names, startup
 * files of gdb, less and vim in HOME, {@code python3 -m} of a module the text writes). Each test
 * asserts the secure outcome against real bash; the only command the texts run is {@code touch} of
 * a file in a temporary directory (also HOME). Every case is allowed by the exec or the typed
 * judgement without {@code touch} in its commands.
 *
 * <p><b>A "literal" variable changed by something that is no assignment the judge reads.</b>
 * {@code GitFiles.literalValues} reads {@code $x} by the values of {@code r.assignments()} when
 * the text starts with {@code x=LITERAL}; {@code gitOutputPath} then only checks those values. But
 * bash also changes what {@code $x} expands to through: a nameref put on {@code x} itself ({@code
 * declare -n x=y}, {@code typeset -n x=y}; then {@code y=t/config} or {@code read y}: the
 * assignment is to {@code y}, and {@code declare -n x=y} reads as {@code x} set to the literal
 * {@code y}); a nameref to a variable bash sets ({@code declare -n x=BASH_REMATCH}); {@code source}
 * of a file the text writes ({@code x=t/config} inside it); an assignment under {@code builtin}
 * or {@code command} ({@code builtin declare}, {@code command export}, {@code builtin readonly}:
 * the plain forms are read, the wrapped ones are not); and variables bash itself sets that the text
 * "sets first" ({@code OPTARG=a} then {@code getopts}, {@code BASH_REMATCH=a} then {@code [[ =~
 * ]]}). In each, {@code "r/.gi$x"} is read as {@code r/.gia} and bash writes {@code r/.git/config}.
 *
 * <p><b>Python's user site directory in HOME.</b> The startup-file list ({@code
 * ShellClass.STARTUP_FILE}: gdb, less, vim) has no Python entry: a {@code .pth} file or {@code
 * usercustomize.py} in {@code ~/.local/lib/python3.11/site-packages} runs on every start of
 * Python 3.11 (both the pyenv and the system one here): {@code python3 -m json.tool}, and any
 * Python program ({@code pip3 --version}, {@code pygmentize}, {@code yq}).
 *
 * <p><b>A module the {@code -m} module imports, written in the working directory.</b> The 17w rule
 * ({@code WrittenThenRun.mayWriteModule}) compares written words with the top name of the module run
 * only; the working directory is first on {@code sys.path} for every import that module makes:
 * {@code argparse.py} for {@code json.tool}, {@code zipfile} and {@code venv}, {@code datetime.py}
 * for {@code calendar}, {@code gettext.py} for {@code http.server --help}; likewise the script's
 * directory for {@code python3 SCRIPT}, and {@code pytest} imports a {@code conftest.py} it finds
 * (found while fixing).
 *
 * <p><b>vim's runtime directories in HOME.</b> {@code STARTUP_FILE} lists vimrc names only; vim
 * also sources at startup every {@code ~/.vim/plugin/*.vim}, {@code
 * ~/.vim/pack/*}{@code /start/*}{@code /plugin/*.vim}, {@code ~/.vim/after/plugin/*.vim} and
 * {@code ~/.vim/ftdetect/*.vim}, and {@code ~/.vim/ftplugin/text.vim} for a {@code .txt} file, when
 * started as {@code vim}, {@code vi} or {@code vimdiff} (an interactive editor stays allowed).
 *
 * <p><b>vim told to run a script the text writes.</b> {@code vim -S FILE}, {@code view -S FILE},
 * {@code vim -u FILE} (vimrc) and {@code vim -s FILE} (typed keys: {@code :!CMD}) run what the
 * text wrote; the judge reads none of these options of an interactive editor as code.
 *
 * <p><b>A login shell's startup files.</b> {@code Wrappers.shell} reads {@code bash -l -c CODE}
 * (and {@code --login}, {@code sh -l}, under {@code env}) as {@code CODE} only; a login bash first
 * sources {@code ~/.bash_profile}, {@code ~/.bash_login} or {@code ~/.profile}, which the text
 * wrote ({@code bash -i} and {@code script}/{@code tmux} are reviewed as nested shells).
 *
 * <p><b>sensible-editor's {@code ~/.selected_editor}.</b> {@code sensible-editor} sources {@code
 * ~/.selected_editor} and runs {@code $SELECTED_EDITOR}; the variable in the environment is refused
 * (it is in the list of program variables), the file written by the text is not.
 *
 * <p><b>kubectl's configuration named by an option.</b> {@code KUBECONFIG=k} and {@code
 * ~/.kube/config} are {@code interpreter-inline}, but {@code --kubeconfig=k}/{@code --kubeconfig k}
 * of a file the text writes is not: a {@code users[].user.exec} credential plugin runs its command
 * before kubectl contacts the server, for {@code get}, {@code version}, {@code logs}.
 *
 * <p>Already refused in this pass (not listed): the plain literal variable with a git location in
 * any word, {@code printf -v}, {@code read}, {@code mapfile}, {@code local}, {@code export}/{@code
 * declare}/{@code readonly} unwrapped, {@code eval}, functions, {@code declare -n n=x} (a nameref
 * to the variable), {@code declare -l/-u}, {@code _}, {@code REPLY}, {@code MAPFILE}, {@code
 * ${!y}}; backup neighbours ({@code SIMPLE_BACKUP_SUFFIX}, {@code VERSION_CONTROL}, {@code
 * --suffix}, {@code install -S}, {@code ln -b}, {@code split}, {@code csplit}, {@code sed -ibak},
 * {@code --in-place=}, rsync {@code --backup-dir}, symlinks, {@code patch < f~}); {@code
 * ~/.ssh/config} (user-change), {@code ~/.kube/config}, {@code KUBECONFIG}, {@code tmux}, {@code
 * script}, {@code bash -i}, {@code su}, {@code ~/.config/lesskey}, {@code ~/.gvimrc}, {@code gdb
 * -x}/{@code -ex}, a {@code json/} package, {@code json.py} by cp/mv/ln/tee/{@code >>}/{@code .pyc}.
 */
class ShellAttack17xTest {
  static final ShellJudge DEFAULT = ShellJudgeTest.DEFAULT;

  private static final String CFG =
      "git init -q r && printf '[core]\\n\\tfsmonitor = touch WITNESS;:\\n' > cfg && ";
  private static final String STATUS = " && git -C r status";

  /** A variable the text sets first to a literal, then changed by a nameref, source, a wrapped builtin, or bash. */
  @ParameterizedTest(name = "literal variable changed otherwise: {0}")
  @ValueSource(strings = {
      "x=a; " + CFG + "declare -n x=y; y=t/config; uniq cfg \"r/.gi$x\"" + STATUS,
      "x=a; " + CFG + "typeset -n x=y; y=t/config; cp cfg \"r/.gi$x\"" + STATUS,
      "x=a; " + CFG + "declare -n x=y; read y <<< t/config; cat cfg > \"r/.gi$x\"" + STATUS,
      "x=a; " + CFG + "declare -n x=BASH_REMATCH; [[ t/config =~ .* ]]; uniq cfg \"r/.gi$x\"" + STATUS,
      "x=a; " + CFG + "printf 'x=t/config\\n' > v; source ./v; uniq cfg \"r/.gi$x\"" + STATUS,
      "x=a; " + CFG + "echo x=t/config > v; . ./v; uniq cfg \"r/.gi$x\"" + STATUS,
      "x=a; " + CFG + "builtin declare x=t/config; uniq cfg \"r/.gi$x\"" + STATUS,
      "x=a; " + CFG + "command export x=t/config; uniq cfg \"r/.gi$x\"" + STATUS,
      "x=a; " + CFG + "builtin readonly x=t/config; uniq cfg \"r/.gi$x\"" + STATUS,
      "OPTARG=a; " + CFG + "getopts c: o -ct/config; uniq cfg \"r/.gi$OPTARG\"" + STATUS,
      "BASH_REMATCH=a; " + CFG + "[[ t/config =~ .* ]]; uniq cfg \"r/.gi$BASH_REMATCH\"" + STATUS})
  void literalVariableChangedOtherwiseIsJudged(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(DEFAULT, template, tmp, false);
  }

  private static final String PTH = "mkdir -p ~/.local/lib/python3.11/site-packages && echo 'import os; os.system(\"touch WITNESS\")'"
      + " > ~/.local/lib/python3.11/site-packages/";

  /** A .pth file or usercustomize.py in Python's user site directory, then any Python program. */
  @ParameterizedTest(name = "python user site: {0}")
  @ValueSource(strings = {
      PTH + "a.pth && python3 -m json.tool /dev/null",
      PTH + "usercustomize.py && python3 -m json.tool /dev/null",
      PTH + "a.pth && pip3 --version",
      PTH + "a.pth && echo x | pygmentize -l text",
      PTH + "a.pth && echo '{}' | yq ."})
  void pythonUserSiteWrittenByTheTextIsJudged(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(DEFAULT, template, tmp, false);
  }

  private static final String MOD = "echo 'import os; os.system(\"touch WITNESS\")' > ";

  /** A module that the module python3 -m runs imports, written in the working directory. */
  @ParameterizedTest(name = "python3 -m importing a written module: {0}")
  @ValueSource(strings = {
      MOD + "argparse.py && python3 -m json.tool /dev/null",
      MOD + "argparse.py && python3 -m zipfile -l /dev/null",
      MOD + "argparse.py && python3 -m venv --help",
      MOD + "datetime.py && python3 -m calendar",
      MOD + "gettext.py && python3 -m http.server --help",
      MOD + "conftest.py && pytest -q",
      MOD + "argparse.py && echo import argparse > tool.py && python3 tool.py"})
  void moduleImportedByTheRunModuleIsJudged(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(DEFAULT, template, tmp, false);
  }

  private static final String VIMSCRIPT = "printf 'silent !touch WITNESS\\nqa!\\n' > ";

  /** vim's plugin, pack, after, ftdetect and ftplugin directories in HOME. */
  @ParameterizedTest(name = "vim runtime directory in HOME: {0}")
  @ValueSource(strings = {
      "mkdir -p ~/.vim/plugin && " + VIMSCRIPT + "~/.vim/plugin/a.vim && vim f",
      "mkdir -p ~/.vim/pack/a/start/b/plugin && " + VIMSCRIPT + "~/.vim/pack/a/start/b/plugin/a.vim && vim f",
      "mkdir -p ~/.vim/after/plugin && " + VIMSCRIPT + "~/.vim/after/plugin/a.vim && vim f",
      "mkdir -p ~/.vim/ftdetect && " + VIMSCRIPT + "~/.vim/ftdetect/a.vim && vi f",
      "mkdir -p ~/.vim/ftplugin && " + VIMSCRIPT + "~/.vim/ftplugin/text.vim && vim f.txt",
      "mkdir -p ~/.vim/plugin && " + VIMSCRIPT + "~/.vim/plugin/a.vim && vimdiff f g"})
  void vimRuntimeFileWrittenInTheHomeDirectoryIsJudged(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(DEFAULT, template, tmp, true);
  }

  /** vim given a script the text writes: -S, -u, -s. */
  @ParameterizedTest(name = "vim script option: {0}")
  @ValueSource(strings = {
      VIMSCRIPT + "s.vim && vim -S s.vim f",
      VIMSCRIPT + "s.vim && view -S s.vim f",
      VIMSCRIPT + "s.vim && vim -u s.vim f",
      "printf ':!touch WITNESS\\n:qa!\\n' > s.vim && vim -s s.vim f"})
  void vimScriptOptionOfAWrittenFileIsJudged(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(DEFAULT, template, tmp, true);
  }

  /** A login shell's profile written by the text that starts it. */
  @ParameterizedTest(name = "login shell profile: {0}")
  @ValueSource(strings = {
      "printf 'touch WITNESS\\n' > ~/.profile && bash -l -c true",
      "printf 'touch WITNESS\\n' > ~/.bash_profile && bash -lc 'echo x'",
      "printf 'touch WITNESS\\n' > ~/.bash_login && bash --login -c true",
      "printf 'touch WITNESS\\n' > ~/.profile && sh -l -c true",
      "printf 'touch WITNESS\\n' > ~/.profile && env bash -l -c true",
      "printf 'touch WITNESS\\n' > ~/.bash_profile && exec -a -bash bash -c true",
      "printf 'touch WITNESS\\n' > ~/.profile && exec -l sh -c true",
      "cd ~ && printf 'touch WITNESS\\n' > .bash_logout && bash -o posix -l -c exit",
      "printf 'touch WITNESS\\n' | tee ~/.bash_login > /dev/null && bash -l -c true"})
  void loginShellProfileWrittenByTheTextIsJudged(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(DEFAULT, template, tmp, false);
  }

  /** sensible-editor sourcing ~/.selected_editor. */
  @ParameterizedTest(name = "selected_editor: {0}")
  @ValueSource(strings = {
      "printf 'SELECTED_EDITOR=\"touch WITNESS\"\\n' > ~/.selected_editor && sensible-editor f",
      "printf 'SELECTED_EDITOR=\"touch WITNESS\"\\n' | tee ~/.selected_editor && sensible-editor"})
  void selectedEditorWrittenByTheTextIsJudged(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(DEFAULT, template, tmp, false);
  }

  private static final String KUBE = "printf 'apiVersion: v1\\nkind: Config\\nclusters:\\n- name: c\\n  cluster:\\n"
      + "    server: https://127.0.0.1:1\\ncontexts:\\n- name: c\\n  context:\\n    cluster: c\\n    user: u\\n"
      + "current-context: c\\nusers:\\n- name: u\\n  user:\\n    exec:\\n"
      + "      apiVersion: client.authentication.k8s.io/v1beta1\\n      command: touch\\n      args: [WITNESS]\\n"
      + "      interactiveMode: Never\\n' > k && ";

  /** A kubeconfig the text writes, named by --kubeconfig, with an exec credential plugin. */
  @ParameterizedTest(name = "kubectl --kubeconfig: {0}")
  @ValueSource(strings = {
      KUBE + "kubectl --kubeconfig=k get pods",
      KUBE + "kubectl get pods --kubeconfig k",
      KUBE + "kubectl --kubeconfig k version",
      KUBE + "kubectl --kubeconfig=k logs p",
      KUBE + "kubectl --kubeconfig ./k get pods",
      KUBE + "kubectl --kubeconfig \"$PWD/k\" get pods",
      KUBE + "cp k k2 && kubectl --kubeconfig=k2 version",
      "kubectl config set-cluster c --server=https://127.0.0.1:1 && kubectl config set-credentials u"
          + " --exec-api-version=client.authentication.k8s.io/v1beta1 --exec-command=touch --exec-arg=WITNESS"
          + " --exec-interactive-mode=Never && kubectl config set-context c --cluster=c --user=u"
          + " && kubectl config use-context c && kubectl get pods"})
  void kubeconfigNamedByAnOptionIsJudged(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(DEFAULT, template, tmp, false);
  }

  /**
   * At the prompt a variable keeps a nameref or case attribute for the later lines, where {@code
   * x=LITERAL} then sets another variable or value: the line that gives it is refused there.
   */
  @ParameterizedTest(name = "typed attribute: {0}")
  @ValueSource(strings = {"declare -n x=y", "typeset -n x", "declare -l x", "builtin declare -u x",
      "declare -gn x=y", "command typeset -n x=BASH_REMATCH", "declare $o x"})
  void typedAttributeKeptForLaterLinesIsBlocked(String line) {
    dev.gatehouse.policy.Verdict v = DEFAULT.judgeTyped(line).verdict();
    org.assertj.core.api.Assertions.assertThat(v.label()).as(line).isEqualTo("block");
  }

  /** Everyday forms near the fixes stay allowed, typed and as an exec request. */
  @ParameterizedTest(name = "everyday: {0}")
  @ValueSource(strings = {"x=build; mkdir -p \"$x\"; git status", "out=log.txt; git log > \"$out\"", "bash -lc 'echo hi'",
      "echo hi > notes.txt; bash -lc 'echo hi'", "kubectl get pods", "kubectl --kubeconfig prod.yaml get pods",
      "kubectl get pods > pods.txt; kubectl --kubeconfig=prod.yaml get pods", "source venv/bin/activate && python3 -V",
      "export PATH=\"$PATH:/opt/bin\"", "declare -a a", "local -n ref=arr", "tar xf a.tar; make; ls -la"})
  void everydayFormsStayAllowed(String line) {
    org.assertj.core.api.Assertions.assertThat(DEFAULT.judge(line).verdict().label()).as(line).isEqualTo("allow");
    org.assertj.core.api.Assertions.assertThat(DEFAULT.judgeTyped(line).verdict().label()).as(line).isEqualTo("allow");
  }
}
