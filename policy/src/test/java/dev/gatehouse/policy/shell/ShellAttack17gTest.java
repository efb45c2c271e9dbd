package dev.gatehouse.policy.shell;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.policy.Verdict;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Attack pass after the "evaluated values" rule, {@code ${NAME:=…}} assignments, {@code set -k},
 * the mail variables and allow-list matching by path. Each text here is one the guard allows
 * while bash, given the same text, runs a command the guard never judged ({@code touch W}, which
 * no judgement lists) or changes what an allowed command runs. Every test runs real bash and
 * asserts the secure outcome: the witness file does not exist. A text the guard refuses, or whose
 * reading lists the {@code touch}, passes (nothing unjudged runs).
 */
class ShellAttack17gTest {
  static final ShellJudge DEFAULT = ShellJudgeTest.DEFAULT;
  static final ShellJudge ALLOW_LIST;

  static {
    Map<String, Object> p = new java.util.HashMap<>(ShellJudgeTest.DEFAULT_SHELL);
    p.put("mode", "allow-list");
    p.put("allowCommands", List.of("ls", "cat"));
    ALLOW_LIST = ShellJudgeTest.judge(p);
  }

  /**
   * An array subscript written inside a quoted (or plain) word that a builtin takes as a variable
   * name. bash evaluates an indexed array's subscript as arithmetic, and arithmetic evaluates the
   * value of every name in it again ({@code x='b[$(cmd)]'} runs cmd). {@code
   * CommandReader.evaluates} is called for tree-sitter's {@code subscript} nodes ({@code a[x]=1},
   * {@code ${a[x]}}), arithmetic expansions, {@code [[ … -eq … ]]}, {@code let} and c-style for;
   * here the subscript is inside a {@code raw_string}/{@code word} argument of {@code printf -v},
   * {@code read}, {@code test -v}, {@code unset}, {@code declare}, in {@code [[ -v … ]]}, in an
   * array literal's {@code [x]=} index, or in a nameref's target: no {@code evaluates} call, so x,
   * set from a command substitution (no literal holds {@code $(}: printf writes it from
   * {@code \x24}), is evaluated unseen. {@code codeInLiteral} stays null, so the "literal holds code
   * and a name-taker re-evaluates it" rule does not fire either.
   */
  @ParameterizedTest(name = "subscript evaluated by a name-taking builtin: {0}")
  @ValueSource(strings = {
      "x=$(printf 'b[\\x24(touch WITNESS)]'); printf -v 'a[x]' %s 1",
      "x=$(printf 'b[\\x24(touch WITNESS)]'); read 'a[x]' <<< 1",
      "x=$(printf 'b[\\x24(touch WITNESS)]'); a=(0); test -v 'a[x]'",
      "x=$(printf 'b[\\x24(touch WITNESS)]'); a=(0); [ -v 'a[x]' ]",
      "x=$(printf 'b[\\x24(touch WITNESS)]'); a=(0); [[ -v a[x] ]]",
      "x=$(printf 'b[\\x24(touch WITNESS)]'); a=(0); unset 'a[x]'",
      "x=$(printf 'b[\\x24(touch WITNESS)]'); declare 'a[x]=1'",
      "x=$(printf 'b[\\x24(touch WITNESS)]'); a=([x]=1)",
      "x=$(printf 'b[\\x24(touch WITNESS)]'); declare -a a=([x]=1)",
      "x=$(printf 'b[\\x24(touch WITNESS)]'); a+=([x]=1)",
      "x=$(printf 'b[\\x24(touch WITNESS)]'); declare -n r='a[x]'; r=1",
      "x=$(printf 'b[\\x24(touch WITNESS)]'); a=(0); unset -v 'a[x]'"})
  void aSubscriptInsideANameArgumentIsEvaluatedUnseen(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(DEFAULT, template, tmp, false);
  }

