package dev.gatehouse.policy.shell;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.policy.Verdict;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Attack pass on the exact reading and on lines typed at the guarded prompt, after the hook's POSIX
 * mode, kernel nonce and X marker (end to end at a real guarded prompt: ShellPromptAttack17fIT).
 * Each text here is one the guard allows (or, at the prompt, lines it allows one by one) while
 * bash, given the same text, runs a command the guard never judged: {@code touch W}, which no
 * judgement lists. Every test runs real bash and asserts that the witness file does not exist; a
 * text the guard refuses, or whose reading lists the {@code touch}, passes (nothing unjudged runs).
 *
 * <p>What the reading stands on: a literal holding {@code $(} is code only "when the same text also
 * evaluates values again" (arithmetic, {@code ${x@P}}, name-taking builtins, prompt variables).
 * That rule has three holes: a value can hold {@code $(} without any literal holding it
 * ({@code printf -v x '\x24(…)'}), bash evaluates values again in places the rule does not list
 * (an array subscript in an assignment, {@code a[x]=1}; the message of {@code MAILPATH}; a prompt
 * variable assigned by {@code ${PS1:=…}}; {@code BASH_ENV} exported through {@code set -k} or
 * {@code set -a}), and the value and its evaluation may sit on two lines at the prompt, each judged
 * alone.
 */
class ShellAttack17fTest {
  private static final ShellJudge DEFAULT = ShellJudgeTest.DEFAULT;
  private static final ShellJudge ALLOW_LIST;

  static {
    Map<String, Object> p = new java.util.HashMap<>(ShellJudgeTest.DEFAULT_SHELL);
    p.put("mode", "allow-list");
    p.put("allowCommands", List.of("ls", "cat"));
    ALLOW_LIST = ShellJudgeTest.judge(p);
  }

  /**
   * One text, as an exec request ({@code ssh web-1@gw 'TEXT'}) or one line at the prompt. The
   * guard reads commands {@code printf}, {@code echo}, {@code set}, {@code bash -c :} or {@code :};
   * bash runs {@code touch W} as well:
   *
   * <ul>
   *   <li>{@code printf -v x 'b[\x24(…)]'}: printf writes the {@code $} the literal does not hold,
   *       so no literal holds code; {@code $((x))}, {@code a[x]=1} and {@code ${x@P}} then evaluate
   *       the value and run its substitution.
   *   <li>{@code a[x]=1}: an indexed array's subscript is arithmetic, which evaluates {@code x}'s
   *       value ({@code b[$(…)]}) again; the rule knows {@code $((…))}, {@code [[}, {@code ${…}}
   *       and name-taking builtins, not an assignment's subscript.
   *   <li>{@code set -k}: every later assignment-shaped word goes into the command's environment, so
   *       {@code bash -c : BASH_ENV='$(…)'} hands bash a {@code BASH_ENV}, which bash expands
   *       (command substitution included) before it reads the file. The guard reads the word as
   *       {@code $0}.
   *   <li>{@code set -a; : ${BASH_ENV:=…}}: an assignment made by a parameter expansion, which the
   *       guard does not read as an assignment, exported by {@code set -a}.
   * </ul>
   */
  @ParameterizedTest(name = "bash runs only what was judged: {0}")
  @ValueSource(strings = {
      "printf -v x 'b[\\x24(touch WITNESS)]'; echo $((x))",
      "printf -v x 'b[\\x24(touch WITNESS)]'; a[x]=1",
      "x='b[$(touch WITNESS)]'; a[x]=1",
      "printf -v x '\\x24(touch WITNESS)'; echo \"${x@P}\"",
      "set -k; bash -c : BASH_ENV='$(touch WITNESS)'; set +k",
      "set -a; : ${BASH_ENV:='$(touch WITNESS)'}; bash -c :"})
  void anAllowedTextRunsOnlyTheCommandsTheGuardJudged(String template, @TempDir Path tmp) throws Exception {
    Path w = tmp.resolve("witness");
    String text = template.replace("WITNESS", w.toString());
    ShellJudgement exec = DEFAULT.judge(text);
    ShellJudgement typed = DEFAULT.judgeTyped(text);
    if (!BashWitness.allowedWithoutTouch(exec) && !BashWitness.allowedWithoutTouch(typed)) {
      return; // refused, or the touch is judged: nothing unjudged runs
    }
    String out = BashWitness.runOnSystemPath(tmp, List.of("bash", "--norc", "--noprofile", "-c", text), "");
    assertThat(Files.exists(w)).as("the guard allowed %s (exec: %s %s, typed: %s %s); bash ran touch W: %s", text,
        exec.verdict().label(), exec.commands(), typed.verdict().label(), typed.commands(), out).isFalse();
  }

  /**
   * {@code mode: allow-list} is the documented boundary ("only listed commands run"): {@code printf}
   * and {@code echo} run unlisted as harmless builtins, and the value they evaluate runs any
   * program.
   */
  @Test
  void anAllowListRunsNoUnlistedProgramThroughAnEvaluatedValue(@TempDir Path tmp) throws Exception {
    Path w = tmp.resolve("witness");
    String text = "printf -v x 'b[\\x24(touch " + w + ")]'; echo $((x))";
    ShellJudgement j = ALLOW_LIST.judgeTyped(text);
    assertThat(ALLOW_LIST.judgeTyped("touch " + w).verdict().rule()).isEqualTo("allow-list");
    if (!BashWitness.allowedWithoutTouch(j)) {
      return;
    }
    String out = BashWitness.runOnSystemPath(tmp, List.of("bash", "--norc", "--noprofile", "-c", text), "");
    assertThat(Files.exists(w)).as("allow-list allowed %s (%s); bash ran touch: %s", text, j.commands(), out).isFalse();
  }

  /**
   * Lines typed one after another at the prompt, each judged alone, read by an interactive bash as
   * the guarded one reads them (its input, without readline). The guarded bash's hook leaves
   * {@code PS1} empty at every prompt (it prints the prompt itself); the first line here stands
   * for that and is not judged.
   *
   * <ul>
   *   <li>{@code x='b[$(…)]'} is a plain literal (nothing in that line evaluates it);
   *       {@code echo $((x))} holds no literal: bash evaluates the value of the line before.
   *   <li>{@code MAILPATH='FILE?MESSAGE'}: bash checks the file before each prompt ({@code
   *       MAILCHECK=0}) and, when it grew, prints MESSAGE after parameter expansion and command
   *       substitution. It runs after the hook's wall, with no {@code C} marker, at every prompt
   *       the file grew.
   *   <li>{@code : ${PS1:='$(…)'}}: the hook leaves {@code PS1} empty, so {@code :=} assigns it; the
   *       hook expands it ({@code ${__gh_ps1@P}}) at every later prompt. Setting {@code PS1} is
   *       guard-tamper, an assignment by expansion is not read as one.
   * </ul>
   */
  @ParameterizedTest(name = "lines at the prompt: {0}")
  @ValueSource(strings = {
      "x='b[$(touch WITNESS)]'\necho $((x))",
      "MAILCHECK=0; MAILPATH='MBOX?$(touch WITNESS)'\necho a >> MBOX; sleep 1.1; echo b >> MBOX\necho next",
      "echo ${PS1:='$(touch WITNESS)'}\necho next"})
  void linesAllowedOneByOneAtThePromptRunOnlyWhatWasJudged(String template, @TempDir Path tmp) throws Exception {
    Path w = tmp.resolve("witness");
    String[] lines = template.replace("WITNESS", w.toString()).replace("MBOX", tmp.resolve("mbox").toString()).split("\n");
    StringBuilder commands = new StringBuilder();
    for (String line : lines) {
      ShellJudgement j = DEFAULT.judgeTyped(line);
      if (!BashWitness.allowedWithoutTouch(j)) {
        return;
      }
      commands.append(line).append(" => ").append(j.commands()).append("; ");
    }
    String input = "PS1=\n" + String.join("\n", lines) + "\nexit\n";
    String out = BashWitness.runOnSystemPath(tmp, List.of("bash", "--norc", "--noprofile", "--noediting", "-i"), input);
    assertThat(Files.exists(w)).as("each line allowed (%s); bash ran touch: %s", commands, out).isFalse();
  }

  /**
   * {@code recursive-delete-root}: "rm -r of /, /*, a top-level system directory … however
   * written". A relative path reaches the same directories: {@code ..} at the root is the root, so
   * twenty of them from any working directory less deep are {@code /}; and after {@code cd /} in
   * the same line, {@code etc} is {@code /etc} (only {@code *} and {@code .} are followed). At the
   * prompt, {@code cd /} on one line and {@code rm -rf *} on the next are judged apart.
   */
  @ParameterizedTest(name = "a root delete written relatively: {0}")
  @ValueSource(strings = {
      "rm -rf ../../../../../../../../../../../../../../../../../../../../etc",
      "rm -rf ../../../../../../../../../../../../../../../../../../../../*",
      "cd / && rm -rf etc usr",
      "cd ../../../../../../../../../../../../../../../../../../../.. && rm -rf *",
      "chmod -R 777 ../../../../../../../../../../../../../../../../../../../../etc"})
  void aRecursiveDeleteOfTheRootWrittenRelativelyIsBlockedAsTheAbsoluteOneIs(String line) {
    assertThat(DEFAULT.judge("rm -rf /etc").verdict().rule()).isEqualTo("recursive-delete-root");
    Verdict v = DEFAULT.judgeTyped(line).verdict();
    assertThat(v.label()).as(line).isIn("block", "review");
  }

  /**
   * An assignment made by a parameter expansion ({@code ${VAR:=value}} assigns when VAR is unset or
   * empty) is not read as an assignment: the variables the guard protects by name are set all the
   * same. {@code PS1} (empty after every hook run) is expanded by the hook at each prompt;
   * {@code LC_ALL} (usually unset) changes the character set bash reads the next lines in, the
   * route closed for {@code LC_ALL=zh_CN.GBK}.
   */
  @ParameterizedTest(name = "sets a protected variable: {0}")
  @ValueSource(strings = {": ${PS1:=x}", ": ${LC_ALL:=zh_CN.GBK}", ": ${LC_CTYPE:=zh_TW.BIG5}",
      "echo \"${PS1:='$(id)'}\""})
  void anAssignmentByParameterExpansionToAGuardedVariableIsGuardTamper(String line) {
    assertThat(DEFAULT.judgeTyped("PS1=x").verdict().rule()).isEqualTo("guard-tamper");
    Verdict v = DEFAULT.judgeTyped(line).verdict();
    assertThat(v.label()).as(line).isEqualTo("block");
    assertThat(v.rule()).as(line).isEqualTo("guard-tamper");
  }

  /**
   * {@code mode: allow-list} matches a command by its name, and a path's name is its last part: a
   * program at {@code /tmp/ls} or {@code ./cat} (a copy of bash, a script) runs as the listed
   * {@code ls} or {@code cat}. Only {@code ls} found on the target's PATH, or the system's own
   * {@code /bin/ls}, is the command the operator listed.
   */
  @ParameterizedTest(name = "allow-list, another program under a listed name: {0}")
  @ValueSource(strings = {"/tmp/ls", "./cat /etc/hostname", "/var/tmp/x/ls -la"})
  void anAllowListDoesNotRunAnotherProgramUnderAListedName(String line) {
    assertThat(ALLOW_LIST.judgeTyped("ls -la").verdict().label()).isEqualTo("allow");
    assertThat(ALLOW_LIST.judgeTyped(line).verdict().label()).as(line).isIn("block", "review");
  }
}
