package dev.gatehouse.policy.shell;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Attack pass 17p on the shell judge (after the 17n fixes: the here-document re-read, variables
 * stored by builtins, abbreviated long options, sqlite3/fakeroot/capsh/strace/npx, interpreter
 * option tables). Each test asserts the secure outcome against real bash; the only command the
 * texts run is {@code touch} of a file in a temporary directory (blocked classes are judged only,
 * never run).
 *
 * <p><b>Here-documents: an end line the grammar takes and bash does not.</b> bash ends an unquoted
 * here-document only at a line that is exactly the delimiter ({@code <<-}: after leading tabs
 * only), after joining a line that ends in a backslash with the next. tree-sitter also ends it at
 * the delimiter with a trailing blank ({@code "true "}), with leading blanks ({@code " true"}, also
 * for {@code <<-}, whose spaces bash keeps) and at {@code "true\"} (which bash joins with the next
 * line). Everything between that line and bash's real end is then read as commands: a {@code #
 * $(touch W)} there is a comment to the reading and body text to bash, which expands it and runs
 * the substitution. Exec and typed alike are allowed with {@code [cat, true]}; a blocked class
 * there ({@code # $(reboot)}) is allowed too. The here-document re-read of 17n never starts: the
 * body the grammar gives holds no {@code $(}.
 *
 * <p><b>git options that run a command, not in the git rule.</b> {@code git rebase -x CMD} (the
 * short form of {@code --exec}, which the rule knows), {@code git clone -u CMD} (short for
 * {@code --upload-pack}; with {@code --no-local} the local clone runs it through the shell),
 * {@code git difftool -x CMD}/{@code --extcmd=CMD}, {@code git grep -O CMD}/{@code
 * --open-files-in-pager=CMD} (the "pager" is run with the matching files), {@code git
 * filter-branch --env-filter CMD} (and its other {@code --*-filter}s): all allowed with {@code
 * [git]}. None is a hook or an alias of a repository: the command is on the judged line.
 *
 * <p><b>tar's old-style option bundle.</b> {@code tar cIf CMD a.tar FILE}: the first word without a
 * dash is a bundle of short options whose values follow in order ({@code I} takes {@code CMD},
 * {@code f} takes {@code a.tar}); the rule finds {@code -I} only in a dashed word. Allowed.
 *
 * <p><b>Commands a program reads from its input or arguments, not in {@code commandsFromInput}.</b>
 * groff/nroff with {@code -U} (unsafe mode) run {@code .sy CMD} requests from the text on their
 * standard input ({@code man -l -} with {@code MANROFFOPT=-U} too); ed takes a file argument
 * {@code !CMD} as a command whose output it reads; vim/ex run {@code +exe "\x21CMD"} (the
 * {@code !} spelled as an escape: the vim rule looks for a literal {@code !} or {@code sys}/{@code
 * py}…); {@code python3 -m pickle -} unpickles its input (protocol 0 is text: {@code cos system
 * (S'CMD' tR.} calls {@code os.system}).
 *
 * <p><b>sqlite3 option values taken for operands.</b> {@code sqlite3 -threadsafe N DB}: {@code
 * sqliteReadsInput} does not know that {@code -threadsafe} takes a value, counts {@code N} as the
 * database and {@code DB} as SQL, and so believes sqlite3 does not read its input; sqlite3 takes
 * {@code N} as the option's value, opens {@code DB} and reads dot commands from standard input
 * ({@code .shell CMD} runs). (At the prompt, with nothing fed, {@code sqlite3 -threadsafe 0
 * :memory:} is judged {@code nested-shell}: that held.)
 *
 * <p><b>Here-documents: backquotes paired by text.</b> {@code CommandReader.backquotesIn} pairs the
 * backquotes of an unquoted body by position, not knowing that a backquote inside a {@code $(…)}
 * of the body is quoted there ({@code $(: '`')}: literal for bash). With one such quoted backquote
 * before and one after, {@code $(: '`')'`touch W`'$(: '`')} pairs them with the real ones: the
 * reading takes {@code ')'} and {@code '$(: '} for the code (commands named {@code )} and {@code
 * $(: }) and {@code touch W} for text; bash runs {@code `touch W`}. The {@code $(} count matches
 * the grammar's nodes, so the re-read does not start. Allowed with {@code [:, :, ), $(: , cat]};
 * {@code `reboot`} there is allowed too.
 *
 * <p><b>A nameref to a command variable.</b> {@code declare -n r=GIT_EXTERNAL_DIFF} (also {@code
 * typeset -n}, {@code builtin declare -n}, the name with an empty quote in it) then {@code r=CMD},
 * {@code read r}, {@code printf -v r} and {@code export r}: bash sets and exports {@code
 * GIT_EXTERNAL_DIFF} (or {@code PAGER}, which man runs on a terminal), and git runs it. The reading
 * records an assignment of a value only known when it runs to the target; that is refused for the
 * option variables ({@code TAR_OPTIONS}: {@code interpreter-inline}) but not for the variables that
 * hold a command ({@code COMMAND_VARS}). ({@code declare -n r; r=NAME} is {@code guard-tamper}.)
 *
 * <p><b>Python modules that run their input, and gcc's wrapper.</b> {@code python3 -m pickle FILE}
 * unpickles {@code FILE} ({@code -}, {@code /dev/stdin} fed a here-string, or {@code <(printf …)}):
 * a protocol-0 pickle is text, {@code cos system (S'CMD' tR.} calls {@code os.system(CMD)}. {@code
 * python3 -m doctest /dev/stdin} runs the {@code >>>} examples of the text fed to it (allowed as an
 * exec request; typed it is {@code nested-shell}). {@code gcc -wrapper PROG,ARGS} runs every
 * sub-program (cc1, as, ld) under {@code PROG ARGS}: {@code -wrapper 'sh,-c,CMD'} runs CMD; also
 * from an option file ({@code gcc @o}, the options written by {@code printf} on the same line).
 */
class ShellAttack17pTest {
  static final ShellJudge DEFAULT = ShellJudgeTest.DEFAULT;

  /**
   * A here-document end line that tree-sitter accepts and bash does not: the lines after it are
   * body text to bash (expanded, the substitution run) and commands or comments to the reading.
   */
  @ParameterizedTest(name = "here-document end: {0}")
  @ValueSource(strings = {
      "cat <<true\ntrue \n# $(touch WITNESS)\ntrue",
      "cat <<true\n true\n# $(touch WITNESS)\ntrue",
      "cat <<-true\n true\n# $(touch WITNESS)\ntrue",
      "cat <<-true\n\t true\n# $(touch WITNESS)\ntrue",
      "cat <<true\ntrue\\\n# $(touch WITNESS)\ntrue",
      "cat <<EOF\nEOF \n# $(touch WITNESS)\nEOF",
      "echo \"$(cat <<true\ntrue \n# $(touch WITNESS)\ntrue\n)\""})
  void aHereDocumentEndsWhereBashEndsIt(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(DEFAULT, template, tmp, false);
  }

  /** The same holding a blocked class (judged only, never run). */
  @ParameterizedTest(name = "here-document end, blocked class: {0}")
  @ValueSource(strings = {"cat <<true\ntrue \n# $(reboot)\ntrue", "cat <<true\n true\n# $(reboot)\ntrue"})
  void aBlockedCommandAfterAFalseHereDocumentEndIsBlocked(String text) {
    assertThat(DEFAULT.judge(text).verdict().label()).as("%s: %s", text, DEFAULT.judge(text).commands()).isEqualTo("block");
    assertThat(DEFAULT.judgeTyped(text).verdict().label()).as(text).isEqualTo("block");
  }

  /** git options that run the command given on the line, in no list of the git rule. */
  @ParameterizedTest(name = "git: {0}")
  @ValueSource(strings = {
      "git init -q r && git -C r -c user.name=a -c user.email=a@b commit -q --allow-empty -m a"
          + " && git -C r -c user.name=a -c user.email=a@b rebase -q -x 'touch WITNESS' --root",
      "git init -q r && git -C r -c user.name=a -c user.email=a@b commit -q --allow-empty -m a"
          + " && git clone -q --no-local -u 'touch WITNESS;:' r y",
      "git difftool -y -x 'touch WITNESS;:' --no-index /etc/hostname /etc/hosts",
      "git difftool -y --extcmd='touch WITNESS;:' --no-index /etc/hostname /etc/hosts",
      "echo a > f; git grep --no-index -O'touch WITNESS;:' -e a f",
      "echo a > f; git grep --no-index --open-files-in-pager='touch WITNESS;:' -e a f",
      "git init -q r && git -C r -c user.name=a -c user.email=a@b commit -q --allow-empty -m a"
          + " && FILTER_BRANCH_SQUELCH_WARNING=1 git -C r filter-branch --env-filter 'touch WITNESS' HEAD"})
  void gitOptionsThatRunACommandAreJudged(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(DEFAULT, template, tmp, false);
  }

  /** tar's old-style bundle: {@code I} takes the first word after the bundle, {@code f} the next. */
  @ParameterizedTest(name = "tar bundle: {0}")
  @ValueSource(strings = {"tar cIf 'touch WITNESS;:' a.tar /etc/hostname"})
  void tarsOldStyleBundleIsJudged(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(DEFAULT, template, tmp, false);
  }

  /** Programs that run commands given on their input or in their arguments, in forms the reading does not know. */
  @ParameterizedTest(name = "program commands: {0}")
  @ValueSource(strings = {
      "groff -U -Tutf8 <<< '.sy touch WITNESS'",
      "echo '.sy touch WITNESS' | nroff -U",
      "MANROFFOPT=-U man -l - <<< '.sy touch WITNESS'",
      "ed -s '!touch WITNESS' < /dev/null",
      "ed '!touch WITNESS' < /dev/null",
      "vim -es -N -u NONE '+exe \"\\x21touch WITNESS\"' '+q'",
      "ex -N -u NONE '+exe \"\\x21touch WITNESS\"' '+q'",
      "python3 -m pickle - <<< $'cos\\nsystem\\n(S\\'touch WITNESS\\'\\ntR.'",
      "sqlite3 -threadsafe 0 :memory: <<< '.shell touch WITNESS'",
      "echo '.shell touch WITNESS' | sqlite3 -threadsafe 1 :memory:"})
  void commandsGivenToAProgramAreJudged(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(DEFAULT, template, tmp, false);
  }

  /** Backquotes in a here-document's body, paired by the reading with a backquote quoted inside a {@code $(…)}. */
  @ParameterizedTest(name = "here-document backquotes: {0}")
  @ValueSource(strings = {
      "cat <<EOF\n$(: '`')'`touch WITNESS`'$(: '`')\nEOF",
      "cat <<EOF\n$(: '`')\n'`touch WITNESS`'\n$(: '`')\nEOF",
      "cat <<EOF >/dev/null\nx $(: '`')'`touch WITNESS`'$(: '`') y\nEOF"})
  void backquotesInAHereDocumentArePairedAsBashPairsThem(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(DEFAULT, template, tmp, false);
  }

  /** The same holding a blocked class (judged only, never run). */
  @ParameterizedTest(name = "here-document backquotes, blocked class: {0}")
  @ValueSource(strings = {"cat <<EOF\n$(: '`')'`reboot`'$(: '`')\nEOF"})
  void aBlockedCommandInMispairedBackquotesIsBlocked(String text) {
    String plain = "cat <<EOF\n`reboot`\nEOF";
    assertThat(DEFAULT.judge(plain).verdict().label()).as(plain).isEqualTo("block");
    assertThat(DEFAULT.judge(text).verdict().label()).as("%s: %s", text, DEFAULT.judge(text).commands()).isEqualTo("block");
    assertThat(DEFAULT.judgeTyped(text).verdict().label()).as(text).isEqualTo("block");
  }

  /** A command variable set through a nameref (by assignment, read or printf -v) and exported by the nameref's name. */
  @ParameterizedTest(name = "nameref: {0}")
  @ValueSource(strings = {
      "declare -n r=GIT_EXTERNAL_DIFF; r='touch WITNESS;:'; export r; git diff --no-index /etc/hostname /etc/hosts",
      "typeset -n r=GIT_EXTERNAL_DIFF; r='touch WITNESS;:'; export r; git diff --no-index /etc/hostname /etc/hosts",
      "builtin declare -n r=GIT_EXTERNAL_DIFF; r='touch WITNESS;:'; export r; git diff --no-index /etc/hostname /etc/hosts",
      "declare -n r=GIT_EXTERNAL_DI''FF; r='touch WITNESS;:'; export r; git diff --no-index /etc/hostname /etc/hosts",
      "declare -n r=GIT_EXTERNAL_DIFF; read -r r <<< 'touch WITNESS;:'; export r; git diff --no-index /etc/hostname /etc/hosts",
      "declare -n r=GIT_EXTERNAL_DIFF; printf -v r %s 'touch WITNESS;:'; export GIT_EXTERNAL_DIFF; git diff --no-index /etc/hostname /etc/hosts"})
  void aCommandVariableSetThroughANamerefIsJudged(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(DEFAULT, template, tmp, false);
  }

  /** The same for PAGER, which man runs on a terminal (the guarded prompt's case). */
  @ParameterizedTest(name = "nameref, on a terminal: {0}")
  @ValueSource(strings = {"declare -n r=PAGER; r='touch WITNESS'; export r; man ls"})
  void aPagerSetThroughANamerefIsJudged(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(DEFAULT, template, tmp, true);
  }

  /** Python modules that run code from the file or input they are given, and gcc's -wrapper (also in an @file). */
  @ParameterizedTest(name = "module or driver: {0}")
  @ValueSource(strings = {
      "python3 -m pickle /dev/stdin <<< $'cos\\nsystem\\n(S\\'touch WITNESS\\'\\ntR.'",
      "python3 -m pickle <(printf 'cos\\nsystem\\n(S%stouch WITNESS%s\\ntR.' \"'\" \"'\")",
      "python3 -m doctest /dev/stdin <<< '>>> __import__(\"os\").system(\"touch WITNESS\")'",
      "gcc -wrapper 'sh,-c,touch WITNESS' -E -x c /dev/null",
      "cc -E -x c -wrapper 'sh,-c,touch WITNESS' /dev/null",
      "printf -- '-wrapper sh,-c,touch\\\\ WITNESS\\n' > o; gcc @o -E -x c /dev/null"})
  void codeRunByAModuleOrACompilerDriverIsJudged(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(DEFAULT, template, tmp, false);
  }

  /**
   * A git option that runs a command is read the same whichever spelling is used: before, {@code
   * --exec='make test'} was {@code interpreter-inline} (a class rule) while {@code -x 'make test'}
   * was judged as {@code make test} (the reading), and {@code archive}/{@code send-pack}'s options
   * were only the class rule's.
   */
  @ParameterizedTest(name = "git spellings agree: {0}")
  @ValueSource(strings = {
      "git rebase -x 'make test' --root|git rebase --exec='make test' --root|git rebase --exec 'make test' --root"
          + "|git rebase --exe='make test' --root|git rebase -x'make test' --root",
      "git clone -u 'cat' r y|git clone --upload-pack=cat r y|git clone --upload-pack cat r y|git clone --upl=cat r y",
      "git archive --remote=r --exec='ls -l' HEAD|git archive --remote=r --exec 'ls -l' HEAD|git archive --remote=r --ex='ls -l' HEAD",
      "git -C s send-pack --receive-pack='ls -l' ../r HEAD|git -C s send-pack --exec='ls -l' ../r HEAD"})
  void gitsSpellingsOfACommandOptionAreJudgedAlike(String spellings) {
    String[] texts = spellings.split("\\|");
    ShellJudgement first = DEFAULT.judge(texts[0]);
    for (String t : texts) {
      ShellJudgement j = DEFAULT.judge(t);
      assertThat(j.verdict().label() + " " + j.commands()).as(t).isEqualTo(first.verdict().label() + " " + first.commands());
    }
    assertThat(first.verdict().label()).as(texts[0]).isEqualTo("allow");
    assertThat(first.commands()).as(texts[0]).hasSizeGreaterThan(1);
  }

  /** git archive and send-pack running the command their option gives (real git, real bash). */
  @ParameterizedTest(name = "git pack programs: {0}")
  @ValueSource(strings = {
      "git init -q r && git -C r -c user.name=a -c user.email=a@b commit -q --allow-empty -m a"
          + " && git archive --remote=r --exec='touch WITNESS;:' HEAD",
      "git init -q r && git -C r -c user.name=a -c user.email=a@b commit -q --allow-empty -m a && git init -q s"
          + " && git -C s send-pack --receive-pack='touch WITNESS;:' ../r HEAD"})
  void gitsPackProgramOptionsAreJudged(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(DEFAULT, template, tmp, false);
    String text = template.replace("WITNESS", tmp.resolve("w").toString());
    assertThat(DEFAULT.judge(text).commands()).as(text).contains("touch");
  }

  /**
   * Code fed to a program's input by a process substitution or another descriptor: bash reads it
   * like a pipe ({@code echo CMD | bash} is {@code interpreter-inline}), but the reading took the
   * input for the terminal, and on an exec request a nested shell was allowed, so these ran CMD
   * unjudged. Found reviewing the 17p fixes.
   */
  @ParameterizedTest(name = "input from a substitution: {0}")
  @ValueSource(strings = {
      "bash < <(echo 'touch WITNESS')",
      "sh 0< <(echo 'touch WITNESS')",
      "bash 0<&3 3< <(echo 'touch WITNESS')",
      "bash <&3 3< <(echo 'touch WITNESS')",
      "{ bash; } < <(echo 'touch WITNESS')",
      "(sh) < <(echo 'touch WITNESS')",
      "ed -s < <(echo '!touch WITNESS')",
      "ed -s <&3 3< <(echo '!touch WITNESS')",
      "python3 < <(echo 'import os; os.system(\"touch WITNESS\")')",
      "sqlite3 :memory: < <(echo '.shell touch WITNESS')"})
  void codeFedThroughASubstitutionIsNotAllowed(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(DEFAULT, template, tmp, false);
  }
}