  /**
   * {@code [ -v 'a[$(cmd)]' ]}: the literal itself holds the code, in one line, nothing set before.
   * bash's {@code [} (like {@code test}) evaluates the subscript of {@code -v NAME[SUB]} and runs
   * the substitution. tree-sitter reads {@code [ … ]} as a {@code test_command} node, not a
   * {@code command}, so {@code CommandReader.add} never sees a command {@code [}: the NAME_TAKERS
   * check that sets {@code reEvaluator} (it lists {@code "["}) never runs, and RE_EVALUATES (the
   * text regex) knows {@code [[} but not {@code [}. {@code codeInLiteral} is set, {@code
   * reEvaluator} stays null, so the "literal holds code and something may evaluate it again"
   * unclassified is not raised. {@code test -v 'a[$(reboot)]'} is refused (review, unclassified);
   * the same with {@code [} is allowed with no command listed at all, and bash runs reboot, a
   * blocked class.
   */
  @ParameterizedTest(name = "[ -v with code in the subscript: {0}")
  @ValueSource(strings = {"[ -v 'a[$(touch WITNESS)]' ]", "[ -v \"a[\\$(touch WITNESS)]\" ]",
      "if [ -v 'a[$(touch WITNESS)]' ]; then :; fi"})
  void aBracketTestRunsTheCodeInItsSubscript(String template, @TempDir Path tmp) throws Exception {
    aSubscriptInsideANameArgumentIsEvaluatedUnseen(template, tmp);
  }

  @Test
  void aBracketTestOfASubscriptHoldingRebootIsBlockedAsPower() {
    assertThat(DEFAULT.judge("reboot").verdict().rule()).isEqualTo("power");
    assertThat(DEFAULT.judge("test -v 'a[$(reboot)]'").verdict().label()).isNotEqualTo("allow");
    for (String t : List.of("[ -v 'a[$(reboot)]' ]", "if [ -v 'a[$(reboot)]' ]; then :; fi")) {
      assertThat(DEFAULT.judge(t).verdict().label()).as(t).isNotEqualTo("allow");
      assertThat(DEFAULT.judgeTyped(t).verdict().label()).as(t).isNotEqualTo("allow");
      assertThat(ALLOW_LIST.judge(t).verdict().label()).as(t).isNotEqualTo("allow");
    }
  }

  /**
   * bash evaluates a value assigned to {@code OPTIND}, {@code RANDOM} or {@code SRANDOM} as
   * arithmetic ({@code OPTIND=x} evaluates x's value, {@code b[$(cmd)]}, and runs cmd), also
   * through {@code export}/{@code declare}. {@code CommandReader.assigned} only notes whether the
   * value is plain; no {@code evaluates} call for these variables (their names are not in
   * EXPANDED_VARS or GUARD_VARS; RANDOM/SRANDOM are HOOK_VARIABLES, checked for declarations only).
   */
  @ParameterizedTest(name = "arithmetic on assignment to a special variable: {0}")
  @ValueSource(strings = {
      "x=$(printf 'b[\\x24(touch WITNESS)]'); OPTIND=x",
      "x=$(printf 'b[\\x24(touch WITNESS)]'); export OPTIND=x",
      "x=$(printf 'b[\\x24(touch WITNESS)]'); RANDOM=x",
      "x=$(printf 'b[\\x24(touch WITNESS)]'); SRANDOM=x"})
  void anAssignmentToAnArithmeticSpecialVariableEvaluatesItsValueUnseen(String template, @TempDir Path tmp)
      throws Exception {
    aSubscriptInsideANameArgumentIsEvaluatedUnseen(template, tmp);
  }

