package dev.gatehouse.policy.shell;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Attack pass 17n on the shell judge (after the here-document re-reading, the code-option
 * variables and the interactive interpreters of 17m). Each test asserts the secure outcome against
 * real bash; the only command the texts run is {@code touch} of a file in a temporary directory.
 *
 * <p><b>Here-documents: {@code $((…) )} that bash reads as a command substitution.</b> bash reads
 * {@code $((} as arithmetic only when a matching {@code ))} closes it; {@code $((cmd) )}, {@code
 * $(( (cmd) ) )}, {@code $((cmd)>f)} are a substitution of a subshell, and bash runs it when it
 * expands an unquoted here-document's body. At the start of an indented body line tree-sitter
 * gives no node for it, and {@code CommandReader.dollarParens} (which decides whether the body is
 * read again) skips every {@code $((}: the body is not re-read and only {@code cat} is listed. The
 * same skip lets a plain {@code $(…)} at the start of an indented line go unread when the body also
 * holds a {@code $((…) )} the grammar does count ({@code x$((echo a) )}: the counts match). A
 * blocked class ({@code $((reboot) )}, {@code $(reboot)} after such a line) is allowed too.
 *
 * <p><b>Here-documents: the re-reading's own text.</b> When the body is re-read, every line's
 * leading blanks become a letter, inside the command substitution too: an inner {@code <<-X}
 * whose end line is tab-indented ends there for bash but not in the re-read, which then takes the
 * following lines ({@code touch W}) as here-document text up to a later {@code X}.
 *
 * <p><b>Variables that give a program its options or a command, not in the lists.</b> {@code ZIP}
 * (zip reads it as {@code ZIPOPT}: {@code -TT CMD}), {@code DPKG_PAGER} (dpkg-query's pager on a
 * terminal), {@code SELECTED_EDITOR} (sensible-editor runs it), {@code SYSTEMD_LESS} with {@code
 * SYSTEMD_PAGERSECURE=0} (the options systemd hands less: {@code +!CMD}; {@code systemctl status}
 * is allow-listed).
 *
 * <p><b>Known variables set by other routes.</b> {@code TAR_OPTIONS}, {@code ZIPOPT}, {@code
 * GIT_CONFIG_PARAMETERS}, {@code GIT_EXTERNAL_DIFF}, {@code PAGER} set by {@code printf -v} or
 * {@code read} (the reading does not take them as assignments of a value), or by {@code export} /
 * {@code declare -x} of a name with an empty quote inside ({@code TAR_OPT''IONS=…}: bash's export
 * removes the quotes; {@code export "TAR_OPTIONS=…"} is caught). {@code export BASH_E''NV=…} is
 * allowed as an exec request; {@code export LD_PRE''LOAD=…} is allowed both ways where {@code
 * LD_PRELOAD} is {@code guard-tamper}.
 *
 * <p><b>Known command-running options in other spellings.</b> GNU long options may be abbreviated
 * ({@code tar --to-comm=}, {@code --use-comp=}, {@code --checkpoint-act=}; {@code zip
 * --unzip-comm=}; {@code man --pag=}); gdb takes long options with one dash and by prefix ({@code
 * -eval}, {@code --eval-comm=}, {@code -init-eval}); {@code zip -TT'CMD'} attached; sqlite3's dot
 * commands by prefix ({@code .sh}), {@code .once |CMD}, {@code .output |CMD}, its {@code edit()}
 * SQL function, and dot commands given on standard input; {@code fakeroot --faked CMD}.
 *
 * <p><b>Wrappers.</b> capsh's {@code -+} and {@code =+} (cap_launch forms of {@code --} and
 * {@code ==}) run bash (or {@code --shell=}) with what follows, unread; {@code capsh -+} alone
 * is a bash prompt judged allow.
 *
 * <p><b>Inline code the reading does not see as such.</b> Commands fed on standard input to
 * programs that run them: {@code vim -es}/{@code ex -s} (Ex {@code !CMD}), {@code ed} ({@code
 * !CMD}), gdb without {@code --batch} in an exec request, {@code vim -S /dev/stdin}, {@code -u
 * /dev/stdin}; vim under its other names ({@code editor}, {@code vimdiff}) with {@code -c};
 * {@code python3 -m timeit CODE} (and under {@code -m cProfile}); python's {@code
 * --check-hash-based-pycs VALUE}, whose value the reading takes for the script, before {@code -c};
 * {@code perl -M'MODULE;CODE'} (perl inserts it as {@code use MODULE;CODE}; without an {@code e}
 * in it the reading misses it); {@code node --import=data:…} (a module given inline); {@code strace
 * -o '|CMD'}; {@code make --eval}/{@code -E}, {@code make -f -} with a here-string; {@code npx -c
 * CMD}, {@code npm exec --call=CMD}.
 *
 * <p><b>Option values taken for the script.</b> python's {@code --check-hash-based-pycs MODE},
 * node's {@code -r MODULE}/{@code --title T}/{@code -C COND}, perl's {@code -I DIR}, tclsh's
 * {@code -encoding NAME}: {@code Interpreters.source} takes the value for a script on disk, so an
 * interpreter that reads its code from a pipe or a here-string is allowed, and with nothing fed it
 * is a prompt (or perl reading the terminal) judged allow; {@code python3 -m cProfile -m code}
 * too (only the first module is looked at).
 *
 * <p><b>A prompt judged allow.</b> {@code sqlite3} alone at the guarded prompt is sqlite's own
 * prompt, whose {@code .shell} runs any command typed at it, unjudged.
 */
