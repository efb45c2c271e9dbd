package dev.gatehouse.gateway;

import static dev.gatehouse.gateway.ShellPromptFixture.PROMPT;
import static dev.gatehouse.gateway.ShellPromptFixture.WAIT;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Attack pass on the guarded prompt of a {@code command} target (bash in the sandbox), end to end:
 * the real OpenSSH client in tmux, the gateway, docs/policy.md's default-shell policy, whose rule
 * {@code echo-review} holds {@code echo needs-approval…} for approval. Every scenario types lines
 * the guard allows; the unjudged command they smuggle is {@code echo needs-approval-ran | tr a-z
 * A-Z}, so its output, {@code NEEDS-APPROVAL-RAN}, is text the person never typed (the typed line
 * shows it in lower case) and a command the policy would have held had it been judged.
 *
 * <p>The evaluating command is {@code :}, not {@code echo}: {@code echo-review} holds any echo whose
 * arguments are only known when it runs ({@code echo $((x))}), which would hide the reading's
 * miss behind a rule of this fixture. Each test asserts what must hold: that output never reaches the screen. A line the guard
 * refuses ends the scenario there (nothing unjudged can follow). The policy-level readings of the
 * same texts, proven with bash, are in ShellAttack17fTest.
 */
@ExtendWith(GatewayLogOnFailure.class)
class ShellPromptAttack17fIT {
  /** What the smuggled command prints; never typed as such. */
  private static final String RAN = "NEEDS-APPROVAL-RAN";
  private static final String SMUGGLED = "echo needs-approval-ran | tr a-z A-Z";

  @TempDir static Path dir;
  static ShellPromptFixture prompt;

  @BeforeAll
  static void start() throws Exception {
    prompt = ShellPromptFixture.setup().terminal(220, 40).start(dir);
  }

  @AfterAll
  static void stop() {
    if (prompt != null) {
      prompt.close();
    }
  }

  private static Tmux shell(Path tmp, String who) throws Exception {
    SshClientKey key = prompt.gw.sign(GatewayFixture.uniqueIdentity(who), List.of("dev"));
    return prompt.shell(tmp, key);
  }

  /**
   * Types {@code line} and waits for what follows it: a fresh prompt, a refusal or hold, or the
   * smuggled command's output. Returns false when the guard refused or held the line (the hold is
   * cancelled): the scenario stops there.
   */
  private static boolean typeAllowed(Tmux t, String line) throws Exception {
    t.type(line);
    String after = "(?s)" + Pattern.quote(line) + "(.*)";
    t.awaitScreen(Pattern.quote(line) + "(.|\\n)*(^" + PROMPT + "$|gatehouse: |" + RAN + ")", WAIT);
    java.util.regex.Matcher m = Pattern.compile(after).matcher(t.screen());
    if (m.find() && m.group(1).contains("gatehouse: ")) {
      ShellPromptFixture.keys(t, "C-c");
      return false;
    }
    return true;
  }

  /** After the last line: the smuggled output is not on the screen. */
  private static void assertNothingUnjudgedRan(Tmux t, String what) throws Exception {
    Thread.sleep(1500); // pacing: a prompt-time expansion prints before the next prompt; this is no bound
    String screen = t.screen();
    assertThat(screen).as("%s: bash ran `%s`, which the guard never judged; screen:%n%s", what, SMUGGLED, screen)
        .doesNotContain(RAN);
  }

  /**
   * The same readings as exec requests ({@code ssh web-1@gw 'TEXT'}, run by {@code bash -c}): the
   * guard reads {@code printf}, {@code set}, {@code bash -c :}, {@code :}; bash also
   * runs the smuggled command, whose output comes back on stderr.
   */
  @ParameterizedTest(name = "exec: {0}")
  @ValueSource(strings = {
      "printf -v x 'b[\\x24(SMUGGLED >&2)]'; : $((x))",
      "x='b[$(SMUGGLED >&2)]'; a[x]=1",
      "set -k; bash -c : BASH_ENV='$(SMUGGLED >&2)'",
      "set -a; : ${BASH_ENV:='$(SMUGGLED >&2)'}; bash -c :"})
  void anExecRequestRunsOnlyWhatTheGuardJudged(String template) throws Exception {
    SshClientKey key = prompt.gw.sign(GatewayFixture.uniqueIdentity("exec17f"), List.of("dev"));
    String text = template.replace("SMUGGLED", SMUGGLED);
    SshResult r = prompt.gw.ssh(key, "web-1").options("-o", "SetEnv=GATEHOUSE_NOWAIT=1").run(text);
    assertThat(r.out() + r.err()).as("exec %s: bash ran `%s` (exit %s)", text, SMUGGLED, r.exitCode()).doesNotContain(RAN);
  }