  /**
   * {@code mode: allow-list}: {@code printf}, {@code read}, {@code test} run unlisted as harmless
   * builtins; through the subscript above they run any program. The value comes from the client's
   * own stdin ({@code read x}), so nothing in the text even spells it.
   */
  @ParameterizedTest(name = "allow-list, subscript evaluated: {0}")
  @ValueSource(strings = {"read x; printf -v 'a[x]' %s 1", "read x; read 'a[x]' <<< 1", "read x; a=(0); test -v 'a[x]'",
      "read x; OPTIND=x"})
  void anAllowListRunsNoUnlistedProgramThroughASubscript(String text, @TempDir Path tmp) throws Exception {
    Path w = tmp.resolve("witness");
    assertThat(ALLOW_LIST.judgeTyped("touch " + w).verdict().rule()).isEqualTo("allow-list");
    ShellJudgement j = ALLOW_LIST.judge(text);
    if (!BashWitness.allowedWithoutTouch(j)) {
      return;
    }
    String out = BashWitness.runOnSystemPath(tmp, List.of("bash", "--norc", "--noprofile", "-c", text), "b[$(touch " + w + ")]\n");
    assertThat(Files.exists(w)).as("allow-list allowed %s (%s); bash ran touch: %s", text, j.commands(), out).isFalse();
  }

  /**
   * The same at the guarded prompt: {@code read x} is allowed, the next line typed is read's data
   * (not a command line, not judged), and the line after evaluates it. Each judged line alone is
   * allowed.
   */
  @ParameterizedTest(name = "lines at the prompt: {0}")
  @ValueSource(strings = {"read x\nDATA\nprintf -v 'a[x]' %s 1", "read x\nDATA\na=(0); [[ -v a[x] ]]",
      "read x\nDATA\na=([x]=1)", "read x\nDATA\nOPTIND=x"})
  void linesAtThePromptEvaluateTheReadValueUnseen(String template, @TempDir Path tmp) throws Exception {
    Path w = tmp.resolve("witness");
    String[] lines = template.replace("DATA", "b[$(touch " + w + ")]").split("\n");
    StringBuilder judged = new StringBuilder();
    for (int i = 0; i < lines.length; i++) {
      if (i == 1) {
        continue; // read's data
      }
      ShellJudgement j = DEFAULT.judgeTyped(lines[i]);
      if (!BashWitness.allowedWithoutTouch(j)) {
        return;
      }
      judged.append(lines[i]).append(" => ").append(j.commands()).append("; ");
    }
    String input = "PS1=\n" + String.join("\n", lines) + "\nexit\n";
    String out = BashWitness.runOnSystemPath(tmp, List.of("bash", "--norc", "--noprofile", "--noediting", "-i"), input);
    assertThat(Files.exists(w)).as("each line allowed (%s); bash ran touch: %s", judged, out).isFalse();
  }

  /**
   * {@code mode: allow-list} refuses {@code PATH=…} (LOOKUP_VARS, checked by the assignment's
   * variable name in {@code ShellJudge.allowList}). A nameref makes another name set PATH: {@code
   * declare -n P=PATH; P=DIR} assigns PATH, and the listed {@code ls} is then DIR/ls. {@code
   * declare} is HARMLESS, the assignment's variable is {@code P}, and the only nameref check
   * ({@code ShellClass.namerefToLocale}, guard-tamper) looks for locale variables; PATH is neither
   * a locale nor a GUARD_VARS name. {@code declare -n P; P=PATH} (a nameref without a target takes
   * its first assignment as the target) and {@code read P} through the nameref work the same.
   */
  @ParameterizedTest(name = "allow-list, PATH through a nameref: {0}")
  @ValueSource(strings = {"declare -n P=PATH; P=BIN; ls", "typeset -n P=PATH; export P=BIN; ls",
      "declare -n P=PATH; read P <<< BIN; ls", "declare -n P=PATH; printf -v P %s BIN; ls"})
  void anAllowListRunsOnlyTheListedProgramWhenANamerefSetsPath(String template, @TempDir Path tmp) throws Exception {
    Path w = tmp.resolve("witness");
    Path bin = Files.createDirectory(tmp.resolve("bin"));
    Path ls = bin.resolve("ls");
    Files.writeString(ls, "#!/bin/sh\n/usr/bin/touch " + w + "\n"); // PATH is BIN alone when it runs
    Files.setPosixFilePermissions(ls, PosixFilePermissions.fromString("rwx------"));
    String text = template.replace("BIN", bin.toString());
    assertThat(ALLOW_LIST.judge("PATH=" + bin + "; ls").verdict().rule()).isEqualTo("allow-list");
    ShellJudgement j = ALLOW_LIST.judgeTyped(text);
    if (!(j.verdict() instanceof Verdict.Allow)) {
      return;
    }
    String out = BashWitness.runOnSystemPath(tmp, List.of("bash", "--norc", "--noprofile", "-c", text), "");
    assertThat(Files.exists(w)).as("allow-list allowed %s (%s); bash ran %s/ls: %s", text, j.commands(), bin, out)
        .isFalse();
  }