class ShellAttack17nTest {
  static final ShellJudge DEFAULT = ShellJudgeTest.DEFAULT;

  /**
   * {@code $((cmd) )} at the start of an indented here-document line: bash runs the subshell when
   * it expands the body; the reading lists only {@code cat} (exec and typed alike).
   */
  @ParameterizedTest(name = "here-document $((…) ): {0}")
  @ValueSource(strings = {
      "cat <<EOF\n $((touch WITNESS) )\nEOF",
      "cat <<EOF\n\t$((touch WITNESS) )\nEOF",
      "cat <<-EOF\n\t$((touch WITNESS) )\n\tEOF",
      "cat <<EOF\n $(( (touch WITNESS) ) )\nEOF",
      "cat <<EOF\n $((touch WITNESS)>/dev/null)\nEOF",
      "cat <<EOF\n $((touch WITNESS)|cat)\nEOF",
      "cat <<EOF\n $((\ntouch WITNESS) )\nEOF",
      "cat <<EOF >/dev/null\n $((touch WITNESS) )\nEOF",
      "cat <<EOF | cat\n $((touch WITNESS) )\nEOF",
      "cat <<EOF\n $((touch WITNESS) ) $(echo a)\nEOF",
      "echo \"$(cat <<EOF\n $((touch WITNESS) )\nEOF\n)\"",
      // The grammar counts the first line's $((…) ) as a substitution, dollarParens does not: the
      // counts match and the indented $(…) of the second line is never read.
      "cat <<EOF\nx$((echo a) )\n $(touch WITNESS)\nEOF"})
  void aSubshellSubstitutionInAnIndentedHereDocumentLineIsJudged(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(DEFAULT, template, tmp, false);
  }

  /** The same places holding a blocked class (judged only, never run): found one character later, missed here. */
  @ParameterizedTest(name = "here-document, blocked class: {0}")
  @ValueSource(strings = {"cat <<EOF\n $((reboot) )\nEOF", "cat <<EOF\nx$((echo a) )\n $(reboot)\nEOF"})
  void aBlockedCommandInAnIndentedHereDocumentLineIsBlocked(String text) {
    String later = "cat <<EOF\nx$((reboot) )\nEOF";
    assertThat(DEFAULT.judge(later).verdict().label()).as(later).isEqualTo("block");
    assertThat(DEFAULT.judge(text).verdict().label()).as("%s: %s", text, DEFAULT.judge(text).commands()).isEqualTo("block");
    assertThat(DEFAULT.judgeTyped(text).verdict().label()).as(text).isEqualTo("block");
  }

