package dev.gatehouse.policy.shell;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Attack pass 17y on the shell judge (after the 17x fixes: any write into a home directory's
 * dotfiles is {@code interpreter-inline}, Python code written next to {@code python3 -m}/a script/
 * {@code pytest}, vim's {@code -S}/{@code -u}/{@code -s} of written files, literal variables only
 * read by value when nothing changes them, login shells' profiles, kubectl's {@code --kubeconfig}
 * and {@code set-credentials --exec-command}). Each test asserts the secure outcome against real
 * bash; the only command the texts run is {@code touch} of a file in a temporary directory (also
 * HOME and the working directory). Every case is allowed by the exec and the typed judgement
 * without {@code touch} in its commands. Programs used: mvn 3.8 (its {@code /usr/bin/mvn} sources
 * {@code ~/.mavenrc} as shell code), docker 28 (runs each {@code cli-plugins/docker-*} for its
 * metadata on {@code docker --help}), ipython 8, aws-cli (a profile's {@code credential_process}
 * runs before any network), sqlite3, cmake, ninja, npm, pip.
 *
 * <p><b>The home directory spelled other than {@code ~}, {@code $HOME}, {@code ${HOME}}.</b> {@code
 * ShellClass.HOME_DOTFILE} only knows a home directory by a leading {@code ~}, {@code /root} or
 * {@code /home/U}, and {@code startupFile}/{@code copiesDotfilesIntoHome} turn a word into {@code
 * ~} only when its source is exactly {@code $HOME}/{@code ${HOME}} (quoted or not) up to the first
 * {@code /}. A word whose value is a part only known when it runs followed by {@code /.X} is none
 * of these: {@code "${HOME%/}/.mavenrc"}, {@code ${HOME:-/root}}, {@code ${HOME:?}}, {@code
 * "${HOME%/}"/.x}, {@code $(echo ~)}, backquotes, {@code $(realpath ~)}, and a variable set from
 * {@code ~} or {@code $HOME} ({@code h=~; … > "$h/.mavenrc"}: the literal-variable reading knows
 * {@code h} is {@code ~}-valued only as an unknown). Found with {@code ~/.mavenrc} (mvn), {@code
 * ~/.docker/cli-plugins} (docker) and {@code ~/.ipython/profile_default/startup} (ipython), whose
 * {@code ~/} spellings are refused. ({@code "$HOME/$(printf .mavenrc)"}, {@code ~/".$x"} and
 * globs are refused.)
 *
 * <p><b>An archive extracted into the home directory.</b> {@code copiesDotfilesIntoHome} covers
 * {@code cp}/{@code mv}/{@code install}/{@code ln}/{@code rsync} into {@code ~} ({@code cp -r
 * t/. ~} is refused), not an extractor given the home directory as its destination: {@code tar xf
 * a.tar -C ~}, {@code tar -C ~ -xf}, {@code tar cf - … | tar xf - -C ~}, {@code git archive |
 * tar x -C ~}, {@code unzip -d ~}, each of an archive the text itself builds from a dotfile it
 * wrote elsewhere. (The security model keeps an extraction of the session's own data out of
 * {@code interpreter-inline}; these name the home directory as the place they write.)
 *
 * <p><b>A program's configuration moved by its own option or variable.</b> The analogue of the
 * 17x {@code kubectl --kubeconfig} fix for other programs whose configuration runs commands:
 * docker's {@code --config DIR} and {@code DOCKER_CONFIG=DIR} ({@code DIR/cli-plugins/docker-a}
 * runs on {@code docker --help}); aws's {@code AWS_CONFIG_FILE} and {@code
 * AWS_SHARED_CREDENTIALS_FILE} ({@code credential_process}), and {@code aws configure set
 * credential_process CMD}, which writes {@code ~/.aws/config} with no path on the line (the
 * analogue of {@code kubectl config set-credentials --exec-command}); sqlite3's {@code -init FILE}
 * ({@code .shell CMD}; {@code ShellClass.sqliteRunsCommands} only refuses {@code -init} from a
 * descriptor); ipython's {@code --profile-dir}, {@code --ipython-dir} and {@code IPYTHONDIR}
 * (a profile's {@code startup/*.py} and {@code ipython_config.py} run at start); curl's {@code -K
 * FILE}, whose {@code output =} writes {@code ~/.mavenrc} (found while fixing).
 *
 * <p><b>Python's site directory reached through a copy into it.</b> {@code STARTUP_FILE} matches
 * {@code (site|dist)-packages/….pth} by the written word, so {@code cp a.pth
 * u/lib/python3.11/site-packages/} (the leaf is the source's, the target a directory), {@code mv}
 * and {@code install -t} are not seen; with {@code PYTHONUSERBASE=u} that is the user site of
 * every Python program ({@code python3 -m json.tool}, {@code pip3}, {@code yq}). And {@code
 * python3 -m pip install --user WHEEL} is allowed where {@code pip3 install} is {@code
 * package-change}: a wheel the text zips with a {@code .pth} in it is installed into the user site.
 *
 * <p><b>ipython's inline code and other Python programs importing written code.</b> {@code
 * Interpreters.inlineOptions} matches {@code i?pt?i?python3?}, which does not match {@code
 * ipython} or {@code ipython3}: {@code ipython -c CODE} is no inline code ({@code -c '!CMD'},
 * {@code %sx}, {@code os.system}). {@code WrittenThenRun.moduleRun} only knows {@code python*}
 * and {@code pytest}: {@code ipython -m MOD}/{@code ipython x.py}, {@code pydoc3 MOD} (puts the
 * working directory on {@code sys.path} and imports MOD), {@code flask routes} ({@code app.py}
 * or {@code --app MOD}), {@code pygmentize -x -l FILE.py} (a lexer loaded from a file) import
 * Python code the same text writes.
 *
 * <p><b>Commands in the arguments of cmake, npm and npx.</b> {@code cmake -E env [VAR=V] CMD},
 * {@code cmake -E time CMD}, {@code cmake -E chdir DIR CMD} run CMD; {@code npm exec [--] CMD},
 * {@code npm x}, {@code npx --yes CMD} run CMD from PATH ({@code Wrappers.npmCall} reads only
 * {@code --call}). No wrapper reading unfolds them.
 *
 * <p><b>ninja's build file from the text.</b> {@code ninja -f /dev/stdin} with a here-string or a
 * pipe runs the build's {@code command =} lines; {@code make -f -} is refused ({@code
 * makeGivenCode}), ninja is not read at all.
 *
 * <p><b>A relative dotfile with no cd.</b> An exec request starts in the home directory (the
 * {@code STARTUP_FILE} comment says so), but {@code HOME_DOTFILE} needs a home prefix: {@code >
 * .mavenrc}, {@code > "$PWD/.mavenrc"}, {@code cp t/.mavenrc .}, {@code .ipython/…/startup}.
 * docs/security-model.md names the form after a {@code cd} a limit; these have none.
 *
 * <p>Already refused in this pass (not listed): {@code ~//.x}, {@code ~/./.x}, {@code ~/x/../.x},
 * {@code ~/$'.x'}, {@code ~+/.x}, {@code "$HOME/$(printf .x)"}, {@code ~/".x$y"}, {@code printf -v},
 * globs, {@code find -exec cp}, {@code xargs cp}, {@code cp -t ~}, {@code mv t/.x ~}, {@code ln -s
 * … ~}, {@code mv t ~/.docker}, {@code sed -i} of a dotfile, {@code git config --global
 * include.path}, {@code XDG_CONFIG_HOME}/{@code HOME=x} for git, bash {@code -l} with a relative
 * or {@code ${HOME%/}} profile, {@code VIMRUNTIME}, {@code VIM}, {@code LESSKEYIN}, {@code
 * XDG_CONFIG_HOME} for less, {@code make -f -}, {@code ipython --c=}, piped ipython, {@code pip3
 * install}, the {@code ~/.aws/config} file by {@code ${HOME%/}}, {@code PYTHONUSERBASE} with the
 * {@code .pth} named.
 */
class ShellAttack17yTest {
  static final ShellJudge DEFAULT = ShellJudgeTest.DEFAULT;

  private static final String RC = "echo 'touch WITNESS' > ";
  private static final String PLUGIN = "printf '#!/bin/sh\\ntouch WITNESS\\n' > ";
  private static final String PY = "echo 'import os; os.system(\"touch WITNESS\")' > ";

  /** A home dotfile named through a home directory that is neither ~ nor $HOME/${HOME}. */
  @ParameterizedTest(name = "home spelled otherwise: {0}")
  @ValueSource(strings = {
      RC + "\"${HOME%/}/.mavenrc\" && mvn -v",
      RC + "\"${HOME:-/root}/.mavenrc\" && mvn -v",
      RC + "\"$(echo ~)/.mavenrc\" && mvn -v",
      "h=~; " + RC + "\"$h/.mavenrc\" && mvn -v",
      "h=$HOME; " + RC + "\"$h/.mavenrc\" && mvn -v",
      RC + "m && cp m \"${HOME%/}/.mavenrc\" && mvn -v",
      "mkdir -p t && " + RC + "t/.mavenrc && cp -r t/. \"${HOME%/}\" && mvn -v",
      "mkdir -p \"${HOME%/}/.docker/cli-plugins\" && " + PLUGIN + "\"${HOME%/}/.docker/cli-plugins/docker-a\""
          + " && chmod +x \"${HOME%/}/.docker/cli-plugins/docker-a\" && docker --help",
      "mkdir -p \"${HOME%/}/.ipython/profile_default/startup\" && " + PY
          + "\"${HOME%/}/.ipython/profile_default/startup/a.py\" && ipython /dev/null"})
  void homeDotfileUnderAnotherSpellingOfHomeIsJudged(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(DEFAULT, template, tmp, false);
  }

  private static final String DOT = "mkdir -p t && " + RC + "t/.mavenrc && ";

  /** An archive the text builds from a dotfile, extracted into the home directory. */
  @ParameterizedTest(name = "extracted into home: {0}")
  @ValueSource(strings = {
      DOT + "tar cf a.tar -C t . && tar xf a.tar -C ~ && mvn -v",
      DOT + "tar cf - -C t . | tar xf - -C ~ && mvn -v",
      DOT + "(cd t && zip -q ../a.zip .mavenrc) && unzip -q a.zip -d ~ && mvn -v",
      DOT + "git init -q r && cp t/.mavenrc r/ && git -C r add . && git -C r -c user.name=a -c user.email=a@b commit -qm x"
          + " && git -C r archive HEAD | tar x -C ~ && mvn -v"})
  void archiveExtractedIntoTheHomeDirectoryIsJudged(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(DEFAULT, template, tmp, false);
  }

  private static final String DOCKER_PLUGIN = "mkdir -p d/cli-plugins && " + PLUGIN + "d/cli-plugins/docker-a"
      + " && chmod +x d/cli-plugins/docker-a && ";
  private static final String AWS_CFG = "printf '[default]\\ncredential_process = sh -c \"touch WITNESS\"\\n' > c && ";
  private static final String STS = " sts get-caller-identity --region us-east-1 --cli-connect-timeout 1";

  /** A configuration the text writes, given to its program by an option or a variable, or set by the program. */
  @ParameterizedTest(name = "configuration named or set: {0}")
  @ValueSource(strings = {
      DOCKER_PLUGIN + "docker --config d --help",
      DOCKER_PLUGIN + "DOCKER_CONFIG=d docker --help",
      AWS_CFG + "AWS_CONFIG_FILE=c aws" + STS,
      AWS_CFG + "AWS_SHARED_CREDENTIALS_FILE=c aws" + STS,
      "aws configure set profile.x.credential_process 'touch WITNESS' && aws --profile x" + STS,
      "printf '.shell touch WITNESS\\n' > f && sqlite3 -init f :memory: .quit",
      "mkdir -p i/startup && " + PY + "i/startup/a.py && ipython --profile-dir=i /dev/null",
      "mkdir -p i/profile_default/startup && " + PY + "i/profile_default/startup/a.py && ipython --ipython-dir=i /dev/null",
      "mkdir -p i/profile_default && " + PY + "i/profile_default/ipython_config.py && IPYTHONDIR=i ipython /dev/null",
      // curl's -K: its output = writes a home startup file no word of the text names.
      RC + "t && printf 'url = \"file://%s/t\"\\noutput = \"%s/.mavenrc\"\\n' \"$PWD\" \"$HOME\" > c && curl -s -K c && mvn -v"})
  void configurationNamedByAnOptionOrVariableIsJudged(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(DEFAULT, template, tmp, false);
  }

  private static final String PTH = PY + "a.pth && mkdir -p u/lib/python3.11/site-packages && ";

  /** A .pth copied into a site directory by a name that is not the written word; python3 -m pip install. */
  @ParameterizedTest(name = "python site through a copy: {0}")
  @ValueSource(strings = {
      PTH + "cp a.pth u/lib/python3.11/site-packages/ && PYTHONUSERBASE=u python3 -m json.tool /dev/null",
      PTH + "install -t u/lib/python3.11/site-packages a.pth && PYTHONUSERBASE=u python3 -m json.tool /dev/null",
      PTH + "cp a.pth u/lib/python3.11/site-packages && PYTHONUSERBASE=u pip3 --version",
      "mkdir -p w/a-1.dist-info && " + PY + "w/a.pth && printf 'Metadata-Version: 2.1\\nName: a\\nVersion: 1\\n'"
          + " > w/a-1.dist-info/METADATA && printf 'Wheel-Version: 1.0\\nGenerator: x\\nRoot-Is-Purelib: true\\nTag: py3-none-any\\n'"
          + " > w/a-1.dist-info/WHEEL && : > w/a-1.dist-info/RECORD && (cd w && zip -qr ../a-1-py3-none-any.whl .)"
          + " && python3 -m pip install -q --user --no-index a-1-py3-none-any.whl && python3 -m json.tool /dev/null"})
  void pythonSiteReachedThroughACopyIsJudged(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(DEFAULT, template, tmp, false);
  }

  /** ipython -c, and Python programs that import code the same text writes. */
  @ParameterizedTest(name = "ipython and python programs: {0}")
  @ValueSource(strings = {
      "ipython -c 'import os; os.system(\"touch WITNESS\")'",
      "ipython --no-banner -c '%sx touch WITNESS'",
      PY + "x.py && ipython -m x",
      PY + "x.py && pydoc3 x",
      PY + "app.py && flask routes",
      PY + "l.py && echo a | pygmentize -x -l l.py"})
  void ipythonAndPythonProgramsImportingWrittenCodeAreJudged(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(DEFAULT, template, tmp, false);
  }

  /** A command in the arguments of cmake -E, npm exec and npx. */
  @ParameterizedTest(name = "command in arguments: {0}")
  @ValueSource(strings = {
      "cmake -E env touch WITNESS",
      "cmake -E time sh -c 'touch WITNESS'",
      "cmake -E chdir . touch WITNESS",
      "npm exec -- touch WITNESS",
      "npx --yes touch WITNESS"})
  void commandInTheArgumentsOfCmakeAndNpmIsJudged(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(DEFAULT, template, tmp, false);
  }

  /** ninja reading its build file from a here-string or a pipe. */
  @ParameterizedTest(name = "ninja build from the text: {0}")
  @ValueSource(strings = {
      "ninja -f /dev/stdin <<< $'rule t\\n  command = touch WITNESS\\nbuild x: t\\n'",
      "printf 'rule t\\n  command = touch WITNESS\\nbuild x: t\\n' | ninja -f /dev/stdin"})
  void ninjaBuildFileFromTheTextIsJudged(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(DEFAULT, template, tmp, false);
  }

  /** A dotfile by a relative name in the working directory an exec request starts in (HOME), without a cd. */
  @ParameterizedTest(name = "relative dotfile, no cd: {0}")
  @ValueSource(strings = {
      RC + ".mavenrc && mvn -v",
      RC + "\"$PWD/.mavenrc\" && mvn -v"})
  void relativeDotfileInTheStartingDirectoryIsJudged(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(DEFAULT, template, tmp, false);
  }

  /** A login shell's profile named in an awk or sed script word (found while fixing), and more spellings of home. */
  @ParameterizedTest(name = "profile in a script word, home spellings: {0}")
  @ValueSource(strings = {
      "awk 'BEGIN{print \"touch WITNESS\" > \".profile\"}' && bash -lc true",
      "echo 'touch WITNESS' > x && sed -n 'w .profile' x && bash -lc true",
      RC + "\"${HOME:?}/.mavenrc\" && mvn -v",
      RC + "\"$(realpath ~)/.mavenrc\" && mvn -v",
      RC + "`echo ~`/.mavenrc && mvn -v",
      DOT + "tar cf a.tar -C t . && tar -C ~ -xf a.tar && mvn -v",
      RC + "m && mkdir -p d && cp m d/.mavenrc && cp d/.mavenrc . && mvn -v"})
  void profileInAScriptWordAndOtherHomeSpellingsAreJudged(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(DEFAULT, template, tmp, false);
  }
}