  /**
   * guard-tamper names {@code BASH_ENV}, {@code MAILPATH}, {@code MAILCHECK}, {@code LD_PRELOAD}
   * and others (ShellClass.GUARD_VARS) by the assignment's variable name. Through a nameref with a
   * target ({@code declare -n r=BASH_ENV}) another name sets them: {@code
   * ShellClass.namerefToLocale} refuses a nameref only to a locale variable (or without a target),
   * and {@code HookTamper.declaring} only to the hook's own (HOOK_VARIABLES, {@code BASH_*},
   * {@code __gh_*}; BASH_ENV is {@code BASH_*}, but only at the prompt). As an exec request:
   * {@code BASH_ENV} exported through {@code r} makes the next bash run a file of one's own.
   */
  @ParameterizedTest(name = "guarded variable through a nameref: {0}")
  @ValueSource(strings = {"declare -n r=BASH_ENV; export r=ENVF; bash -c :",
      "declare -n r=BASH_ENV; export r=ENVF; bash ENVF2",
      "declare -n r=PS4; r=$(printf '\\x24(. ENVF)'); set -x; :"})
  void aGuardedVariableSetThroughANamerefIsRefused(String template, @TempDir Path tmp) throws Exception {
    Path w = tmp.resolve("witness");
    Path envf = tmp.resolve("envf");
    Files.writeString(envf, "touch " + w + "\n");
    Path envf2 = tmp.resolve("envf2");
    Files.writeString(envf2, "true\n");
    String text = template.replace("ENVF2", envf2.toString()).replace("ENVF", envf.toString());
    assertThat(DEFAULT.judge("export BASH_ENV=" + envf + "; bash -c :").verdict().label()).isNotEqualTo("allow");
    ShellJudgement exec = DEFAULT.judge(text);
    if (!BashWitness.allowedWithoutTouch(exec)) {
      return;
    }
    String out = BashWitness.runOnSystemPath(tmp, List.of("bash", "--norc", "--noprofile", "-c", text), "");
    assertThat(Files.exists(w)).as("the guard allowed %s (%s); bash ran the BASH_ENV file: %s", text, exec.commands(), out)
        .isFalse();
  }

  /**
   * At the prompt: {@code MAILPATH}'s message is expanded (command substitution included) before a
   * prompt when the mailbox grew (17f closed {@code MAILPATH=…} by name). Through a nameref the
   * same variables are set by other names; the value comes from a command substitution, so no
   * literal holds {@code $(}. Lines judged one by one, run by an interactive bash.
   */
  @Test
  void mailpathThroughANamerefRunsItsMessageAtThePrompt(@TempDir Path tmp) throws Exception {
    Path w = tmp.resolve("witness");
    Path mbox = tmp.resolve("mbox");
    String[] lines = {
        "declare -n c=MAILCHECK m=MAILPATH; c=0; m=$(printf '%s?\\x24(touch %s)' " + mbox + " " + w + ")",
        "echo a >> " + mbox + "; sleep 1.1; echo b >> " + mbox,
        "echo next"};
    assertThat(DEFAULT.judgeTyped("MAILPATH=x").verdict().rule()).isEqualTo("guard-tamper");
    StringBuilder judged = new StringBuilder();
    for (String line : lines) {
      ShellJudgement j = DEFAULT.judgeTyped(line);
      if (!BashWitness.allowedWithoutTouch(j)) {
        return;
      }
      judged.append(line).append(" => ").append(j.commands()).append("; ");
    }
    String input = "PS1=\n" + String.join("\n", lines) + "\nexit\n";
    String out = BashWitness.runOnSystemPath(tmp, List.of("bash", "--norc", "--noprofile", "--noediting", "-i"), input);
    assertThat(Files.exists(w)).as("each line allowed (%s); bash ran touch: %s", judged, out).isFalse();
  }