  /**
   * The re-reading itself parts from bash: it turns every line's leading blanks into a letter, also
   * inside the command substitution it reads, so the tab-indented end of an inner {@code <<-X}
   * ({@code \tX}, which bash takes for the end) becomes {@code xX}; the re-read inner body runs on
   * to a later {@code X} line and swallows the commands between ({@code touch W}), listing {@code
   * Y} as a command instead. Exec and typed alike allowed with {@code [cat, Y, cat, cat]}.
   */
  @ParameterizedTest(name = "here-document re-read: {0}")
  @ValueSource(strings = {
      "cat <<EOF\n $(cat <<-X\n\tX\ntouch WITNESS\ncat <<Y\nX\nY\n)\nEOF",
      "cat <<EOF\n\t$(cat <<-X\n\tX\ntouch WITNESS\ncat <<Y\nX\nY\n)\nEOF",
      "cat <<EOF\n $(cat <<-X\n\tX\ntouch WITNESS\ncat <<Y\nX\nY\n)\n$(echo a)\nEOF",
      "f() { cat <<EOF\n $(cat <<-X\n\tX\ntouch WITNESS\ncat <<Y\nX\nY\n)\nEOF\n}; f"})
  void theReReadHereDocumentBodyReadsAsBashDoes(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(DEFAULT, template, tmp, false);
  }

  /** The same with a blocked class in the swallowed place (judged only, never run). */
  @ParameterizedTest(name = "here-document re-read, blocked class: {0}")
  @ValueSource(strings = {"cat <<EOF\n $(cat <<-X\n\tX\nreboot\ncat <<Y\nX\nY\n)\nEOF"})
  void aBlockedCommandSwallowedByTheReReadIsBlocked(String text) {
    assertThat(DEFAULT.judge(text).verdict().label()).as("%s: %s", text, DEFAULT.judge(text).commands()).isEqualTo("block");
    assertThat(DEFAULT.judgeTyped(text).verdict().label()).as(text).isEqualTo("block");
  }

  /** Variables a program takes its options or a command from, in no list of the reading. */
  @ParameterizedTest(name = "variable: {0}")
  @ValueSource(strings = {
      "ZIP='-T -TT \"touch WITNESS\"' zip a.zip /etc/hostname",
      "SELECTED_EDITOR='touch WITNESS' sensible-editor x"})
  void aVariableThatGivesAProgramACommandIsJudged(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(DEFAULT, template, tmp, false);
  }

  /** The same for programs that run their pager only on a terminal (the guarded prompt's case). */
  @ParameterizedTest(name = "variable, on a terminal: {0}")
  @ValueSource(strings = {
      "DPKG_PAGER='touch WITNESS' dpkg-query -l",
      "SYSTEMD_PAGERSECURE=0 SYSTEMD_LESS=$'+!touch WITNESS\\n' systemctl status --help",
      "SYSTEMD_PAGERSECURE=0 SYSTEMD_LESS=$'+!touch WITNESS\\n' journalctl --help",
      "export PAG''ER='touch WITNESS'; man ls",
      "printf -v PAGER %s 'touch WITNESS'; export PAGER; man ls",
      "read -r PAGER <<< 'touch WITNESS'; export PAGER; man ls",
      "man --pag='touch WITNESS' ls"})
  void aPagerVariableOrOptionOnATerminalIsJudged(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(DEFAULT, template, tmp, true);
  }

  /** Known variables set by printf -v, read, or export/declare of a name with an empty quote in it. */
  @ParameterizedTest(name = "set another way: {0}")
  @ValueSource(strings = {
      "printf -v TAR_OPTIONS %s '--checkpoint=1 --checkpoint-action=exec=touch\\ WITNESS'; export TAR_OPTIONS; tar cf /dev/null /etc/hostname",
      "read -r TAR_OPTIONS <<< '--checkpoint=1 --checkpoint-action=exec=touch\\ WITNESS'; export TAR_OPTIONS; tar cf /dev/null /etc/hostname",
      "IFS= read -r -d '' TAR_OPTIONS < <(printf %s '--checkpoint=1 --checkpoint-action=exec=touch\\ WITNESS'); export TAR_OPTIONS; tar cf /dev/null /etc/hostname",
      "export TAR_OPT''IONS='--checkpoint=1 --checkpoint-action=exec=touch\\ WITNESS'; tar cf /dev/null /etc/hostname",
      "declare -x TAR_OPT\"\"IONS='--checkpoint=1 --checkpoint-action=exec=touch\\ WITNESS'; tar cf /dev/null /etc/hostname",
      "printf -v ZIPOPT %s '-T -TT \"touch WITNESS\"'; export ZIPOPT; zip a.zip /etc/hostname",
      "printf -v GIT_CONFIG_PARAMETERS %s \"'alias.st'='!touch WITNESS'\"; export GIT_CONFIG_PARAMETERS; git st",
      "read -r GIT_EXTERNAL_DIFF <<< 'touch WITNESS;:'; export GIT_EXTERNAL_DIFF; git diff --no-index /etc/hostname /etc/hosts",
      "export BASH_E''NV=/dev/stdin; bash -c true <<< 'touch WITNESS'",
      "declare -x BASH_E\"\"NV=/dev/stdin; bash -c true <<< 'touch WITNESS'"})
  void aKnownVariableSetAnotherWayIsJudged(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(DEFAULT, template, tmp, false);
  }

