package dev.gatehouse.policy.shell;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Attack pass 17z on the shell judge (after the 17y fixes: home dotfiles however spelled,
 * extractors into home, the moved-configuration table {@code ReadAtStart.MOVED}, Python code
 * written next to the Python programs that import it, {@code cmake -E}/{@code npm exec} as
 * wrappers, login shells with a written profile). Each test asserts the secure outcome against
 * real bash; the only command the texts run is {@code touch} of a file in a temporary directory
 * (also HOME and the working directory). Every case is allowed by the exec and the typed
 * judgement without {@code touch} in its commands. Programs used: GNU coreutils 9 ({@code sort},
 * {@code split}), npm 10 (node 20), GNU make 4.3, ninja, cmake/cpack 3.25, sqlite3, kubectl, git.
 *
 * <p><b>A filter program that runs a shell over the data ({@code sort}, {@code split}).</b> No
 * class reads {@code sort --compress-program=PROG} or {@code split --filter=CMD}: {@code sort}
 * pipes its temporary files through {@code PROG} (no arguments), so {@code PROG=sh} (or {@code
 * bash}, {@code dash}, an abbreviation {@code --compress-prog=}) runs the sorted lines as shell
 * code once the input passes {@code -S} ({@code -d} to decompress fails, after the
 * shell ran); {@code split --filter} runs its value with {@code sh -c}
 * for every chunk ({@code --filter='CMD'}, {@code --filter CMD}, {@code --fil=}), and {@code
 * --filter=sh} runs the chunk's lines. The same kind of option is refused for {@code tar -I},
 * {@code zip -TT}, {@code strace -o '|CMD'} ({@code ShellClass}'s option table near {@code
 * use-compress-program}); {@code sort} and {@code split} are not in it.
 *
 * <p><b>npm lifecycle scripts from a {@code package.json} the text writes.</b> {@code npm run X},
 * {@code run-script}, {@code rum}, {@code test}, {@code start}, {@code restart}, {@code install}
 * (local: the root's {@code preinstall}), {@code pack --dry-run} ({@code prepack}), {@code version}
 * ({@code preversion}), {@code rebuild} ({@code install}) and {@code --prefix DIR run X} run the
 * {@code scripts} entries with {@code sh -c}; {@code Wrappers.npmCall} reads only {@code exec}/{@code
 * --call}, and no rule of {@code WrittenThenRun} or {@code ReadAtStart} knows {@code package.json}
 * as code, where {@code ninja -f} of a written build file is refused.
 *
 * <p><b>npm's editor setting and {@code npm explore}.</b> {@code npm config edit} and {@code npm
 * edit PKG} run the {@code editor} setting with the file as its last argument ({@code --editor='CMD'},
 * {@code npm c edit}, {@code npm_config_editor=CMD}, or an {@code editor=} line of a user
 * configuration named by {@code --userconfig}/{@code NPM_CONFIG_USERCONFIG}, the moved
 * configuration of {@code ReadAtStart.MOVED} for npm); {@code npm explore PKG -- CMD} runs CMD
 * in {@code node_modules/PKG} with a shell, and is no wrapper {@code Wrappers} unfolds. {@code npm
 * config set editor CMD} writes the setting with no path on the line (the analogue of {@code aws
 * configure set credential_process}), and {@code npm init --init-module=FILE} runs a JavaScript
 * file the text writes (the moved {@code ~/.npm-init.js}). ({@code
 * EDITOR}/{@code VISUAL} are refused program variables; {@code npm --editor CMD config edit} with
 * the option first is refused.)
 *
 * <p><b>pip's {@code config edit}.</b> {@code pip3 config edit} (also {@code python3 -m pip})
 * runs its {@code --editor} value, or {@code PIP_EDITOR}, with the configuration file as its
 * argument; {@code ShellClass}'s pip reading ({@code PIP_VERBS}) knows the package verbs only, and
 * {@code PIP_EDITOR} is no program variable. (An {@code editor =} line in a file named by {@code
 * PIP_CONFIG_FILE} did not run here.)
 *
 * <p><b>A build file the text writes, found in the working directory or a {@code -C} directory.</b>
 * {@code ShellClass.makeGivenCode} refuses {@code make -f -}/{@code /dev/stdin}/{@code --eval},
 * and {@code ReadAtStart.MOVED} refuses {@code ninja -f} of a written file; but {@code make -f m}
 * ({@code --file m}, {@code --makefile=m}, {@code -sf m}) of a file the text writes is allowed, and
 * so is a plain {@code make} or {@code ninja} reading the {@code Makefile}/{@code build.ninja} the
 * text just wrote in the working directory, {@code make -C d}/{@code --directory=d}/{@code -sC
 * d}, {@code cd d && make}, {@code ninja -C d}/{@code -vC d}. cmake likewise: {@code cmake -S
 * src -B b} and {@code cmake .} run a written {@code CMakeLists.txt} ({@code
 * execute_process}), {@code cmake -C FILE} runs an initial-cache script before the project, and
 * {@code cpack --config FILE} runs its configuration as cmake code.
 *
 * <p><b>sqlite3's {@code .read} of a file the text writes.</b> {@code sqlite3 -init FILE} of a
 * written file is refused ({@code MOVED}), and dot commands that run a command are refused by any
 * prefix; {@code .read FILE} (also {@code .rea}, and under {@code -cmd}) runs the written file's
 * {@code .shell CMD}, and so does the same file redirected to sqlite3's standard input ({@code
 * sqlite3 :memory: < f}; a here-string is refused).
 *
 * <p><b>A plugin on a PATH the text sets.</b> The security model says a {@code PATH} pointing at
 * the user's own directory, with the file written by the same text, is {@code
 * interpreter-inline}; {@code PATH=$PWD/b:$PATH foo} runs the written {@code b/foo}, {@code
 * kubectl foo} runs {@code b/kubectl-foo} (also with {@code export PATH=…} and a relative {@code
 * PATH=b:$PATH}), {@code git foo} runs {@code b/git-foo}. ({@code git --exec-path=b}, {@code
 * GIT_EXEC_PATH=b} are refused.)
 *
 * <p>Already refused in this pass (not listed): gdb {@code -x}/{@code -ix}/{@code -ex}/{@code
 * -iex}/{@code --eval-command}/{@code pipe}; {@code BASH_ENV} (prefix, {@code env}, {@code export});
 * {@code VIMINIT}, {@code EXINIT}; {@code GIT_CONFIG_COUNT}/{@code _PARAMETERS}/{@code _GLOBAL}/
 * {@code _SYSTEM}, {@code --config-env}, {@code GIT_TEMPLATE_DIR}, {@code --template} with hooks;
 * {@code PERL5OPT} ({@code -M'X;CODE'}), {@code PERL5DB}; {@code NODE_OPTIONS=--import=data:…},
 * {@code node --import data:}, {@code man -P}/{@code --pager=}, {@code NODE_OPTIONS=--require} of a written file; tar {@code
 * --to-comm=}, {@code --checkpoint-act=}, {@code -I}, {@code --use-compress-prog=}, {@code -F},
 * {@code --info-scr=}, {@code --new-volume-script}; {@code zip -TT}/{@code --unzip-comm=}; {@code
 * find -fprintf ~/.mavenrc}; {@code make --eval}, {@code -E}, {@code MAKEFLAGS}, {@code MAKEFILES};
 * {@code ninja -f} of a written file; {@code gcc}/{@code cc -wrapper}, {@code -B}; ssh/scp/sftp
 * {@code -F} of a written file, {@code ProxyCommand}, {@code KnownHostsCommand}, {@code scp -S};
 * sqlite3 {@code .shell}/{@code .system}/{@code .output |}/{@code .once |}/{@code .read |}/{@code
 * .import |}, a here-string, {@code -init /dev/stdin}; {@code pip3 wheel}/{@code download .},
 * {@code python3 -m pip wheel}; {@code KUBECONFIG=k}; {@code python3 -m pdb -c}; {@code
 * JAVA_TOOL_OPTIONS}; {@code man --html=}; {@code tmux new -d}; {@code systemd-run}, {@code
 * runuser}; wrappers {@code strace}, {@code ionice}, {@code taskset}, {@code chrt}, {@code
 * setpriv}, {@code prlimit}, {@code flock [-c]}, {@code valgrind}, {@code fakeroot}, {@code
 * stdbuf}, {@code env -S}/{@code --split-string} are read (their command judged); {@code git
 * grep -O}, {@code bisect run}, {@code rebase -x}, {@code ls-remote --upload-pack}, {@code
 * GIT_SSH_COMMAND}, {@code GIT_EXTERNAL_DIFF} are judged as code; {@code BROWSER=CMD python3 -m
 * webbrowser} lists its command. Not reported (a named limit: a script brought in): {@code bash
 * x.sh}, {@code cmake -P FILE}, {@code ctest -S FILE} of a file the text writes.
 */