  /**
   * The classes that name variables (history-tamper: HISTFILE, HISTSIZE…; guard-tamper: PS4,
   * MAILCHECK…) judge an assignment by its variable's name, and a nameref sets a variable under
   * another name: {@code declare -n h=HISTSIZE; h=0} empties the history as {@code HISTSIZE=0} does
   * (blocked), yet is allowed. Only locale targets ({@code ShellClass.namerefToLocale}) and, at the
   * prompt, the hook's own ({@code HookTamper.declaring}) are looked at.
   */
  @org.junit.jupiter.params.ParameterizedTest(name = "{1} is judged as {0}")
  @org.junit.jupiter.params.provider.CsvSource(delimiterString = " => ", textBlock = """
      HISTSIZE=0 => declare -n h=HISTSIZE; h=0
      HISTFILE=/dev/null => declare -n h=HISTFILE; h=/dev/null
      HISTFILE=/dev/null => typeset -n h=HISTFILE; export h=/dev/null
      HISTCONTROL=ignorespace => declare -n h=HISTCONTROL; h=ignorespace
      PS4=x => declare -n r=PS4; r=x
      MAILCHECK=0 => declare -n r=MAILCHECK; r=0
      LD_PRELOAD=/tmp/x.so => declare -n r=LD_PRELOAD; export r=/tmp/x.so
      """)
  void aVariableSetThroughANamerefIsJudgedAsTheVariable(String direct, String viaNameref) {
    Verdict d = DEFAULT.judge(direct).verdict();
    Verdict n = DEFAULT.judge(viaNameref).verdict();
    assertThat(d.label()).as(direct).isNotEqualTo("allow");
    assertThat(n.label()).as(viaNameref).isEqualTo(d.label());
    assertThat(DEFAULT.judgeTyped(viaNameref).verdict().label()).as(viaNameref).isEqualTo("block");
  }

  /**
   * An arithmetic assignment sets a variable as an assignment does ({@code $(( HISTSIZE = 0 ))}
   * sets HISTSIZE to 0), but the reading records assignments from {@code variable_assignment}
   * nodes, {@code declare}-style arguments, loops, {@code ${NAME:=…}} and name-taking builtins
   * only ({@code CommandReader.walk}: an {@code arithmetic_expansion} is only passed to {@code
   * evaluates}, which notes plain values and never adds a {@code ShellReading.Assignment}). So
   * history-tamper (blocked) and guard-tamper let these through. A bare {@code (( … ))} is
   * unclassified for another reason (its "command name is not a literal word"); {@code $(( … ))}
   * and a subscript, {@code ${a[HISTSIZE=0]}}, {@code a[HISTSIZE=0]=1}, are allowed.
   */
  @org.junit.jupiter.params.ParameterizedTest(name = "{1} is judged as {0}")
  @org.junit.jupiter.params.provider.CsvSource(delimiterString = " => ", textBlock = """
      HISTSIZE=0 => : $(( HISTSIZE = 0 ))
      HISTFILESIZE=0 => echo $(( HISTFILESIZE = 0 ))
      HISTFILE=0 => : $(( HISTFILE = 0 ))
      HISTSIZE=0 => : ${a[HISTSIZE=0]}
      HISTSIZE=0 => a[HISTSIZE=0]=1
      HISTSIZE=0 => : $(( HISTSIZE -= HISTSIZE ))
      MAILCHECK=0 => : $(( MAILCHECK = 0 ))
      """)
  void anArithmeticAssignmentIsJudgedAsTheAssignmentItIs(String direct, String arithmetic) {
    Verdict d = DEFAULT.judgeTyped(direct).verdict();
    assertThat(d.label()).as(direct).isEqualTo("block");
    Verdict a = DEFAULT.judgeTyped(arithmetic).verdict();
    assertThat(a.label()).as(arithmetic).isEqualTo("block");
    assertThat(DEFAULT.judge(arithmetic).verdict().label()).as(arithmetic).isEqualTo(DEFAULT.judge(direct).verdict().label());
  }

