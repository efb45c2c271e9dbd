package dev.gatehouse.policy.shell;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Attack pass 17bt on the shell judge (main at 2ba2e96: {@link PosixShellCode}, {@code
 * BraceExpansion.ofSource} for POSIX words, brace expansion off as guard-tamper, {@code
 * BASH_CMDS}/{@code BASH_ALIASES} in {@code ShellClass.GUARD_VARS}, startup files by name). Every
 * case below is allowed, without {@code touch} among its commands, by the exec or the typed
 * judgement of the judge its test names, and was run as written under bash 5.2.15 (Debian 12,
 * {@code /bin/sh} dash 0.5.12, coreutils 9.1 env, glibc 2.36 ld.so, fakeroot 1.31, findutils 4.9)
 * through {@link BashWitness#assertRunsNoUnjudgedTouch} (or, for find, bash deleting a directory the
 * test made), and did what the test asserts it must not. Each case fails on the
 * current code: that failure is the proof. The only command the texts run is {@code touch} of the
 * witness (or {@code find -delete} of a directory the test made) in the test's temporary directory.
 *
 * <p><b>T1, env -S's string is read as shell code, but env takes options out of it</b> (deny-list,
 * exec and typed). {@code Wrappers.env} hands the {@code -S} string (and the words after it) to
 * the code reader. env (coreutils 9.1, {@code env.c}) splits the string into words and puts them
 * back in its argument list <em>before it reads its options again</em>, so leading words of the
 * string are env's own options: {@code env -S '-u X touch W'} unsets X and runs {@code touch W};
 * {@code env -S '-- rm -rf /'} runs {@code rm -rf /}; {@code env -S '-C / rm -rf etc'} runs it in
 * {@code /}. The judge reads the string as bash code whose command is named {@code -u}, {@code --}
 * or {@code -C}: allowed, {@code [env, -u]}. Also, env splits the string at a vertical tab or a form
 * feed (and at {@code \_}), which bash keeps inside a word: {@code env -S $'\vtouch W'} is read as
 * one command named {@code \vtouch} (allowed), and env runs {@code touch W} (a literal VT in an
 * exec request is text). The same under {@code nice}, {@code find -exec} and inside {@code sh -c}.
 * Fix: read the {@code -S} string with env's own splitter (quotes, {@code
 * \_}, {@code \c}, {@code ${VAR}}, its blanks {@code " \t\n\v\f\r"}) into words and unwrap them
 * with env's option table as if they stood in place of {@code -S STRING} (or fail closed when the
 * string holds an option word, an escape or a blank other than space and tab).
 *
 * <p><b>T2, the dynamic loader's {@code --argv0 sh} starts bash in POSIX mode</b> (deny-list, exec
 * and typed). {@code ShellClass.startsBashAsSh} covers {@code exec -a sh bash}; the loader run as a
 * program ({@code Wrappers.isLoader}) skips {@code --argv0 NAME} as an option with a value, and its
 * program {@code /bin/bash -c CODE} is read with bash's default reading. glibc's ld.so sets argv[0]
 * to NAME, bash started as {@code sh} turns POSIX mode on, and in POSIX mode a single quote inside
 * a double-quoted {@code ${x:-…}} is no quote: {@code ls -d "${x:-'}" ; touch W ; "'}"} is one
 * {@code ls} to the judge and {@code ls}, {@code touch W} to that bash (also with {@code -s <<<}).
 * Fix: in {@code startsBashAsSh}'s sense, the loader's {@code --argv0} value whose last part is
 * {@code sh}/{@code -sh} (or only known when it runs) with a bash program changes word reading
 * (unclassified), or read its code as POSIX code.
 *
 * <p><b>T3, compgen's {@code -W} word list is read as {@code : WORDS}</b> (deny-list, exec and
 * typed). {@code Wrappers} reads {@code compgen -W LIST} (and {@code complete -W}) as the code
 * {@code ": " + LIST}, so a {@code #} word in LIST makes the rest a comment to the judge. bash
 * splits LIST at IFS and expands every word, {@code #} being no comment there: {@code compgen -W
 * '#x $(touch W)'} runs {@code touch W}; the judgement is {@code [compgen, :]}. Fix: read each
 * IFS-separated word of LIST as an argument ({@code : 'w1' w2 …} built word by word, or the list
 * with every unquoted {@code #} escaped), or fail closed on a {@code #} in LIST.
 *
 * <p><b>T4, fakeroot's {@code -s FILE} is expanded unquoted before fakeroot's {@code eval}</b>
 * (deny-list). {@code Wrappers.fakeroot} reads {@code -s}/{@code -i}/{@code -l} values as {@code :
 * VALUE}, which holds for the words of VALUE but not for a pattern: fakeroot 1.31 (a sh script)
 * stores {@code FAKEDOPTS=" --save-file $1"} and runs {@code eval $FAKED $FAKEDOPTS $PIPEIN}, the
 * unquoted expansion pathname-expanded first, so {@code -s '*'} hands eval the names of the
 * working directory's files, and a file named {@code ;touch w;} (made by {@code : > ';touch w;'},
 * no {@code touch} command) becomes code. Fix: a {@code -s} (and {@code -i}, whose {@code <$1} is
 * unquoted too) value with a pattern character is unclassified.
 *
 * <p><b>T5, {@code mapfile -C CALLBACK} gets the index and the line appended</b> (deny-list, exec
 * and typed). The callback is read as code alone ({@code mapfile -C source}: {@code source} with no
 * file, nothing run). bash evaluates {@code CALLBACK INDEX 'LINE'}, so {@code source} (or {@code .})
 * sources the file named by the index, {@code 0} (or {@code -O N}'s N): {@code echo 'touch W' > 0;
 * mapfile -C source -c 1 x <<< a} runs the script {@code 0} the same text wrote, where {@code source
 * 0} written out is {@code interpreter-inline}. Fix: read the callback with a placeholder index and
 * line appended ({@code CALLBACK 0 'x'}), the index as every number {@code -O} may start from, or
 * fail closed on a callback that takes arguments ({@code source}, {@code .}, {@code eval}, a
 * shell). The same with {@code mapfile -C 'awk -f'} (awk's program is the file {@code 0} the text
 * wrote) and with {@code compgen -C CMD WORD}, which bash runs as {@code CMD compgen 'WORD' ''}:
 * {@code compgen -C source -- x} sources a file named {@code compgen} the text wrote.
 *
 * <p><b>T6, {@code find DIR "$v"}: a word only known when it runs right after the starting points is
 * not read as {@code -delete}</b> (deny-list and the wide allow-list that lists find; a limit the
 * team listed, made real). {@code find / "$v"}, {@code cd / && find "$v"} and {@code v=-delete; find
 * / "$v"} (the value even set in the same text) are allowed: the word is read as a starting point
 * or a possible {@code -exec} with no command, while {@code -delete} there deletes everything under
 * the starting point (GNU find 4.9: the expression starts at the first word beginning with {@code
 * -}). Proven on the test's own directory ({@code v=-delete; find DIR "$v"} removed DIR); {@code
 * find /etc -name x "$v"} is already unclassified. Fix: read such a word as a possible {@code
 * -delete} too (recursive-delete-root for a root-ish starting point or after {@code cd /}, else the
 * relative-delete rule), or unclassified.
 *
 * <p><b>T7, a command variable's code is read without the file the program appends</b> (deny-list,
 * exec and typed). {@code CommandReader.commandInValue} reads {@code GIT_EDITOR}, {@code EDITOR},
 * {@code VISUAL} (and the other editor, pager and diff variables) as code alone. The programs run
 * it with the file to edit appended: git runs {@code sh -c 'EDITOR "$@"' EDITOR .git/COMMIT_EDITMSG}
 * (an editor with a blank or another metacharacter goes through the shell), sensible-editor runs
 * {@code "$VISUAL" "$@"}, sensible-pager {@code ${PAGER:-pager} "$@"} (read as {@code less ./f}). A value {@code .} ({@code ' .'} for git) is {@code .} with no file to the
 * judge and sources that file to the shell: {@code GIT_EDITOR=' .' git commit --allow-empty -e -m
 * 'touch W'} runs the message (written to COMMIT_EDITMSG by git itself), {@code printf 'touch W\n' > f;
 * VISUAL=. sensible-editor ./f} runs f. With {@code reboot} for {@code touch W} both are allowed
 * ({@code power} is a block). Fix: read such a value with a placeholder file appended ({@code
 * VALUE /tmp/f}) and treat {@code .}/{@code source}/{@code eval}/a shell or interpreter reading
 * that file as running data only known when it runs (unclassified), or refuse those values.
 *
 * <p>Tried and already refused (or not a bypass): in {@code sh -c} code, a comment line reached by a
 * line continuation to hide {@code $'…'} from {@link PosixShellCode} (the reader drops line
 * continuations first: found); a backquote holding an odd quote (dash rejects the whole text at
 * parse time); {@code '} inside {@code $((…))} (a quote to dash and bash alike); {@code shopt -u
 * extquote} (no change in word boundaries found); {@code time ! CMD}, {@code time { …; }}, {@code
 * coproc ! CMD}, {@code command ! CMD} (unclassified: a reserved word as a command name); {@code
 * !(CMD)} and {@code time !(CMD)} (CMD judged); GNU {@code time -f CODE -o s true; sh s} and {@code
 * logsave s echo CODE; sh s} (interpreter-inline), {@code command time -o .bashrc} (reviewed);
 * option values split from their option ({@code nice -n$(cat f)}, {@code ionice -c$(…)}, {@code
 * stdbuf}, {@code env -u}, {@code xargs -n}, {@code flock -w}, {@code watch -n}, {@code strace -e},
 * {@code time -f}, {@code setsid}, {@code chrt}, {@code taskset}, {@code timeout -k/-s}, {@code
 * numactl}, {@code unshare}, {@code valgrind --tool=}, {@code ltrace}: all unclassified); {@code exec
 * -a sh /proc/self/exe} and {@code /proc/self/exe -c} (unclassified), {@code command exec -a sh
 * bash}, {@code builtin exec -a sh bash} (unclassified, guard-tamper typed); {@code env -S 'rm\_-rf\_/'}
 * and other {@code \_} spellings (reviewed: interpreter-inline or unclassified); a carriage return
 * before the command in {@code env -S} (blocked); quoted compound assignments to {@code declare}/{@code
 * readonly} holding {@code $(…)} and {@code a=([$(…)]=1)} (unclassified); {@code man -H}/{@code
 * --html}/{@code -C FILE} (interpreter-inline); {@code .ssh/rc} written relative (user-change);
 * <code>rm -rf }  { /</code> (blocked); {@code su -s /usr/bin/python3 root -c …} (sudo, reviewed);
 * {@code git -c alias.x='!eval' x CMD} and other {@code !} aliases taking their arguments, {@code git
 * -c core.pager=eval} (interpreter-inline); {@code PSQL_EDITOR=' .' psql} (reviewed); {@code compgen
 * -G}/{@code -P}/{@code -X}/{@code -S} holding {@code $(…)} (bash does not expand them); {@code
 * mapfile -C} with a shell or interpreter as callback (nested-shell), {@code -C 'xargs -a'}, {@code -C
 * 'make -f'} (unclassified, interpreter-inline); {@code ShellPosixDifferentialTest} with random seeds
 * (1,500 texts at seed 587280701229722432: no disagreement; a 5,000-text run at seed
 * -2815394037311458086 stopped on one sandboxed run's time limit, not on a disagreement).
 * Not pursued: relative {@code .hgrc}/{@code .npmrc} writes are allowed, but the programs reading
 * them are not on this host.
 */
class ShellAttack17btTest {
  static final ShellJudge DEFAULT = ShellAttack17ahTest.DEFAULT;
  static final ShellJudge ALLOW_LIST = ShellAttack17ahTest.ALLOW_LIST;
  static final ShellJudge WIDE_ALLOW_LIST = ShellAttack17ahTest.WIDE_ALLOW_LIST;

  // ---------------------------------------------------------------- T1: env -S takes options out of its string

  @ParameterizedTest(name = "deny-list: env -S's string starts with env's own options or blanks bash keeps: {0}")
  @ValueSource(strings = {
      "env -S '-u X touch WITNESS'",
      "env -S '-- touch WITNESS'",
      "env -S '-C . touch WITNESS'",
      "env --split-string='-u X touch WITNESS'",
      "env -S '\u000btouch WITNESS'",
      "env -S '\ftouch WITNESS'",
      "nice env -S '-u X touch WITNESS'",
      "find . -maxdepth 0 -exec env -S '-- touch WITNESS' \\;",
      "sh -c \"env -S '-- touch WITNESS'\""})
  void envSplitString(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(DEFAULT, template, tmp, false);
  }

  @ParameterizedTest(name = "deny-list: a recursive delete of the root through env -S''s options is not allowed: {0}")
  @ValueSource(strings = {"env -S '-- rm -rf /'", "env -S '-u X rm -rf /'", "env -S '-C / rm -rf etc'",
      "env -S '\u000brm -rf /'"})
  void envSplitStringRootDelete(String text) {
    assertThat(DEFAULT.judge(text).verdict().label()).as(text).isEqualTo("block");
  }

  // ---------------------------------------------------------------- T2: ld.so --argv0 sh: bash in POSIX mode

  @ParameterizedTest(name = "deny-list: bash started by the loader as sh reads its code in POSIX mode: {0}")
  @ValueSource(strings = {
      "/lib64/ld-linux-x86-64.so.2 --argv0 sh /bin/bash -c 'ls -d \"${x:-'\\''}\" ; touch WITNESS ; \"'\\''}\"'",
      "/lib64/ld-linux-x86-64.so.2 --argv0 -sh /bin/bash -c 'ls -d \"${x:-'\\''}\" ; touch WITNESS ; \"'\\''}\"'",
      "/lib64/ld-linux-x86-64.so.2 --argv0 sh /bin/bash -s <<< 'ls -d \"${x:-'\\''}\" ; touch WITNESS ; \"'\\''}\"'"})
  void loaderArgv0(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(DEFAULT, template, tmp, false);
  }

  // ---------------------------------------------------------------- T3: compgen -W read as ': LIST'

  @ParameterizedTest(name = "deny-list: a # in compgen -W's list hides the substitutions bash expands: {0}")
  @ValueSource(strings = {
      "compgen -W '#x $(touch WITNESS)'",
      "compgen -W 'a # `touch WITNESS`' a",
      "compgen -o default -W '# $(touch WITNESS)' x"})
  void compgenWordList(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(DEFAULT, template, tmp, false);
  }

  // ---------------------------------------------------------------- T4: fakeroot -s PATTERN before eval

  @ParameterizedTest(name = "deny-list: fakeroot -s's pattern expands to file names fakeroot evals: {0}")
  @ValueSource(strings = {": > ';touch w;'; fakeroot -s '*' true"})
  void fakerootSaveFilePattern(String template, @TempDir Path tmp) throws Exception {
    if (!Files.isExecutable(Path.of("/usr/bin/fakeroot"))) {
      return;
    }
    BashWitness.assertRunsNoUnjudgedTouch(DEFAULT, template, tmp, false);
  }

  // ---------------------------------------------------------------- T5: mapfile -C gets INDEX 'LINE' appended

  @ParameterizedTest(name = "deny-list: mapfile's callback sources the file its index names: {0}")
  @ValueSource(strings = {
      "echo 'touch WITNESS' > 0; mapfile -C source -c 1 x <<< a",
      "echo 'touch WITNESS' > 0; mapfile -C . -c 1 x <<< a",
      "echo 'touch WITNESS' > 7; readarray -O 7 -C source -c 1 x <<< a",
      "echo 'touch WITNESS' > 0; mapfile -C 'builtin source' -c 1 x <<< a",
      "printf 'BEGIN{system(\"touch WITNESS\")}' > 0; mapfile -C 'awk -f' -c 1 x <<< a",
      "echo 'touch WITNESS' > compgen; compgen -C source -- x",
      "echo 'touch WITNESS' > compgen; compgen -C . x"})
  void mapfileCallbackArguments(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(DEFAULT, template, tmp, false);
  }

  // ---------------------------------------------------------------- T6: find DIR "$v" with v=-delete

  /** The judge allows the delete of the test's own directory, and bash deletes it. */
  @ParameterizedTest(name = "{0}: v=-delete; find DIR \"$v\" deletes DIR")
  @ValueSource(strings = {"deny-list", "wide allow-list"})
  void findWordAfterStartingPointIsDelete(String list, @TempDir Path tmp) throws Exception {
    ShellJudge judge = list.equals("deny-list") ? DEFAULT : WIDE_ALLOW_LIST;
    Path d = tmp.resolve("d");
    Files.createDirectories(d.resolve("e/f"));
    Files.writeString(d.resolve("e/f/g"), "x");
    String text = "v=-delete; find " + d + " \"$v\"";
    ShellJudgement exec = judge.judge(text);
    if (!(exec.verdict() instanceof dev.gatehouse.policy.Verdict.Allow)) {
      return;
    }
    String out = BashWitness.run(tmp, List.of("bash", "--norc", "--noprofile", "-c", text), "");
    assertThat(Files.exists(d)).as("the guard allowed %s (%s %s); bash deleted the directory: %s", text,
        exec.verdict().label(), exec.commands(), out).isTrue();
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"v=-delete; find / \"$v\"", "v=-delete; cd / && find \"$v\"", "find / \"$v\"",
      "cd / && find \"$v\""})
  void findWordAfterRootMayBeDelete(String text) {
    assertThat(DEFAULT.judge(text).verdict().label()).as("deny-list: " + text).isNotEqualTo("allow");
    assertThat(WIDE_ALLOW_LIST.judge(text).verdict().label()).as("wide allow-list: " + text).isNotEqualTo("allow");
  }

  // ---------------------------------------------------------------- T7: an editor variable's code gets the file appended

  @ParameterizedTest(name = "deny-list: an editor variable holding '.' sources the file the program hands it: {0}")
  @ValueSource(strings = {
      "git init -q r && cd r && GIT_EDITOR=' .' GIT_AUTHOR_NAME=a GIT_AUTHOR_EMAIL=a@b GIT_COMMITTER_NAME=a"
          + " GIT_COMMITTER_EMAIL=a@b git commit -q --allow-empty -e -m 'touch WITNESS'",
      "git init -q r && cd r && EDITOR=' .' GIT_AUTHOR_NAME=a GIT_AUTHOR_EMAIL=a@b GIT_COMMITTER_NAME=a"
          + " GIT_COMMITTER_EMAIL=a@b git commit -q --allow-empty -e -m 'touch WITNESS'",
      "printf 'touch WITNESS\\n' > f; VISUAL=. sensible-editor ./f",
      "printf 'touch WITNESS\\n' > f; EDITOR=. sensible-editor ./f",
      "printf 'touch WITNESS\\n' > f; PAGER=. sensible-pager ./f"})
  void editorVariableGetsTheFile(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(DEFAULT, template, tmp, false);
  }

  @ParameterizedTest(name = "deny-list: {0}")
  @ValueSource(strings = {"GIT_EDITOR=' .' git commit -q --allow-empty -e -m 'reboot'",
      "printf 'reboot\\n' > f; EDITOR=. sensible-editor ./f"})
  void editorVariablePowerIsNotAllowed(String text) {
    assertThat(DEFAULT.judge(text).verdict().label()).as(text).isNotEqualTo("allow");
  }

  // ---------------------------------------------------------------- tried and refused (regressions)

  @ParameterizedTest(name = "refused: {0}")
  @ValueSource(strings = {
      "sh -c ': \\\n# '\\''\necho $'\\''\\'\\'';touch W;#'\\'''",
      "time ! touch W", "time { touch W; }", "coproc ! touch W", "command ! touch W",
      "/usr/bin/time -f 'touch W' -o s true; sh s", "command time -f 'touch W' -o s true; bash s",
      "logsave s echo 'touch W'; sh s", "command time -f x -o .bashrc ls",
      "nice -n$(cat f) true", "xargs -n$(cat f) true", "watch -n$(cat f) true", "time -f$(cat f) true",
      "exec -a sh /proc/self/exe -c 'touch W'", "command exec -a sh bash -c 'ls -d \"${x:-'\\''}\" ; touch W ; \"'\\''}\"'",
      "env -S 'rm\\_-rf\\_/'", "env -S 'touch\\_W'", "env -S '\rrm -rf /'",
      "declare -a 'x=($(touch W))'", "a=([$(touch W)]=1)", "man -H'touch W' ls",
      "printf 'DEFINE pager touch W\\n' > f; man -C f ls", "echo x >> .ssh/rc", "rm -rf }  { /",
      "find /etc -name x \"$v\""})
  void triedAndRefused(String text) {
    assertThat(DEFAULT.judge(text).verdict().label()).as(text).isNotEqualTo("allow");
  }
}