class ShellAttack17zTest {
  static final ShellJudge DEFAULT = ShellJudgeTest.DEFAULT;

  private static final String LINES = "printf 'touch WITNESS;exit\\n%.0s' $(seq 5000)";

  /** sort's compress program and split's filter run the data, or a command, with a shell. */
  @ParameterizedTest(name = "filter program runs a shell: {0}")
  @ValueSource(strings = {
      LINES + " | sort -S 4k --compress-program=sh > /dev/null",
      LINES + " | sort -S 4k --compress-prog=bash > /dev/null",
      LINES + " > d && sort -S 4k --compress-program=dash d > /dev/null",
      LINES + " | sort --compress-program sh -S 4k -o o",
      "echo x | split --filter='touch WITNESS'",
      "echo x | split -l 1 --filter 'touch WITNESS' - p",
      "echo 'touch WITNESS' | split --filter=sh",
      "echo 'touch WITNESS' | split --fil=bash",
      "echo 'touch WITNESS' > f && split --filter=sh f"})
  void filterProgramRunningAShellIsJudged(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(DEFAULT, template, tmp, false);
  }

  private static final String PKG = "echo '{\"name\":\"a\",\"version\":\"1.0.0\",\"scripts\":{";

  /** npm lifecycle scripts of a package.json the text writes. */
  @ParameterizedTest(name = "npm script written: {0}")
  @ValueSource(strings = {
      PKG + "\"x\":\"touch WITNESS\"}}' > package.json && npm run x",
      PKG + "\"x\":\"touch WITNESS\"}}' > package.json && npm run-script x",
      PKG + "\"x\":\"touch WITNESS\"}}' > package.json && npm rum x",
      PKG + "\"test\":\"touch WITNESS\"}}' > package.json && npm test",
      PKG + "\"start\":\"touch WITNESS\"}}' > package.json && npm start",
      PKG + "\"restart\":\"touch WITNESS\"}}' > package.json && npm restart",
      PKG + "\"preinstall\":\"touch WITNESS\"}}' > package.json && npm install --offline --no-audit --no-fund",
      PKG + "\"prepack\":\"touch WITNESS\"}}' > package.json && npm pack --dry-run",
      PKG + "\"preversion\":\"touch WITNESS\"}}' > package.json && npm version patch --no-git-tag-version",
      PKG + "\"install\":\"touch WITNESS\"}}' > package.json && npm rebuild",
      "mkdir -p d && " + PKG + "\"x\":\"touch WITNESS\"}}' > d/package.json && npm --prefix d run x",
      "npm init -y > /dev/null && npm pkg set scripts.x='touch WITNESS' && npm run x",
      "mkdir -p d && " + PKG + "\"install\":\"touch WITNESS\"}}' > d/package.json && cd d && npm rebuild"})
  void npmScriptOfAWrittenPackageIsJudged(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(DEFAULT, template, tmp, false);
  }