  /**
   * {@code mode: allow-list} and an arithmetic assignment to PATH: {@code : $(( PATH = 0 ))} makes
   * PATH the relative directory {@code 0}, so the listed {@code ls} is {@code ./0/ls} of whatever
   * directory one {@code cd}s to ({@code cd} and {@code :} are HARMLESS). {@code ShellJudge.allowList}
   * checks LOOKUP_VARS on recorded assignments only (see above).
   */
  @ParameterizedTest(name = "allow-list, PATH by arithmetic: {0}")
  @ValueSource(strings = {"cd DIR; : $(( PATH = 0 )); ls", "cd DIR; : ${a[PATH=0]}; ls", "cd DIR; echo $((PATH=0)); ls"})
  void anAllowListRunsOnlyTheListedProgramWhenArithmeticSetsPath(String template, @TempDir Path tmp) throws Exception {
    Path w = tmp.resolve("witness");
    Path bin = Files.createDirectory(tmp.resolve("0"));
    Path ls = bin.resolve("ls");
    Files.writeString(ls, "#!/bin/sh\n/usr/bin/touch " + w + "\n");
    Files.setPosixFilePermissions(ls, PosixFilePermissions.fromString("rwx------"));
    String text = template.replace("DIR", tmp.toString());
    assertThat(ALLOW_LIST.judge("PATH=0; ls").verdict().rule()).isEqualTo("allow-list");
    ShellJudgement j = ALLOW_LIST.judgeTyped(text);
    if (!(j.verdict() instanceof Verdict.Allow)) {
      return;
    }
    String out = BashWitness.runOnSystemPath(tmp, List.of("bash", "--norc", "--noprofile", "-c", text), "");
    assertThat(Files.exists(w)).as("allow-list allowed %s (%s); bash ran ./0/ls: %s", text, j.commands(), out).isFalse();
  }

  /**
   * {@code recursive-delete-root} (blocked): "rm -r of /, /*, a top-level system directory …
   * however written". {@code ShellClass.rootish} matches a normalized absolute path that is
   * {@code /}, starts with a glob character right after the slash ({@code /[*?\\[].*}), or is exactly
   * a SYSTEM_DIRS name (optionally {@code /*} under it). A glob that starts with a letter
   * ({@code /e*}) and brace expansion ({@code /{etc,usr}}, {@code /e{t,}c}) are none of these:
   * bash expands them to {@code /etc} and {@code /usr} (the test shows what bash expands each
   * word to, from {@code /}). The same holds after {@code cd /} for relative words: {@code
   * ShellClass.relativeRootTarget} counts a glob only when its top holds nothing but glob
   * characters, and {@code relativeRecursiveDelete} knows {@code *}, {@code .}, {@code ./*}…; so
   * {@code e*}, {@code ?tc}, {@code [e]tc}, {@code {etc,usr}} are allowed. {@code ~+} is {@code
   * $PWD} (tilde expansion), which neither {@code rootish} (it knows {@code ~} and {@code ~user})
   * nor the relative rules read: {@code cd / && rm -rf ~+/etc}, and {@code rm -rf ~+/*} from an
   * unknown directory (as {@code rm -rf *} is, refused). {@code find -delete} with no starting
   * point searches {@code .}: {@code relativeRootTarget} takes the words before the first option
   * as targets and finds none. {@code rm -rf /{,}} is {@code rm -rf / /}; {@code /etc/{a,}*} is
   * {@code /etc/a* /etc/*}.
   */
  @ParameterizedTest(name = "a root delete written otherwise: {0}")
  @ValueSource(strings = {"rm -rf /{,}", "rm -rf /e*", "rm -rf /{etc,usr}", "rm -rf /etc/{a,}*", "rm -rf /e*/*", "rm -rf /e{t,}c", "chmod -R 000 /u{sr,}",
      "cd / && rm -rf e*", "cd / && rm -rf ?tc", "cd / && rm -rf [e]tc", "cd / && rm -rf {etc,usr}",
      "cd / && rm -rf \"e\"*", "cd / && chmod -R 000 e*", "cd / && rm -rf ~+/etc", "cd / && rm -rf ~+/*",
      "cd / && find -delete", "cd / && find -mindepth 1 -delete"})
  void aRootDeleteWrittenWithAGlobABraceOrATildeIsRefused(String line) throws Exception {
    assertThat(DEFAULT.judge("rm -rf /etc").verdict().rule()).isEqualTo("recursive-delete-root");
    assertThat(DEFAULT.judge("cd / && rm -rf etc").verdict().rule()).isEqualTo("recursive-delete-root");
    Verdict v = DEFAULT.judgeTyped(line).verdict();
    assertThat(v.label()).as(line).isEqualTo("block");
    assertThat(v.rule()).as(line).isEqualTo("recursive-delete-root");
  }

