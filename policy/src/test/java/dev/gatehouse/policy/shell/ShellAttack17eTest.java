package dev.gatehouse.policy.shell;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.gatehouse.policy.Verdict;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Attack pass on lines typed at the guarded prompt (the ssh-target pass, end to end in
 * ShellPromptSshAttack17eIT): lines the guard allows that take away what the integration's hook or
 * the exact reading stand on.
 */
class ShellAttack17eTest {
  private static final ShellJudge DEFAULT = ShellJudgeTest.DEFAULT;

  /**
   * The hook throws away what was typed while a command ran by reading up to a line ending with
   * {@code $SRANDOM$SRANDOM$SRANDOM}, in a {@code while :} loop, into its own {@code __gh_n}. A
   * function named {@code :} (found before the builtin outside POSIX mode) ends the loop before it
   * reads; an unset {@code SRANDOM} is an ordinary variable (empty: any line is "the nonce line";
   * set: a nonce known in advance); a read-only {@code __gh_n} or {@code __gh_l} makes the hook's
   * {@code local} and assignment fail and bash leave the hook before its prompt. Each leaves typed-ahead
   * text in the terminal for bash to read as a command, or as the start of the next judged line.
   */
  @ParameterizedTest(name = "disarms the hook: {0}")
  @ValueSource(strings = {":() { return 1; }", "function : { false; }", ":() { false; }; sleep 3", "unset SRANDOM",
      "unset -v SRANDOM", "unset SRANDOM; SRANDOM=7", "readonly __gh_n", "declare -g __gh_n; readonly __gh_n",
      "readonly __gh_l", "declare -r __gh_i", "typeset -r __gh_ps1"})
  void aLineThatTakesAwayWhatTheHookStandsOnIsGuardTamper(String line) {
    Verdict v = DEFAULT.judgeTyped(line).verdict();
    assertThat(v.label()).as(line).isEqualTo("block");
    assertThat(v.rule()).as(line).isEqualTo("guard-tamper");
  }

  /**
   * A locale whose character set is not UTF-8 but keeps ASCII bytes as the second byte of a
   * character (GBK, GB18030, BIG5, BIG5-HKSCS, SJIS): bash reads {@code 中\} as two characters there,
   * the backslash swallowed, while the guard reads the line as UTF-8. Setting the shell's locale at
   * the prompt changes how bash reads every later line.
   */
  @ParameterizedTest(name = "changes how bash reads later lines: {0}")
  @ValueSource(strings = {"LC_ALL=zh_CN.GBK", "export LC_ALL=zh_CN.GBK", "LC_CTYPE=zh_TW.BIG5", "LANG=zh_CN.GB18030",
      "declare -x LC_ALL=zh_HK.BIG5-HKSCS"})
  void aLineThatChangesTheShellsCharacterSetIsGuardTamper(String line) {
    Verdict v = DEFAULT.judgeTyped(line).verdict();
    assertThat(v.label()).as(line).isEqualTo("block");
    assertThat(v.rule()).as(line).isEqualTo("guard-tamper");
  }

  /**
   * The same, proven with bash: two lines the guard allows one after the other at the prompt,
   * {@code LC_ALL=zh_CN.GBK} then {@code echo "中\"; touch W; #"} (one echo of a quoted string to
   * the guard), run by real bash reading them from its input as the guarded bash does. A host with
   * that locale installed (Debian's locales-all) needs nothing more; here the locale is compiled
   * with localedef into a temporary directory that bash is given as {@code LOCPATH}.
   */
  @Test
  void twoAllowedLinesRunOnlyWhatTheGuardJudgedUnderAnyLocaleTheFirstSets(@TempDir Path tmp) throws Exception {
    Path loc = tmp.resolve("loc");
    Files.createDirectories(loc);
    Process def = new ProcessBuilder("localedef", "-i", "zh_CN", "-f", "GBK", loc.resolve("zh_CN.GBK").toString())
        .redirectErrorStream(true).start();
    String made = new String(def.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assumeTrue(def.waitFor(120, TimeUnit.SECONDS) && Files.exists(loc.resolve("zh_CN.GBK").resolve("LC_CTYPE")),
        "localedef can make zh_CN.GBK (glibc locale sources installed): " + made);
    Path w = tmp.resolve("witness");
    String setter = "LC_ALL=zh_CN.GBK";
    String payload = "echo \"中\\\"; touch " + w + "; #\"";
    ShellJudgement j1 = DEFAULT.judgeTyped(setter);
    ShellJudgement j2 = DEFAULT.judgeTyped(payload);
    if (!j1.verdict().label().equals("allow") || !j2.verdict().label().equals("allow") || j2.commands().contains("touch")) {
      return; // the guard refused one of them or saw the touch: nothing unjudged can run
    }
    ProcessBuilder pb = new ProcessBuilder("bash", "--norc", "--noprofile", "-s").redirectErrorStream(true);
    pb.environment().put("LOCPATH", loc.toString());
    pb.environment().remove("LC_ALL");
    pb.environment().put("LANG", "C.UTF-8");
    Process bash = pb.start();
    bash.getOutputStream().write((setter + "\n" + payload + "\n").getBytes(StandardCharsets.UTF_8));
    bash.getOutputStream().close();
    String out = new String(bash.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(bash.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(Files.exists(w)).as("the guard allowed %s then %s (commands %s); bash ran touch: %s", setter, payload,
        j2.commands(), out).isFalse();
  }

  /**
   * GNU sed's {@code e} command runs shell commands; a sed whose script is read from the terminal
   * reads it unjudged, as {@code awk -f -} does (which is reviewed).
   */
  @ParameterizedTest(name = "sed script from the terminal: {0}")
  @ValueSource(strings = {"sed -f - /etc/hostname", "sed -f /dev/stdin /etc/hostname", "sed -f /dev/tty /etc/hostname",
      "sed --file=- /etc/hostname"})
  void aSedScriptReadFromTheTerminalIsReviewedAsAnAwkOneIs(String line) {
    assertThat(DEFAULT.judgeTyped("awk -f - /etc/hostname").verdict().label()).isEqualTo("review");
    Verdict v = DEFAULT.judgeTyped(line).verdict();
    assertThat(v.label()).as(line).isIn("review", "block");
  }

  /**
   * A shell or interpreter whose input stays the terminal is {@code nested-shell}; a {@code {name}}
   * redirection on it (which only opens one more descriptor) takes it out of the class, and a shell
   * fed by a process substitution reads what {@code cat} reads from the terminal, as {@code cat | sh}
   * (reviewed) does.
   */
  @ParameterizedTest(name = "reads the terminal unjudged: {0}")
  @ValueSource(strings = {"bash {x}>/dev/null", "sh {fd}</dev/tty", "bash {x}<&0", "python3 {fd}</dev/null",
      "sh < <(cat)", "sh < <(cat /dev/tty)", "bash < <(cat -)", "sh 0< <(cat)",
      "bash < <(tee /dev/null)"})
  void aShellThatReadsTheTerminalIsAtLeastReviewed(String line) {
    Verdict v = DEFAULT.judgeTyped(line).verdict();
    assertThat(v.label()).as(line).isIn("review", "block");
  }
}
