package dev.gatehouse.policy.shell;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.policy.Verdict;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Attack pass 17q on the shell judge (after the 17p fixes: here-document end lines, backquotes
 * paired outside {@code $(…)}, namerefs to command variables, git options that run a command, tar's
 * old-style bundle, groff -U, ed/vim/pickle/sqlite3/gcc forms). Each test asserts the secure outcome
 * against real bash; the only command the texts run is {@code touch} of a file in a temporary
 * directory. Every case is allowed by the exec or the typed judgement without {@code touch} in its
 * commands, and bash runs the touch.
 *
 * <p><b>An option value {@code --} taken for the end of the options.</b> {@code ShellClass.flag}
 * (tar's {@code -I}/{@code -F}) and {@code Wrappers.gitCommands} (git's {@code -x}, {@code -u},
 * {@code grep -O}) stop at the first word {@code --}, also when it is the value of the option before
 * it: {@code tar -cf -- -I CMD} (the archive is named {@code --}; getopt takes the next word
 * whatever it is), {@code git grep -e -- -O CMD} (the pattern {@code --}), {@code git clone -o --
 * -u CMD}, {@code --server-option -- -u CMD}, {@code git rebase -X -- -x CMD}. The long forms are
 * caught by the git rule (it looks at every word), the short ones not.
 *
 * <p><b>git clone's {@code --config}/{@code -c} with the value in the same word.</b> The git rule's
 * config-key regex must match the whole word from its start, so it sees {@code -c KEY=VALUE}
 * (two words) but not {@code --config=core.fsmonitor=CMD}, its abbreviation {@code --conf=} or
 * {@code -ccore.fsmonitor=CMD} (parse-options takes a short option's value attached). The clone's
 * config is written into the new repository: {@code git -C y status} runs the fsmonitor, {@code
 * git -C y x} the {@code !} alias.
 *
 * <p><b>git config keys and URLs the git rule does not list.</b> {@code remote.NAME.uploadpack}
 * (a local fetch runs it with the shell, as {@code --upload-pack}), {@code
 * core.alternateRefsCommand} (run for each alternate when fetching), {@code
 * gpg.ssh.defaultKeyCommand} (run to find the signing key for {@code commit -S} with {@code
 * gpg.format=ssh}), {@code merge.NAME.driver} (the merge driver of a path whose attribute is {@code
 * merge=NAME}; {@code diff.NAME.command} is in the rule, this is not); and the {@code ext::} transport ({@code ext::sh -c touch% W} runs its command),
 * enabled by {@code -c protocol.ext.allow=always}, {@code -c protocol.allow=always} or {@code
 * GIT_ALLOW_PROTOCOL=ext}, none of which the judge refuses.
 *
 * <p><b>git configuration written on the same line.</b> {@code git config core.fsmonitor CMD},
 * {@code git config alias.x '!CMD'}, {@code git config remote.o.uploadpack CMD} and a config file
 * written by {@code printf} and found through {@code XDG_CONFIG_HOME} or {@code HOME}: the same keys
 * given by {@code -c} are refused, written to a config file and used by the next git command they
 * are allowed. {@code git config alias.rb rebase; git rb -x CMD}: {@code gitCommands} takes {@code
 * rb} for a subcommand without command-running options (only a subcommand only known when it runs
 * gets every table). {@code git submodule--helper foreach CMD} (the builtin {@code git submodule
 * foreach} hands to) is not {@code submodule}.
 *
 * <p><b>Programs and spellings the command-running rules do not know.</b> vim/ex take {@code -c}'s
 * command attached ({@code '-cexe "\x21CMD"'}, also at the end of a bundle: {@code -es'cexe …'}); the
 * vim rule sees only a separate {@code -c} or one at the end of a word. sqlite3 unquotes a dot
 * command's name ({@code ."shell" CMD}, {@code .'system' CMD}, {@code ."import" "|CMD" t}) and SQL
 * allows a comment between a function and its parenthesis ({@code edit/**}{@code /('x', CMD)}, {@code
 * edit--c\n(…)}): {@code sqliteRunsCommands} compares the quoted name and needs {@code edit\s*(}.
 * {@code python3 -m pdb -c CODE} runs CODE (pdb's commands, Python statements among them) before
 * its prompt: the exec judgement takes pdb for a prompt that reads its input, which an exec
 * request does not have (also behind {@code -m runpy}). {@code pic -U} runs {@code sh { CMD }} and {@code grog -U --run} runs
 * groff in unsafe mode ({@code .sy CMD}): neither is in {@code ROFF_NAMES}. {@code gcc --prefix=DIR}
 * and {@code --prefix DIR} are gcc's long spelling of {@code -B DIR} (the programs of the compile
 * taken from DIR), which {@code compilerDriverRuns} refuses only as {@code -B}. {@code man -C FILE}
 * ({@code --config-file}) reads man-db's configuration, whose {@code DEFINE nroff CMD} is the
 * formatter man runs ({@code -Cc}; also {@code ~/.manpath}, read from {@code HOME}). {@code python3 -m
 * mailcap TYPE FILE} runs the viewer of a mailcap file ({@code ~/.mailcap}, {@code MAILCAPS}) written
 * on the line. {@code node --env-file=FILE} reads {@code NODE_OPTIONS} from FILE ({@code
 * --import=data:…}: inline code), which set in the environment is refused. {@code CC=CMD make x}: make takes variables from the environment and its
 * built-in rule runs {@code $(CC)} ({@code make CC=CMD x} on the command line is refused).
 *
 * <p><b>A command variable set by a loop or changed by a case attribute.</b> {@code for
 * GIT_EXTERNAL_DIFF in CMD; do …; done} sets the variable to each word: {@code
 * CommandReader.loopVariable} records an assignment but does not read the value as a command
 * ({@code commandInValue}), as an assignment, {@code read} or {@code printf -v} of it is read.
 * {@code declare -l GIT_EXTERNAL_DIFF='TOUCH W;:'} (also {@code typeset -lx}, or the attribute set
 * first and the value assigned after): bash lowercases the value, the reading judges {@code TOUCH}.
 *
 * <p><b>vim's startup commands from the environment.</b> {@code VIMINIT} (and {@code EXINIT}) hold
 * Ex commands vim runs at startup on a terminal, as a vimrc: {@code VIMINIT='exe "\x21CMD"' vim -N
 * +q}. Neither is in {@code CODE_OPTION_VARS}, while {@code vim -c} with the same command is refused.
 */
class ShellAttack17qTest {
  static final ShellJudge DEFAULT = ShellJudgeTest.DEFAULT;

  private static final String REPO = "git init -q r && git -C r -c user.name=a -c user.email=a@b commit -q --allow-empty -m a";

  /** An option whose value is {@code --}, followed by an option that runs a command. */
  @ParameterizedTest(name = "value --: {0}")
  @ValueSource(strings = {
      "tar -cf -- -I 'touch WITNESS;:' /etc/hostname",
      "tar -c -f -- -I'touch WITNESS;:' /etc/hostname",
      "tar --file -- -cI 'touch WITNESS;:' /etc/hostname",
      "echo a > f; git grep --no-index -e -- -O'touch WITNESS;:' -e a f",
      REPO + " && git clone -q --no-local -o -- -u 'touch WITNESS;:' r y",
      REPO + " && git clone -q --no-local --server-option -- -u 'touch WITNESS;:' r y",
      REPO + " && git -C r -c user.name=a -c user.email=a@b rebase -q -X -- -x 'touch WITNESS' --root"})
  void anOptionValueDashDashDoesNotEndTheOptions(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(DEFAULT, template, tmp, false);
  }

  /** git clone's config option with its value in the same word. */
  @ParameterizedTest(name = "clone config: {0}")
  @ValueSource(strings = {
      REPO + " && git clone -q --config=core.fsmonitor='touch WITNESS;:' r y && git -C y status",
      REPO + " && git clone -q --conf=core.fsmonitor='touch WITNESS;:' r y && git -C y status",
      REPO + " && git clone -q -ccore.fsmonitor='touch WITNESS;:' r y && git -C y status",
      REPO + " && git clone -q --config=alias.x='!touch WITNESS' r y && git -C y x"})
  void cloneConfigWithAnAttachedValueIsJudged(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(DEFAULT, template, tmp, false);
  }

  /** Config keys that run a command, and the ext:: transport, given on the command line. */
  @ParameterizedTest(name = "git config key or URL: {0}")
  @ValueSource(strings = {
      REPO + " && git init -q y && git -C y -c remote.o.url=../r -c remote.o.uploadpack='touch WITNESS;:' fetch -q o",
      REPO + " && git clone -q -s r y && git -C y -c core.alternateRefsCommand='touch WITNESS;:' fetch -q origin",
      "git init -q r && git -C r -c user.name=a -c user.email=a@b -c gpg.format=ssh"
          + " -c gpg.ssh.defaultKeyCommand='touch WITNESS' commit -q -S --allow-empty -m a",
      "git -c protocol.ext.allow=always ls-remote 'ext::sh -c touch% WITNESS'",
      "git -c protocol.allow=always ls-remote 'ext::sh -c touch% WITNESS'",
      "GIT_ALLOW_PROTOCOL=ext git ls-remote 'ext::sh -c touch% WITNESS'",
      "git init -q r && cd r && echo a > f && echo 'f merge=x' > .gitattributes && git add . && git -c user.name=a"
          + " -c user.email=a@b commit -qm a && git checkout -qb o && echo b > f && git -c user.name=a -c user.email=a@b"
          + " commit -qam b && git checkout -q - && echo c > f && git -c user.name=a -c user.email=a@b commit -qam c"
          + " && git -c merge.x.driver='touch WITNESS;:' -c user.name=a -c user.email=a@b merge -q o"})
  void gitConfigKeysAndTransportsThatRunACommandAreJudged(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(DEFAULT, template, tmp, false);
  }

  /** git configuration written on the line and used by the next git command; helpers and aliases of subcommands. */
  @ParameterizedTest(name = "git config written: {0}")
  @ValueSource(strings = {
      "git init -q r && git -C r config core.fsmonitor 'touch WITNESS;:' && git -C r status",
      "git init -q r && git -C r config alias.x '!touch WITNESS' && git -C r x",
      REPO + " && git init -q y && git -C y remote add o ../r && git -C y config remote.o.uploadpack 'touch WITNESS;:'"
          + " && git -C y fetch -q o",
      "mkdir -p c/git && printf '[alias]\\n\\tx = !touch WITNESS\\n' > c/git/config && git init -q r"
          + " && XDG_CONFIG_HOME=$PWD/c git -C r x",
      "printf '[alias]\\n\\tx = !touch WITNESS\\n' > .gitconfig && git init -q r && HOME=$PWD git -C r x",
      REPO + " && git -C r config alias.rb rebase && git -C r -c user.name=a -c user.email=a@b rb -q --root -x 'touch WITNESS'",
      "git init -q s && git -C s -c user.name=a -c user.email=a@b commit -q --allow-empty -m a && git init -q r"
          + " && git -C r -c protocol.file.allow=always submodule -q add ../s s && git -C r submodule--helper foreach 'touch WITNESS'"})
  void gitConfigurationWrittenOnTheLineIsJudged(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(DEFAULT, template, tmp, false);
  }

  /**
   * Found while fixing the above: tar's old-style bundle with the archive {@code --}; git's hooks
   * and configuration as files written on the line (a repository's {@code .git/config}, a hook, a
   * bare repository's {@code config}, a template directory's hooks); a section renamed into {@code
   * alias}; {@code submodule.NAME.update} ({@code !CMD}).
   */
  @ParameterizedTest(name = "git files: {0}")
  @ValueSource(strings = {
      "tar cf -- -I 'touch WITNESS;:' /etc/hostname",
      "git init -q r && printf '[alias]\\n\\tx = !touch WITNESS\\n' >> r/.git/config && git -C r x",
      "git init -q r && printf '#!/bin/sh\\ntouch WITNESS\\n' > r/.git/hooks/post-commit && chmod +x r/.git/hooks/post-commit"
          + " && git -C r -c user.name=a -c user.email=a@b commit -q --allow-empty -m a",
      "mkdir -p x/objects x/refs && echo 'ref: refs/heads/m' > x/HEAD && printf '[alias]\\n\\tq = !touch WITNESS\\n' > x/config"
          + " && git -C x q",
      REPO + " && mkdir -p t/hooks && printf '#!/bin/sh\\ntouch WITNESS\\n' > t/hooks/post-checkout && chmod +x t/hooks/post-checkout"
          + " && git clone -q --template=t r y",
      "mkdir -p t/hooks && printf '#!/bin/sh\\ntouch WITNESS\\n' > t/hooks/post-commit && chmod +x t/hooks/post-commit"
          + " && git -c init.templateDir=$PWD/t init -q y && git -C y -c user.name=a -c user.email=a@b commit -q --allow-empty -m a",
      REPO + " && git -C r config foo.x '!touch WITNESS' && git -C r config --rename-section foo alias && git -C r x",
      "git init -q s && git -C s -c user.name=a -c user.email=a@b commit -q --allow-empty -m a && git init -q r"
          + " && git -C r -c protocol.file.allow=always submodule -q add ../s s && git -C r -c user.name=a -c user.email=a@b commit -qm s"
          + " && git -C s -c user.name=a -c user.email=a@b commit -q --allow-empty -m b"
          + " && git -C r -c protocol.file.allow=always -c submodule.s.update='!touch WITNESS' submodule -q update --remote"})
  void gitFilesWrittenOnTheLineAreJudged(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(DEFAULT, template, tmp, false);
  }

  /** Everyday git and tar forms near the rules above stay allowed. */
  @ParameterizedTest(name = "allowed: {0}")
  @ValueSource(strings = {
      "git status", "git log --oneline -5 -- src", "git diff HEAD -- a.c", "git checkout -- a.c", "git grep -n -e foo -- src",
      "git commit -m 'fix -- stuff'", "git push origin main", "git pull --rebase", "git fetch --all --prune", "git stash pop",
      "git clone -o up https://example.com/r.git", "git clone -c user.name=a https://example.com/r.git",
      "git config --global user.name a", "git config user.email a@b", "git config --get remote.origin.url", "git config -l",
      "git config core.editor", "git -c protocol.file.allow=always submodule update --init", "git lfs pull",
      "tar xzf a.tgz -C /tmp", "tar -xf a.tar -- b", "tar czf a.tgz src", "tar -tvf a.tar", "cat .git/config",
      "echo x > .gitignore"})
  void everydayGitAndTarFormsStayAllowed(String text) {
    assertThat(DEFAULT.judge(text).verdict()).as(text).isInstanceOf(Verdict.Allow.class);
    assertThat(DEFAULT.judgeTyped(text).verdict()).as(text).isInstanceOf(Verdict.Allow.class);
  }

  /** vim's -c with its command attached; sqlite3's quoted dot commands and commented edit(). */
  @ParameterizedTest(name = "vim/sqlite3: {0}")
  @ValueSource(strings = {
      "vim -es -N -u NONE '-cexe \"\\x21touch WITNESS\"' '+q'",
      "vim -N -u NONE -es'cexe \"\\x21touch WITNESS\"' '+q'",
      "ex -N -u NONE '-cexe \"\\x21touch WITNESS\"' '+q'",
      "sqlite3 :memory: '.\"shell\" touch WITNESS'",
      "sqlite3 :memory: \".'system' touch WITNESS\"",
      "sqlite3 -cmd '.\"sh\" touch WITNESS' :memory: '.q'",
      "sqlite3 :memory: '.\"import\" \"|touch WITNESS\" t'",
      "sqlite3 :memory: \"select edit/**/('x','touch WITNESS;:')\"",
      "sqlite3 :memory: \"select edit--c\n('x','touch WITNESS;:')\"",
      "sqlite3 :memory: '.sh\\145ll touch WITNESS'",
      "vim -N -u NONE -Nesc'exe \"\\x21touch WITNESS\"' '+q'"})
  void commandsInVimAndSqliteSpellingsAreJudged(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(DEFAULT, template, tmp, false);
  }

  /** A command variable set by a for loop, or lowercased by declare -l. */
  @ParameterizedTest(name = "command variable: {0}")
  @ValueSource(strings = {
      "for GIT_EXTERNAL_DIFF in 'touch WITNESS;:'; do export GIT_EXTERNAL_DIFF; git diff --no-index /etc/hostname /etc/hosts; done",
      "export GIT_EXTERNAL_DIFF; for GIT_EXTERNAL_DIFF in 'touch WITNESS;:'; do git diff --no-index /etc/hostname /etc/hosts; done",
      "declare -l GIT_EXTERNAL_DIFF='TOUCH WITNESS;:'; export GIT_EXTERNAL_DIFF; git diff --no-index /etc/hostname /etc/hosts",
      "typeset -lx GIT_EXTERNAL_DIFF='TOUCH WITNESS;:'; git diff --no-index /etc/hostname /etc/hosts",
      "declare -l GIT_EXTERNAL_DIFF; GIT_EXTERNAL_DIFF='TOUCH WITNESS;:'; export GIT_EXTERNAL_DIFF;"
          + " git diff --no-index /etc/hostname /etc/hosts",
      "set -- 'touch WITNESS;:'; for GIT_EXTERNAL_DIFF; do export GIT_EXTERNAL_DIFF; git diff --no-index /etc/hostname /etc/hosts; done"})
  void aCommandVariableSetByALoopOrACaseAttributeIsJudged(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(DEFAULT, template, tmp, false);
  }

  /** vim's startup commands given by VIMINIT/EXINIT, run on a terminal (the guarded prompt's case). */
  @ParameterizedTest(name = "vim init, on a terminal: {0}")
  @ValueSource(strings = {
      "VIMINIT='exe \"\\x21touch WITNESS\"' vim -N +q",
      "export VIMINIT='exe \"\\x21touch WITNESS\"'; vim -N +q",
      "EXINIT='exe \"\\x21touch WITNESS\"' ex -N +q"})
  void vimStartupCommandsFromTheEnvironmentAreJudged(String template, @TempDir Path tmp) throws Exception {
    Path w = tmp.resolve("w");
    String text = template.replace("WITNESS", w.toString());
    ShellJudgement exec = DEFAULT.judge(text);
    ShellJudgement typed = DEFAULT.judgeTyped(text);
    if (!BashWitness.allowedWithoutTouch(exec) && !BashWitness.allowedWithoutTouch(typed)) {
      return;
    }
    String out = BashWitness.run(tmp, List.of("script", "-qec", text, "/dev/null"), ":q\n:q\n");
    assertThat(Files.exists(w)).as("the guard allowed %s (exec: %s %s, typed: %s %s); bash ran touch W: %s", text,
        exec.verdict().label(), exec.commands(), typed.verdict().label(), typed.commands(), out).isFalse();
  }

  /** pdb's -c, pic/grog in unsafe mode, gcc --prefix, man's configuration file, make's CC from the environment. */
  @ParameterizedTest(name = "program: {0}")
  @ValueSource(strings = {
      "python3 -m pdb -c '__import__(\"os\").system(\"touch WITNESS\")' -c q -m this",
      "python3 -m pdb -c 'import os' -c 'os.system(\"touch WITNESS\")' -c q -m this",
      "python3 -m pdb --command='__import__(\"os\").system(\"touch WITNESS\")' -c q -m this",
      "python3 -m runpy pdb -c '__import__(\"os\").system(\"touch WITNESS\")' -c q -m this",
      "pic -U <<< $'.PS\\nsh { touch WITNESS }\\n.PE'",
      "echo '.sy touch WITNESS' > f.ms; grog -U --run f.ms",
      "mkdir b && printf '#!/bin/sh\\ntouch WITNESS\\n' > b/cc1 && chmod +x b/cc1 && gcc --prefix=b/ -E -x c /dev/null",
      "mkdir b && printf '#!/bin/sh\\ntouch WITNESS\\n' > b/cc1 && chmod +x b/cc1 && gcc --prefix b/ -E -x c /dev/null",
      "printf 'DEFINE nroff sh -c \"touch WITNESS\" sh\\n' > c; man -C c -l /etc/hostname",
      "printf 'DEFINE nroff sh -c \"touch WITNESS\" sh\\n' > c; man --config-file=c -l /etc/hostname",
      "printf 'DEFINE nroff sh -c \"touch WITNESS\" sh\\n' > c; man -Cc -l /etc/hostname",
      "printf 'DEFINE nroff sh -c \"touch WITNESS\" sh\\n' > .manpath; HOME=$PWD man -l /etc/hostname",
      "printf 'text/x-q; touch WITNESS\\n' > .mailcap; HOME=$PWD python3 -m mailcap text/x-q f",
      "printf 'text/x-q; touch WITNESS\\n' > m; MAILCAPS=$PWD/m python3 -m mailcap text/x-q f",
      "printf '%s\\n' \"NODE_OPTIONS=\\\"--import=data:text/javascript,import{execSync}from'child_process';"
          + "execSync('touch\\\\x20WITNESS')\\\"\" > e; node --env-file=e /dev/null",
      "echo 'int main(){return 0;}' > x.c; CC='touch WITNESS;:' make x",
      "echo 'int main(){return 0;}' > x.c; export CC='touch WITNESS;:'; make x",
      "mkdir b && printf '#!/bin/sh\\ntouch WITNESS\\n' > b/cc1 && chmod +x b/cc1 && gcc --pref b/ -E -x c /dev/null",
      "mkdir b && printf '#!/bin/sh\\ntouch WITNESS\\n' > b/cc1 && chmod +x b/cc1 && echo 'int x;' > m.c"
          + " && gcc -fcompare-debug=-Bb/ -c m.c",
      "printf 'DEFINE nroff sh -c \"touch WITNESS\" sh\\n' > c; man --conf=c -l /etc/hostname",
      "mkdir b && printf '#!/bin/sh\\ntouch WITNESS\\n' > b/troff && chmod +x b/troff && echo a > f"
          + " && GROFF_BIN_PATH=$PWD/b groff f",
      "echo 'int main(){return 0;}' > x.c; CC='touch WITNESS --' make x",
      "echo 'int main(){return 0;}' > x.c; make CC='touch WITNESS --' x"})
  void programsThatRunACommandTheyAreGivenAreJudged(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(DEFAULT, template, tmp, false);
  }
}