  /**
   * {@code printf -v x 'b[\x24(…)]'} writes a {@code $(…)} that no literal of the line holds;
   * {@code $((x))} evaluates the value and runs it. The guard reads {@code printf} and {@code :}.
   */
  @Test
  void aValueWrittenByPrintfIsNotRunByArithmetic(@TempDir Path tmp) throws Exception {
    try (Tmux t = shell(tmp, "printf-arith")) {
      if (typeAllowed(t, "printf -v x 'b[\\x24(" + SMUGGLED + " >&2)]'; : $((x))")) {
        assertNothingUnjudgedRan(t, "printf -v then : $((x))");
      }
    }
  }

  /**
   * A literal holding {@code $(…)} on one line (nothing there evaluates it) and {@code $((x))} on
   * the next (no literal there): each line is allowed on its own.
   */
  @Test
  void aLiteralFromAnEarlierLineIsNotRunByArithmeticOnALaterOne(@TempDir Path tmp) throws Exception {
    try (Tmux t = shell(tmp, "two-lines")) {
      if (typeAllowed(t, "x='b[$(" + SMUGGLED + " >&2)]'") && typeAllowed(t, ": $((x))")) {
        assertNothingUnjudgedRan(t, "x='b[$(…)]' then : $((x))");
      }
    }
  }

  /**
   * {@code set -k} puts every assignment-shaped word into the command's environment: the child
   * bash gets {@code BASH_ENV='$(…)'} and expands it before reading the file it names.
   */
  @Test
  void anAssignmentWordMovedIntoTheEnvironmentBySetKIsNotRunUnjudged(@TempDir Path tmp) throws Exception {
    try (Tmux t = shell(tmp, "set-k")) {
      if (typeAllowed(t, "set -k; bash -c : BASH_ENV='$(" + SMUGGLED + " >&2)'; set +k")) {
        assertNothingUnjudgedRan(t, "set -k; bash -c : BASH_ENV=…");
      }
    }
  }

  /**
   * {@code MAILPATH='FILE?MESSAGE'}: before each prompt (every prompt with {@code MAILCHECK=0}) bash
   * prints MESSAGE, after command substitution, when FILE grew. That runs after the hook's wall,
   * without a {@code C} marker: the gateway is at its prompt and sees nothing.
   */
  @Test
  void aMailMessageExpandedBeforeThePromptRunsNothingUnjudged(@TempDir Path tmp) throws Exception {
    try (Tmux t = shell(tmp, "mailpath")) {
      if (typeAllowed(t, "MAILCHECK=0; MAILPATH='/tmp/gh-mbox?$(" + SMUGGLED + ")'")
          && typeAllowed(t, "echo a >> /tmp/gh-mbox; sleep 1.1; echo b >> /tmp/gh-mbox")
          && typeAllowed(t, "echo next")) {
        assertNothingUnjudgedRan(t, "MAILPATH message");
      }
    }
  }

  /**
   * The hook leaves {@code PS1} empty after each prompt (it prints the prompt itself, from
   * {@code ${__gh_ps1@P}}), so {@code ${PS1:=…}} assigns it; setting {@code PS1} is guard-tamper,
   * but an assignment made by a parameter expansion is not read as one. The hook expands the new
   * value at every later prompt.
   */
  @Test
  void aPromptAssignedByAParameterExpansionRunsNothingUnjudged(@TempDir Path tmp) throws Exception {
    try (Tmux t = shell(tmp, "ps1-default")) {
      if (typeAllowed(t, ": ${PS1:='$(" + SMUGGLED + ") '}")) {
        assertNothingUnjudgedRan(t, "${PS1:=…}");
      }
    }
  }

