package dev.gatehouse.policy.shell;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Attack pass 17bp on the shell judge (after fcb8cb6's {@link BraceExpansion} port of braces.c and
 * {@link PosixShellCode}). Every case is allowed, without {@code touch} among its commands, by the
 * exec or the typed judgement of the judge its test names, and was run as written under bash
 * 5.2.15 (Debian 12, {@code /bin/sh} is dash 0.5.12, procps watch) through {@link
 * BashWitness#assertRunsNoUnjudgedTouch}, and created the witness file. The only command the texts
 * run is {@code touch} of the witness in the test's temporary directory (also HOME and the working
 * directory). Each case fails on the current code: that failure is the proof.
 *
 * <p><b>P1, PosixShellCode reads a word's braces without its quotes</b> (deny-list). {@code
 * PosixShellCode.bashOnly} calls {@code bashOnlyWord} only at a word's start, and {@code
 * bashOnlyWord} takes the word as the text up to the next character of {@code DELIMITERS} ({@code
 * " \t\n;&|()<>"}) whether or not it is quoted, then looks for {@code {…,…}} inside that cut. So a
 * brace expansion whose braces or comma come after a quoted blank or {@code ;} ({@code
 * {'#;touch W;',x}}: the cut is {@code {'#}, no comma before the cut's end) or after a quoted part
 * that begins the word ({@code ': '{'#',…}}: the brace is not at a word start, and the cut {@code ':}
 * holds none) is not seen: the code is then read with bash's grammar, which brace-expands it, while
 * dash keeps the braces as literal text. {@code sh -c "eval {'#;touch W;',x}"}: the judge reads
 * {@code eval '#;touch W;' x} (a comment), dash runs {@code eval '{#;touch W;,x}'}, that is {@code
 * {#}, {@code touch W}, {@code ,x}}. The same with {@code dash -c}, {@code watch} (its command is
 * run by {@code sh -c}) and a nested {@code sh -c}.
 *
 * <p><b>P2, brace expansion turned off is not followed</b> (all three lists, exec and typed). {@code
 * set +B}, {@code set +o braceexpand}, {@code set +euB} and {@code shopt -ou braceexpand} are allowed, and are not among the guard-tamper
 * routes (which cover {@code set -o posix}, {@code shopt -s compat*}, {@code set -k}, {@code
 * BASH_COMPAT} …); the judge then keeps brace-expanding the words after them ({@code
 * ShellWords.braceWords} / {@code BraceExpansion.ofSource} run whatever the options), while bash
 * keeps the braces literal. A brace word handed to {@code eval} (a builtin, allowed in every list)
 * or to {@code sh -c}/{@code bash -c} is then read by the judge as {@code '#;touch W;' x} (a
 * comment) and run by bash as {@code {#;touch W;,x}}. The same through bash's own invocation options
 * {@code bash +B -c …} and {@code bash +o braceexpand -c …} (not read by the bash reader's option
 * parsing), and across prompt lines: {@link ShellState} has no {@code braceexpand} (the hook's
 * {@code $-} loses its {@code B}, {@code ShellState.fromHook} reads only {@code f}), so after a typed
 * {@code set +B} the next line {@code eval {'#;touch W;',x}} is judged with braces on.
 *
 * <p>Tried and already refused (or not a bypass): {@code $\<newline>'…'} in {@code sh -c} code
 * (the judge removes the line continuation first: {@code $'…'} found); aliases in {@code sh -c}
 * (alias values are read as code); {@code set -k}, {@code set -o keyword}, {@code set -o posix}
 * (also {@code pos\ix}, {@code "posix"}, {@code $x}), {@code shopt -s compat31}, {@code shopt -s
 * expand_aliases}, {@code BASH_COMPAT=31}, {@code POSIXLY_CORRECT=1 bash}, {@code bash --posix},
 * {@code bash -o posix}, {@code exec -a sh bash}, {@code enable -n} (all refused); {@code shopt -s
 * nullglob} with a vanishing command word, option value or {@code sh -c} code ({@code nice [z] touch
 * W}, {@code sh -c [z] 'touch W'}: unclassified); less's first operand with a quoted brace that
 * unbalances the value-based reading ({@code less {--lesskey-src=k,h'{'}}, {@code less
 * {+\!CMD,h'{'}}: unclassified, the option reader expands from the source); {@code sed '1e eval
 * {…}'} (interpreter-inline); {@code find … -exec sh -c "eval {…}"} under the allow-lists (sh not
 * listed).
 *
 * <p>Everyday lines checked and still allowed: {@code sh -c 'ls -l'}, {@code sh -c "echo 'a b'"},
 * {@code watch -n1 'df -h'}, {@code echo {a,b}}, {@code ls {/etc,/tmp}}, {@code set -e}.
 */
class ShellAttack17bpTest {
  static final ShellJudge DEFAULT = ShellAttack17ahTest.DEFAULT;
  static final ShellJudge ALLOW_LIST = ShellAttack17ahTest.ALLOW_LIST;
  static final ShellJudge WIDE_ALLOW_LIST = ShellAttack17ahTest.WIDE_ALLOW_LIST;

  // ---------------------------------------------------------------- P1: PosixShellCode cuts words without their quotes

  @ParameterizedTest(name = "deny-list: a brace word past a quoted blank or ; in POSIX shell code, literal to dash: {0}")
  @ValueSource(strings = {
      "sh -c \"eval {'#;touch WITNESS;',x}\"",
      "dash -c \"eval {'#;touch WITNESS;',x}\"",
      "sh -c \"eval ': '{'#',';touch WITNESS;: '}\"",
      "sh -c \"sh -c ': '{'#',';touch WITNESS;: '}\"",
      "dash -c \"sh -c ': '{'#',';touch WITNESS;: '}\""})
  void denyListPosixShellCode(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(DEFAULT, template, tmp, false);
  }

  @ParameterizedTest(name = "deny-list, on a terminal: watch's command (run by sh -c) with a brace word past a quoted ;: {0}")
  @ValueSource(strings = {"timeout 3 watch -n1 \"eval {'#;touch WITNESS;',x}\""})
  void denyListWatch(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(DEFAULT, template, tmp, true);
  }

  // ---------------------------------------------------------------- P2: set +B (brace expansion off) not followed

  @ParameterizedTest(name = "allow-list [ls, cat, less, …]: braces turned off, then eval of a brace word: {0}")
  @ValueSource(strings = {
      "set +B; eval {'#;touch WITNESS;',x}",
      "set +o braceexpand; eval {'#;touch WITNESS;',x}",
      "set +B\neval {'#;touch WITNESS;',x}",
      "set +euB; eval {'#;touch WITNESS;',x}"})
  void allowListBracesOff(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(ALLOW_LIST, template, tmp, false);
  }

  @ParameterizedTest(name = "wide allow-list: braces turned off, then eval of a brace word: {0}")
  @ValueSource(strings = {
      "set +B; eval {'#;touch WITNESS;',x}",
      "set +o braceexpand; eval {'#;touch WITNESS;',x}"})
  void wideAllowListBracesOff(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(WIDE_ALLOW_LIST, template, tmp, false);
  }

  @ParameterizedTest(name = "deny-list: braces turned off (set or bash's own options), then a brace word read as code: {0}")
  @ValueSource(strings = {
      "set +B; eval {'#;touch WITNESS;',x}",
      "set +B; sh -c {'#;touch WITNESS;',x}",
      "set +B; bash -c {'#;touch WITNESS;',x}",
      "set +B; find . -maxdepth 0 -exec sh -c {'#;touch WITNESS;',x} \\;",
      "bash +B -c \"eval {'#;touch WITNESS;',x}\"",
      "bash +o braceexpand -c \"eval {'#;touch WITNESS;',x}\"",
      "bash +euB -c \"eval {'#;touch WITNESS;',x}\"",
      "shopt -ou braceexpand; eval {'#;touch WITNESS;',x}",
      "shopt -u -o braceexpand; eval {'#;touch WITNESS;',x}"})
  void denyListBracesOff(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(DEFAULT, template, tmp, false);
  }

  /**
   * At the prompt: {@code set +B} typed on one line is allowed, and the hook then reports {@code $-}
   * without {@code B}; {@link ShellState} keeps no such option, so the next line is judged with
   * braces on and allowed, while the session's bash (braces off) runs the touch.
   */
  @ParameterizedTest(name = "{0}: set +B typed on one line, a brace word for eval on the next")
  @ValueSource(strings = {"deny-list", "allow-list"})
  void typedLinesAfterSetPlusB(String list, @TempDir Path tmp) throws Exception {
    ShellJudge judge = list.equals("deny-list") ? DEFAULT : ALLOW_LIST;
    Path w = tmp.resolve("w");
    String line = "eval {'#;touch WITNESS;',x}".replace("WITNESS", w.toString());
    // Whether set +B itself is refused or not, the prompt's state may have braces off (a startup
    // file's set +B, unseen by the judge): the next line must be refused from the hook's $- alone.
    // $- of an interactive bash after set +B: himH (braceexpand's B gone); BASHOPTS as bash's defaults
    ShellState after = ShellState.fromHook("checkwinsize:cmdhist:complete_fullquote:expand_aliases:extquote:"
        + "force_fignore:globasciiranges:histappend:interactive_comments:progcomp:promptvars:sourcepath", "himH", "", "")
        .orElseThrow();
    ShellJudgement typed = judge.judgeTyped(line, after);
    if (!BashWitness.allowedWithoutTouch(typed)) {
      return;
    }
    String out = BashWitness.run(tmp, List.of("bash", "--norc", "--noprofile", "-c", "set +B\n" + line), "");
    assertThat(Files.exists(w)).as("the guard allowed the line %s after set +B (%s %s); bash ran touch W: %s", line,
        typed.verdict().label(), typed.commands(), out).isFalse();
  }
}