  /** {@code export LD_PRE''LOAD=…} sets LD_PRELOAD (bash's export removes the quotes): judged as the plain name. */
  @ParameterizedTest(name = "quoted name: {0}")
  @ValueSource(strings = {"export LD_PRE''LOAD=/x.so; true", "declare -x LD_PRE\"\"LOAD=/x.so; true"})
  void aQuotedNameIsJudgedAsTheNameBashSets(String text, @TempDir Path tmp) throws Exception {
    // bash exported LD_PRELOAD: the loader of the next program run reports the missing library.
    String out = BashWitness.run(tmp, List.of("bash", "--norc", "--noprofile", "-c", text.replace("; true", "; /bin/true")), "");
    assertThat(out).as("bash set LD_PRELOAD").contains("LD_PRELOAD");
    String plain = text.replace("''", "").replace("\"\"", "");
    assertThat(DEFAULT.judge(text).verdict().label()).as(text).isEqualTo(DEFAULT.judge(plain).verdict().label());
    assertThat(DEFAULT.judgeTyped(text).verdict().label()).as(text).isEqualTo(DEFAULT.judgeTyped(plain).verdict().label());
  }

  /** Options the reading knows run a command, spelled another way bash's programs accept. */
  @ParameterizedTest(name = "option spelling: {0}")
  @ValueSource(strings = {
      "tar cf a.tar /etc/hostname; tar xf a.tar --to-comm='touch WITNESS'",
      "tar cf a.tar /etc/hostname; tar -x --to-c 'touch WITNESS' -f a.tar",
      "tar cf a.tar --use-comp='touch WITNESS;:' /etc/hostname",
      "tar -c -f a.tar --checkpoint=1 --checkpoint-act=exec='touch WITNESS' /etc/hostname",
      "zip -T -TT'touch WITNESS' a.zip /etc/hostname",
      "zip -T --unzip-comm='touch WITNESS' a.zip /etc/hostname",
      "gdb -batch -nx --eval-comm='shell touch WITNESS'",
      "gdb -batch -nx --eval-com 'shell touch WITNESS'",
      "gdb -batch -nx -eval 'shell touch WITNESS'",
      "gdb -batch -nx -init-eval 'shell touch WITNESS'",
      "gdb -batch -nx -init-eval-c='shell touch WITNESS'",
      "sqlite3 :memory: '.sh touch WITNESS'",
      "sqlite3 :memory: '.syst touch WITNESS'",
      "sqlite3 :memory: '.once |touch WITNESS' 'select 1;'",
      "sqlite3 :memory: '.output |touch WITNESS' 'select 1;'",
      "sqlite3 :memory: \"select edit('x','touch WITNESS');\"",
      "sqlite3 -batch :memory: '.shell touch WITNESS'",
      "sqlite3 :memory: 'select 1;' '.shell touch WITNESS'",
      "fakeroot --faked 'touch WITNESS' true"})
  void aKnownOptionSpelledAnotherWayIsJudged(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(DEFAULT, template, tmp, false);
  }