  /** From a directory the guard does not know, as {@code rm -rf *} is: at least unclassified. */
  @ParameterizedTest(name = "relative, unknown directory: {0}")
  @ValueSource(strings = {"rm -rf ~+/*", "rm -rf ~+", "find -delete", "find -mindepth 1 -delete"})
  void aRecursiveDeleteOfTheWorkingDirectoryWrittenOtherwiseIsRefused(String line) {
    assertThat(DEFAULT.judge("rm -rf *").verdict().label()).isNotEqualTo("allow");
    assertThat(DEFAULT.judge("find . -delete").verdict().label()).isNotEqualTo("allow");
    assertThat(DEFAULT.judgeTyped(line).verdict().label()).as(line).isIn("block", "review");
  }

  /**
   * Brace expansion. The reading keeps a word's {@code {a,b}} and {@code {a..z}} as they are
   * written ({@code ShellWords}: the word is literal, its value the text with the braces), and the
   * classes match paths by exact names and patterns ({@code /dev/sd[a-z]…}, {@code /etc/passwd},
   * {@code .bash_history}, SYSTEM_DIRS). bash expands {@code /dev/sd{a..a}} to {@code /dev/sda}
   * and {@code /etc/pass{wd,}} to {@code /etc/passwd /etc/pass} before the command runs, so the
   * command writes the device or file the class names. A redirection target with braces is
   * already "only known when it runs" ({@code > /dev/sd{a,}}: unclassified); arguments are not.
   * Some classes match loosely enough to still catch it ({@code mkfs.ext4 /dev/sd{a..a}1},
   * {@code truncate -s0 /var/log/auth.{log,}}, {@code tee /etc/cron.d/{x,}}). A glob in the
   * path is the same hole ({@code /dev/sd?}, {@code /etc/passw?}, {@code ~/.bash_hist*}: bash
   * expands them to the existing files): BLOCK_DEVICE and the file patterns match the text, and
   * {@code /dev/nvme0n?} is caught only because its pattern ends in {@code .*}.
   */
  @org.junit.jupiter.params.ParameterizedTest(name = "{1} is judged as {0}")
  @org.junit.jupiter.params.provider.CsvSource(delimiterString = " => ", quoteCharacter = '~', textBlock = """
      dd if=/dev/zero of=/dev/sda => dd if=/dev/zero of=/dev/sd{a..a}
      echo x | tee /dev/sda => echo x | tee /dev/sd{a..a}
      shred /dev/sda => shred /dev/sd{a..a}
      cp /dev/zero /dev/sda => cp /dev/zero /dev/sd{a..a}
      rm -rf /etc => rm -rf /e{t..t}c
      rm ~/.bash_history => rm ~/.bash_hist{ory,}
      echo x >> /etc/sudoers => echo x >> /etc/sudo{ers,}
      echo x | tee -a /etc/passwd => echo x | tee -a /etc/pass{wd,}
      dd if=/dev/zero of=/dev/sda => dd if=/dev/zero of=/dev/sd?
      shred /dev/sda => shred /dev/sd?
      echo x | tee /dev/sda => echo x | tee /dev/sd[a]
      echo x | tee -a /etc/passwd => echo x | tee -a /etc/passw?
      echo x >> /etc/sudoers => echo x >> /etc/sudoer[s]
      rm ~/.bash_history => rm ~/.bash_hist*
      """)
  void aPathWrittenWithBraceExpansionOrAGlobIsJudgedAsThePathItExpandsTo(String direct, String braced) {
    Verdict d = DEFAULT.judgeTyped(direct).verdict();
    assertThat(d.label()).as(direct).isNotEqualTo("allow");
    Verdict b = DEFAULT.judgeTyped(braced).verdict();
    assertThat(b.label()).as(braced).isEqualTo(d.label());
  }