  private static final String MOD = "mkdir -p node_modules/a && echo '{\"name\":\"a\",\"version\":\"1.0.0\"}'"
      + " > node_modules/a/package.json && ";

  /** npm's editor setting (option, variable, moved user configuration) and npm explore's command. */
  @ParameterizedTest(name = "npm editor or explore: {0}")
  @ValueSource(strings = {
      "npm config edit --editor='touch WITNESS'",
      "npm c edit --editor='touch WITNESS'",
      "npm_config_editor='touch WITNESS' npm config edit",
      "printf 'editor=touch WITNESS\\n' > r && npm --userconfig r config edit",
      "printf 'editor=touch WITNESS\\n' > r && NPM_CONFIG_USERCONFIG=r npm config edit",
      MOD + "npm edit a --editor='touch WITNESS'",
      MOD + "npm_config_editor='touch WITNESS' npm edit a",
      MOD + "npm explore a -- touch WITNESS",
      MOD + "npm explore a -- 'touch WITNESS'",
      "npm config set editor 'touch WITNESS' && npm config edit",
      "echo 'require(\"child_process\").execSync(\"touch WITNESS\")' > i.js && npm init -y --init-module=./i.js",
      "npm conf set editor 'touch WITNESS' && npm config edit",
      "npm config edit --ed='touch WITNESS'",
      "NPM_CONFIG_EDITOR='touch WITNESS' npm config edit"})
  void npmEditorAndExploreAreJudged(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(DEFAULT, template, tmp, false);
  }