  /**
   * {@code set -u} (nounset) makes the hook's own check ({@code ${__gh_l@a}} of a variable it
   * declared and left unset) an "unbound variable" error, which abandons {@code PROMPT_COMMAND}
   * before its D and A markers and before the read loop that throws typed-ahead text away: bash
   * then reads the terminal as it is. The hook prints no X and does not exit. Alone, the next raw
   * line runs and its C marker (no line sent) ends the session after it started; with a prompt
   * forged by the same judged line (an A whose nonce is fresh random hex, P, B), the gateway sends
   * the next judged line and takes bash's C for it:
   *
   * <pre>
   *  judged:  set -u; sleep 3; printf 'A;&lt;fresh hex&gt; P gh-test$ B'; sleep 5
   *  raw (while it sleeps):   echo needs-approval-ran | tr a-z A-Z; set +u; read -r _; read -r _
   *  at the forged prompt:    echo judged-line      (judged, sent; the gateway waits for its C)
   *  the line ends: the hook aborts; bash reads the raw line (C: taken for "echo judged-line"),
   *  which runs, eats the forged nonce and the judged line, and turns nounset off: the next hook
   *  prompts normally and the session goes on, guarded again, nothing noticed.
   * </pre>
   */
  @Test
  void aHookAbortedByNounsetLeavesNoRawLineForBashToRun(@TempDir Path tmp) throws Exception {
    try (Tmux t = shell(tmp, "nounset")) {
      String forge = "set -u; sleep 3; printf '\\e]133;A;%s\\a\\e]133;P\\agh-test$ \\e]133;B\\a'"
          + " $(od -An -tx1 -N16 /dev/urandom | tr -dc 0-9a-f); sleep 8";
      t.type(forge);
      Thread.sleep(1000); // pacing: the line runs (its sleep 3) when the raw keys come
      if (t.screen().contains("gatehouse: ")) {
        ShellPromptFixture.keys(t, "C-c");
        return; // refused or held: nothing follows
      }
      String raw = SMUGGLED + "; set +u; read -r _; read -r _";
      ShellPromptFixture.literal(t, raw);
      ShellPromptFixture.keys(t, "Enter");
      // The forged prompt (the gateway's editor, at the A/P/B the line printed; the terminal's echo
      // of the forged nonce the gateway typed may follow it on the line).
      t.awaitScreen(Pattern.quote(raw) + "\\n(.|\\n)*^gh-test\\$", WAIT);
      t.type("echo judged-line");
      // When the line's sleep 5 ends, the next prompt (after the raw line ran, or after the hook threw
      // it away), then one more line: whether the session went on is reported, not asserted.
      String wentOn = "the session ended";
      try {
        t.awaitScreen(Pattern.quote("echo judged-line") + "(.|\\n)*^" + PROMPT + "$", WAIT);
        t.type("echo guard-still-up");
        t.awaitScreen("^guard-still-up\\n" + PROMPT + "$", WAIT);
        wentOn = "the session went on, guarded";
      } catch (AssertionError e) {
        // the session ended or stalled: what matters is whether the raw line ran
      }
      String screen = t.screen();
      assertThat(screen).as("bash ran the raw line `%s`; %s; screen:%n%s", raw, wentOn, screen).doesNotContain(RAN);
    }
  }

  /**
   * {@code recursive-delete-root} covers {@code chmod -R} of a top-level system directory; written
   * as a path relative to the working directory ({@code ..} at the root is the root), it is allowed
   * and walks {@code /etc}. ({@code -v} and {@code u+r}: it reports each file and changes none.)
   */
  @Test
  void aRecursiveChangeOfEtcWrittenRelativelyDoesNotRun(@TempDir Path tmp) throws Exception {
    try (Tmux t = shell(tmp, "relative-root")) {
      String up = "../".repeat(20);
      String line = "chmod -R -v u+r " + up + "etc 2>&1 | head -2";
      t.type(line);
      t.awaitScreen(Pattern.quote(line) + "(.|\\n)*(^" + PROMPT + "$|gatehouse: )", WAIT);
      assertThat(t.screen()).as("the guard let chmod -R walk /etc").doesNotContain("mode of '" + up + "etc");
      ShellPromptFixture.keys(t, "C-c");
    }
  }
}