  /**
   * An exec request with a terminal ({@code ssh -t web-1@gw 'read -e x'}): {@code read -e} reads
   * with readline, whose {@code shell-expand-line} (M-C-e) runs the command substitutions in the
   * buffer. {@code ShellJudge.judgeTyped} refuses {@code read -e} at the guarded prompt
   * ({@code integrationTamper}: "read -e turns on the shell's own line editor"), but that check
   * runs only for typed lines; the exec path ({@code RecordedSession} calls {@code judge}) allows
   * it, in allow-list mode too ({@code read} is HARMLESS). What is typed into read is never judged.
   * Run here under {@code script} (util-linux) for a terminal, typing {@code $(touch W)}, ESC C-e,
   * Enter.
   */
  @ParameterizedTest(name = "exec with a terminal: {0}")
  @ValueSource(strings = {"read -e x", "read -e -p 'name: ' x; echo \"$x\""})
  void readWithTheLineEditorInAnExecRequestRunsNothingUnjudged(String text, @TempDir Path tmp) throws Exception {
    Path w = tmp.resolve("witness");
    assertThat(DEFAULT.judgeTyped(text).verdict().rule()).isEqualTo("guard-tamper");
    for (ShellJudge judge : List.of(DEFAULT, ALLOW_LIST)) {
      ShellJudgement j = judge.judge(text);
      if (!(j.verdict() instanceof Verdict.Allow)) {
        continue;
      }
      String out = BashWitness.runOnSystemPath(tmp, List.of("script", "-qec", "bash --norc --noprofile -c '" + text.replace("'", "'\\''") + "'",
          "/dev/null"), "$(touch " + w + ")\u001b\u0005\r");
      assertThat(Files.exists(w)).as("%s allowed %s (%s); with a terminal, M-C-e ran touch: %s",
          judge == DEFAULT ? "deny-list" : "allow-list", text, j.commands(), out).isFalse();
    }
  }

  /**
   * docs/policy.md, allow-list: setting a variable that changes what a listed command runs
   * ({@code PATH}, {@code LD_*}, …) is refused "by any route". Routes the judge lets through:
   * {@code wait -p NAME} stores a job's PID in NAME ({@code wait} is HARMLESS and {@code
   * ShellJudge.storesByName} lists read/printf/mapfile/readarray/getopts only; PATH becomes a
   * relative directory named by the PID), a nameref, an arithmetic assignment.
   */
  @ParameterizedTest(name = "allow-list, PATH or LD_* by another route: {0}")
  @ValueSource(strings = {"ls & wait -p PATH; ls", "declare -n P=PATH; P=/tmp/b; ls",
      "declare -n L=LD_PRELOAD; export L=/tmp/x.so; ls", ": $(( PATH = 0 )); ls", ": ${a[PATH=0]}; ls"})
  void anAllowListRefusesSettingALookupVariableByAnyRoute(String line) {
    assertThat(ALLOW_LIST.judge("read PATH").verdict().rule()).isEqualTo("allow-list");
    Verdict v = ALLOW_LIST.judgeTyped(line).verdict();
    assertThat(v.label()).as(line).isEqualTo("block");
  }
}