  /** Code a program runs, given inline (on its input or in its arguments) in a form the reading does not see as code. */
  @ParameterizedTest(name = "inline code: {0}")
  @ValueSource(strings = {
      "vim -es <<< '!touch WITNESS'",
      "ex -s <<< '!touch WITNESS'",
      "echo '!touch WITNESS' | vim -es",
      "vim -es -S /dev/stdin <<< '!touch WITNESS'",
      "vim -Nes -u /dev/stdin <<< '!touch WITNESS'",
      "editor -es -c '!touch WITNESS' -c q",
      "vimdiff -es -c '!touch WITNESS' -c q",
      "ed -s <<< '!touch WITNESS'",
      "printf '!touch WITNESS\\n' | ed -s",
      "gdb -q <<< 'shell touch WITNESS'",
      "sqlite3 :memory: <<< '.shell touch WITNESS'",
      "echo '.shell touch WITNESS' | sqlite3",
      "sqlite3 -init /dev/stdin :memory: .quit <<< '.shell touch WITNESS'",
      "python3 -m timeit -n 1 'import os; os.system(\"touch WITNESS\")'",
      "python3 -m timeit -s'import os; os.system(\"touch WITNESS\")' pass",
      "python3 -m cProfile -m timeit -n 1 'import os; os.system(\"touch WITNESS\")'",
      "python3 --check-hash-based-pycs always -c 'import os; os.system(\"touch WITNESS\")'",
      "node --import='data:text/javascript,import(\"child_process\").then(m=>m.execSync(\"touch WITNESS\"))' /dev/null",
      "node --import 'data:text/javascript,import(\"child_process\").then(m=>m.execSync(\"touch WITNESS\"))' /dev/null",
      "strace -o '|touch WITNESS' true",
      "strace --output='|touch WITNESS' true",
      "make -n --eval='$(shell touch WITNESS)'",
      "make -n -E '$(shell touch WITNESS)'",
      "make -f - <<< 'x: ; touch WITNESS'"})
  void inlineCodeIsJudged(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(DEFAULT, template, tmp, false);
  }

  /**
   * {@code perl -M'MODULE;CODE'}: perl runs {@code use MODULE;CODE;}. The reading looks for an
   * {@code e} in the bundle; the code here has none (the file is named relative to the working
   * directory, where bash runs).
   */
  @ParameterizedTest(name = "perl -M: {0}")
  @ValueSource(strings = {"perl -M'POSIX;qx(touch w)' /dev/null", "perl '-MPOSIX;qx(touch w)' /dev/null"})
  void perlModuleCodeIsJudged(String text, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(DEFAULT, text, tmp, false); // the text names the witness w
  }

  /**
   * sqlite3 without SQL is its own prompt: {@code .shell CMD} typed at it runs CMD, unjudged.
   * Real first (on a terminal, as at the prompt); then the judge must not allow it typed.
   */
  @ParameterizedTest(name = "prompt: {0}")
  @ValueSource(strings = {"sqlite3", "sqlite3 :memory:"})
  void sqlitesPromptIsANestedShell(String text, @TempDir Path tmp) throws Exception {
    Path w = tmp.resolve("w");
    String out = BashWitness.run(tmp, List.of("script", "-qec", text, "/dev/null"), ".shell touch " + w + "\n.quit\n");
    assumeTrue(Files.exists(w), "sqlite3 did not run the command typed at it here: " + out);
    ShellJudgement typed = DEFAULT.judgeTyped(text);
    assertThat(typed.verdict().label()).as("%s starts a prompt that ran `touch W` typed at it, unjudged; judged %s %s",
        text, typed.verdict().label(), typed.verdict().rule()).isNotEqualTo("allow");
    assertThat(typed.verdict().rule()).as(text).isEqualTo("nested-shell");
  }

  /**
   * An option whose value is the next word, which the reading takes for the script: python's
   * {@code --check-hash-based-pycs MODE}, node's {@code -r MODULE}, {@code --title T}, {@code -C
   * COND}, perl's {@code -I DIR}, tclsh's {@code -encoding NAME}. With no script the interpreter
   * reads its code from standard input: fed by a pipe or a here-string, it runs code the reading
   * never sees as such ({@code interpreter-inline} is for code on standard input).
   */
  @ParameterizedTest(name = "option value taken for the script: {0}")
  @ValueSource(strings = {
      "echo 'import os; os.system(\"touch WITNESS\")' | python3 --check-hash-based-pycs always",
      "python3 --check-hash-based-pycs always <<< 'import os; os.system(\"touch WITNESS\")'",
      "echo 'require(\"child_process\").execSync(\"touch WITNESS\")' | node -r fs",
      "node -r fs <<< 'require(\"child_process\").execSync(\"touch WITNESS\")'",
      "node --title x <<< 'require(\"child_process\").execSync(\"touch WITNESS\")'",
      "node -C dev <<< 'require(\"child_process\").execSync(\"touch WITNESS\")'",
      "echo 'system q(touch WITNESS)' | perl -I /tmp",
      "perl -I /tmp <<< 'system q(touch WITNESS)'",
      "echo 'exec touch WITNESS' | tclsh -encoding utf-8"})
  void codeOnStandardInputBehindAnOptionValueIsJudged(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(DEFAULT, template, tmp, false);
  }