  /** pip's config edit runs its editor setting. */
  @ParameterizedTest(name = "pip config edit: {0}")
  @ValueSource(strings = {
      "pip3 config edit --editor 'touch WITNESS'",
      "pip3 config --editor='touch WITNESS' edit",
      "python3 -m pip config edit --editor 'touch WITNESS'",
      "PIP_EDITOR='touch WITNESS' pip3 config edit",
      "pip3 config edit --edit='touch WITNESS'",
      "PIP_Editor='touch WITNESS' pip3 config edit"})
  void pipConfigEditorIsJudged(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(DEFAULT, template, tmp, false);
  }

  private static final String MK = "printf 'x:\\n\\ttouch WITNESS\\n' > ";
  private static final String NJ = "printf 'rule t\\n  command = touch WITNESS\\nbuild x: t\\n' > ";
  private static final String CM = "printf 'execute_process(COMMAND touch WITNESS)\\n' > ";

  /** make, ninja, cmake and cpack reading a build file or script the text writes. */
  @ParameterizedTest(name = "build file written: {0}")
  @ValueSource(strings = {
      MK + "m && make -f m",
      MK + "m && make --file m",
      MK + "m && make --makefile=m",
      MK + "m && make -sf m",
      MK + "Makefile && make",
      "mkdir d && " + MK + "d/Makefile && make -C d",
      "mkdir d && " + MK + "d/GNUmakefile && make --directory=d",
      "mkdir d && " + MK + "d/makefile && cd d && make",
      NJ + "build.ninja && ninja",
      "mkdir d && " + NJ + "d/build.ninja && ninja -C d",
      "mkdir d && " + NJ + "d/build.ninja && ninja -vC d",
      "mkdir -p src && " + CM + "src/CMakeLists.txt && cmake -S src -B b",
      "mkdir -p src && " + CM + "src/CMakeLists.txt && cd src && cmake .",
      CM + "s.cmake && cmake -C s.cmake -S /nonexist -B b",
      CM + "s.cmake && cpack --config s.cmake"})
  void buildFileTheTextWritesIsJudged(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(DEFAULT, template, tmp, false);
  }

  private static final String DOTCMD = "printf '.shell touch WITNESS\\n' > f && ";

  /** sqlite3 reading dot commands from a file the text writes. */
  @ParameterizedTest(name = "sqlite3 reads a written file: {0}")
  @ValueSource(strings = {
      DOTCMD + "sqlite3 :memory: '.read f'",
      DOTCMD + "sqlite3 :memory: '.rea f'",
      DOTCMD + "sqlite3 -cmd '.read f' :memory: .quit",
      DOTCMD + "sqlite3 :memory: < f"})
  void sqliteReadOfAWrittenFileIsJudged(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(DEFAULT, template, tmp, false);
  }

  private static final String BIN = "mkdir b && printf '#!/bin/sh\\ntouch WITNESS\\n' > b/";

  /** A program or plugin the text writes, found through a PATH the text sets. */
  @ParameterizedTest(name = "plugin on a written PATH: {0}")
  @ValueSource(strings = {
      BIN + "kubectl-foo && chmod +x b/kubectl-foo && PATH=$PWD/b:$PATH kubectl foo",
      BIN + "kubectl-foo && chmod +x b/kubectl-foo && export PATH=$PWD/b:$PATH && kubectl foo",
      BIN + "kubectl-foo && chmod +x b/kubectl-foo && PATH=b:$PATH kubectl foo",
      BIN + "git-foo && chmod +x b/git-foo && PATH=$PWD/b:$PATH git foo",
      BIN + "foo && chmod +x b/foo && PATH=$PWD/b:$PATH foo"})
  void pluginOnAPathTheTextSetsIsJudged(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(DEFAULT, template, tmp, false);
  }
}