  /**
   * The same at the prompt with nothing fed: the interpreter reads the terminal (python's and
   * node's prompt; perl reads a program up to Ctrl-D), or a prompt module runs under another
   * ({@code python3 -m cProfile -m code}). Real first, on a terminal; then the typed judgement must
   * not allow it.
   */
  @ParameterizedTest(name = "prompt behind an option: {0}")
  @ValueSource(strings = {
      "python3 --check-hash-based-pycs always",
      "python3 -m cProfile -m code",
      "node -r fs",
      "node --title x",
      "perl -I /tmp"})
  void anInterpreterPromptBehindAnOptionValueIsANestedShell(String text, @TempDir Path tmp) throws Exception {
    Path w = tmp.resolve("w");
    String code = text.startsWith("python3") ? "import os; os.system('touch " + w + "')\nexit()\n"
        : text.startsWith("node") ? "require('child_process').execSync('touch " + w + "')\n.exit\n"
        : "system q(touch " + w + ");\n\u0004";
    String out = BashWitness.run(tmp, List.of("script", "-qec", text, "/dev/null"), code);
    assumeTrue(Files.exists(w), "the program did not run the code typed at it here: " + out);
    ShellJudgement typed = DEFAULT.judgeTyped(text);
    assertThat(typed.verdict().label()).as("%s read `touch W` typed at it and ran it, unjudged; judged %s %s",
        text, typed.verdict().label(), typed.verdict().rule()).isNotEqualTo("allow");
    assertThat(typed.verdict().rule()).as(text).isIn("nested-shell", "interpreter-inline");
  }

  /**
   * {@code npx -c CMD} and {@code npm exec --call=CMD} run CMD with a shell: allowed with {@code
   * [npx]}/{@code [npm]}. Run offline, in a network namespace of its own ({@code unshare -n}), so
   * nothing is fetched.
   */
  @ParameterizedTest(name = "npm exec: {0}")
  @ValueSource(strings = {
      "npm_config_offline=true npm_config_update_notifier=false npx --offline -c 'touch WITNESS'",
      "npm_config_offline=true npm_config_update_notifier=false npm exec --offline --call='touch WITNESS'"})
  void npmExecRunsOnlyWhatTheGuardJudged(String template, @TempDir Path tmp) throws Exception {
    Path w = tmp.resolve("w");
    String text = template.replace("WITNESS", w.toString());
    ShellJudgement exec = DEFAULT.judge(text);
    ShellJudgement typed = DEFAULT.judgeTyped(text);
    if (!BashWitness.allowedWithoutTouch(exec) && !BashWitness.allowedWithoutTouch(typed)) {
      return;
    }
    Path probe = tmp.resolve("probe");
    BashWitness.run(tmp, List.of("unshare", "-n", "touch", probe.toString()), "");
    assumeTrue(Files.exists(probe), "no network namespace here: the text is not run");
    String out = BashWitness.run(tmp, List.of("unshare", "-n", "bash", "--norc", "--noprofile", "-c", text), "");
    assertThat(Files.exists(w)).as("the guard allowed %s (exec: %s %s, typed: %s %s); bash ran touch W: %s", text,
        exec.verdict().label(), exec.commands(), typed.verdict().label(), typed.commands(), out).isFalse();
  }

  /**
   * capsh's {@code -+} runs the shell (bash, or {@code --shell=PATH}) with the words after it, as
   * {@code --} does but through cap_launch; {@code =+} does the same for capsh itself.
   * {@code Wrappers.capsh} knows only {@code --} and {@code ==}: the command is not listed.
   */
  @ParameterizedTest(name = "capsh -+: {0}")
  @ValueSource(strings = {
      "capsh -+ -c 'touch WITNESS'",
      "capsh --shell=/usr/bin/touch -+ WITNESS",
      "capsh =+ -+ -c 'touch WITNESS'"})
  void capshLaunchRunsOnlyWhatTheGuardJudged(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(DEFAULT, template, tmp, false);
  }

  /** The same holding a blocked class (judged only, never run). */
  @ParameterizedTest(name = "capsh -+, blocked class: {0}")
  @ValueSource(strings = {"capsh --shell=/bin/sh -+ -c reboot", "capsh -+ -c 'rm -rf /'"})
  void aBlockedCommandBehindCapshLaunchIsBlocked(String text) {
    String plain = text.replace("-+", "--");
    assertThat(DEFAULT.judge(plain).verdict().label()).as(plain).isEqualTo("block");
    assertThat(DEFAULT.judge(text).verdict().label()).as("%s: %s", text, DEFAULT.judge(text).commands()).isEqualTo("block");
    assertThat(DEFAULT.judgeTyped(text).verdict().label()).as(text).isEqualTo("block");
  }

  /** {@code capsh -+} alone starts bash at the prompt (as {@code capsh --} does): a nested shell, judged allow. */
  @ParameterizedTest(name = "capsh prompt: {0}")
  @ValueSource(strings = {"capsh -+", "capsh =+ -+"})
  void capshLaunchAloneIsANestedShell(String text, @TempDir Path tmp) throws Exception {
    Path w = tmp.resolve("w");
    String out = BashWitness.run(tmp, List.of("script", "-qec", text, "/dev/null"), "touch " + w + "\nexit\n");
    assumeTrue(Files.exists(w), "capsh gave no shell here: " + out);
    ShellJudgement typed = DEFAULT.judgeTyped(text);
    assertThat(typed.verdict().rule()).as("%s starts bash, which ran `touch W` typed at it; judged %s",
        text, typed.verdict().label()).isEqualTo("nested-shell");
  }

  /**
   * Close variants the judge handled (they pass): the same substitution not at a line's start, a
   * subshell in {@code $( … )} at an indented start, the variables and options in their plain
   * spellings, {@code export "NAME=…"}, {@code env -S}, {@code local -x}, a {@code for} variable.
   */
  @ParameterizedTest(name = "held: {0}")
  @ValueSource(strings = {
      "cat <<EOF\na $((touch WITNESS) )\nEOF",
      "cat <<EOF\n$((touch WITNESS) )\nEOF",
      "cat <<EOF\n\t$( (touch WITNESS) )\nEOF",
      "cat <<EOF\n  \"$((touch WITNESS) )\"\nEOF",
      "cat <<EOF\n ${x:-$((touch WITNESS) )}\nEOF",
      "cat <<EOF\n $(( 1 + $((touch WITNESS) ) ))\nEOF",
      "capsh =+ -- -c 'touch WITNESS'",
      "export \"TAR_OPTIONS=--checkpoint=1 --checkpoint-action=exec=touch\\ WITNESS\"; tar cf /dev/null /etc/hostname",
      "env -S \"TAR_OPTIONS='--checkpoint=1 --checkpoint-action=exec=touch\\ WITNESS' tar cf /dev/null /etc/hostname\"",
      "f() { local -x TAR_OPTIONS='--checkpoint=1 --checkpoint-action=exec=touch\\ WITNESS'; tar cf /dev/null /etc/hostname; }; f",
      "for TAR_OPTIONS in '--checkpoint=1 --checkpoint-action=exec=touch\\ WITNESS'; do export TAR_OPTIONS; tar cf /dev/null /etc/hostname; done",
      "tar cf a.tar /etc/hostname; tar xf a.tar --to-command='touch WITNESS'",
      "zip -T -TT 'touch WITNESS' a.zip /etc/hostname",
      "gdb -batch -nx -ex 'shell touch WITNESS'",
      "vim -es --cmd '!touch WITNESS' -c q",
      "ex -s '+!touch WITNESS' '+q'",
      "perl -Mstrict -e 'system q(touch WITNESS)'",
      "awk 'BEGIN{system(\"touch WITNESS\")}'",
      "sed -n 's|.*|touch WITNESS|e' /etc/hostname",
      "node -e 'require(\"child_process\").execSync(\"touch WITNESS\")'",
      "cat <<-EOF\n\t$(cat <<X\n\tX\n\ttouch WITNESS\n\tcat <<Y\n\tX\n\tY\n\t)\n\tEOF"})
  void heldVariants(String template, @TempDir Path tmp) throws Exception {
    Path w = tmp.resolve("w");
    String text = template.replace("WITNESS", w.toString());
    BashWitness.run(tmp, List.of("bash", "--norc", "--noprofile", "-c", text), "");
    assertThat(Files.exists(w)).as("bash ran the touch of %s", text).isTrue();
    for (ShellJudgement j : List.of(DEFAULT.judge(text), DEFAULT.judgeTyped(text))) {
      assertThat(BashWitness.allowedWithoutTouch(j)).as("%s: %s %s", text, j.verdict().label(), j.commands()).isFalse();
    }
  }
}
