package dev.gatehouse.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Attack pass on the guarded prompt of an {@code ssh} target, end to end as ShellPromptSshIT: the
 * real OpenSSH client in tmux, the gateway, a real OpenSSH sshd on loopback, the account's login
 * bash with Debian's skeleton dotfiles, docs/policy.md's default-shell policy.
 *
 * <p>The integration's hook throws away what was typed while a command ran by reading the terminal
 * up to a line that ends with a fresh nonce. It leans on things an allowed line can change: the
 * {@code :} of its {@code while :} loop (a function of that name wins over the builtin), the value
 * of {@code $SRANDOM} (unset, it is an ordinary variable), and its own variable {@code __gh_n}
 * (made read-only before the hook's {@code local} and assignment, the hook stops before its
 * prompt). With the wall down, text typed while a command runs stays in the host's terminal: an
 * unfinished line ({@code echo "}) is joined by bash to the next line the gateway judged and sent
 * ({@code echo '"; touch W; #'}), so {@code touch W} runs inside a command bash started for a
 * judged line (its {@code C} marker comes when the gateway expects it: the guard sees nothing).
 *
 * <p>The guard refuses each of these at the prompt (guard-tamper, ShellAttack17eTest); here they come from a script the
 * session sources ({@code . file}), which the guard does not read, so what is tested is the hook
 * itself: it must stand on none of them, or end the session before bash reads another command.
 *
 * <p>Each test asserts what must hold: the witness file the unjudged part would create does not
 * exist. Typing pauses between steps are pacing (a program started by a line is running when the
 * raw keys come), not assertions.
 */
@ExtendWith(GatewayLogOnFailure.class)
class ShellPromptSshAttack17eIT {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final String PROMPT = GuardedSshTargetFixture.PROMPT;

  @TempDir static Path dir;
  static GuardedSshTargetFixture target;
  static GatewayFixture gw;

  @BeforeAll
  static void start() throws Exception {
    target = GuardedSshTargetFixture.start(dir);
    gw = target.gw;
  }

  @AfterAll
  static void stop() throws Exception {
    if (target != null) {
      target.close();
    }
  }

  private static Tmux guarded(Path tmp, String who) throws Exception {
    SshClientKey key = gw.sign(GatewayFixture.uniqueIdentity(who), List.of("dev"));
    Tmux t = Tmux.start(tmp, 200, 30, gw.sshArgv(key, "web-ssh", List.of("-t")));
    t.awaitScreen("^" + PROMPT + "$", WAIT);
    return t;
  }

  /** Keys typed without Enter: while a command runs they go to the host's terminal as they are. */
  private static void raw(Tmux t, String text) throws Exception {
    t.run("send-keys", "-t", "gh", "-l", text);
  }

  /** One named key (tmux's name: {@code Enter}, {@code C-c}). */
  private static void press(Tmux t, String key) throws Exception {
    t.run("send-keys", "-t", "gh", key);
  }

  /** A script the session sources: what a typed line could not get past the guard. */
  private static Path script(String text) throws Exception {
    Path f = Path.of("/tmp", "gh-attack17e-" + UUID.randomUUID() + ".sh");
    Files.writeString(f, text + "\n");
    Files.setPosixFilePermissions(f, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
    return f;
  }

  private static Path witness() {
    return Path.of("/tmp", "gh-attack17e-" + UUID.randomUUID());
  }

  /**
   * The witness must not exist. When it does, the message says how the session went on after the
   * unjudged command (the scenario's later steps, such as the guard's next prompt, or where they
   * stopped).
   */
  private static void assertNothingRan(Path w, Throwable after) throws Exception {
    boolean ran = Files.exists(w);
    Files.deleteIfExists(w);
    if (ran) {
      AssertionError e = new AssertionError("an unjudged `touch " + w + "` ran on the host; "
          + (after == null ? "every later step of the scenario passed as written"
              : "the scenario then stopped: " + after.getMessage()));
      if (after != null) {
        e.addSuppressed(after);
      }
      throw e;
    }
    if (after != null) {
      throw new AssertionError(after);
    }
  }

  private static void awaitPromptAfter(Tmux t, String text) throws Exception {
    t.awaitScreen(java.util.regex.Pattern.quote(text) + "(.|\\n)*^" + PROMPT + "$", WAIT);
  }

  /** One attack in a guarded session: {@code w} is the witness its unjudged part would create. */
  @FunctionalInterface
  private interface Scenario {
    void run(Tmux t, Path w) throws Exception;
  }

  /**
   * Runs {@code scenario} in a fresh guarded session of {@code who} and then asserts that its
   * witness does not exist; a step that failed is reported with it (see {@link #assertNothingRan}).
   */
  private static void attempt(Path tmp, String who, Scenario scenario) throws Exception {
    Path w = witness();
    Throwable after = null;
    try (Tmux t = guarded(tmp, who)) {
      scenario.run(t, w);
    } catch (AssertionError | Exception e) {
      after = e;
    }
    assertNothingRan(w, after);
  }

  /** The session goes on with the guard's prompt: a line typed now is judged and answered. */
  private static void awaitGuardStillUp(Tmux t) throws Exception {
    t.type("echo guard-still-up");
    t.awaitScreen("^guard-still-up\\n" + PROMPT + "$", WAIT);
  }

  /**
   * Leaves an unfinished line ({@code echo "}) in the host's terminal, then types a line judged as
   * one echo of a quoted string; bash, joining the two, reads it as the end of {@code echo "…} and
   * then runs {@code touch W} and {@code after}. The session must go on with the guard's prompt.
   */
  private static void joinAnUnfinishedLine(Tmux t, Path w, String after) throws Exception {
    raw(t, "echo \"");
    // The next prompt comes after the raw echo of it (and the terminal's echo of the nonce, which
    // bash now reads as part of that unfinished line).
    t.awaitScreen("echo \"" + PROMPT, WAIT);
    String line = "echo '\"; touch " + w + "; " + after + " #'";
    t.type(line);
    awaitPromptAfter(t, line);
    awaitGuardStillUp(t);
  }

  /**
   * {@code shell} is refused (held for approval as a nested shell). What is typed next is judged as
   * a line of its own: with the unset it is blocked whole, while a shell reading it unjudged would
   * run the touch.
   */
  private static void heldAsANestedShell(Tmux t, Path w, String shell) throws Exception {
    t.type(shell);
    t.awaitScreen("gatehouse: (waiting for approval|blocked by rule)", WAIT);
    t.type("touch " + w + "; unset PROMPT_COMMAND");
    Thread.sleep(1000);
    press(t, "C-c");
    t.awaitScreen("^" + PROMPT + "$", WAIT);
    awaitGuardStillUp(t);
  }

  @Test
  void aColonFunctionDoesNotLetTypedAheadTextJoinTheNextJudgedLine(@TempDir Path tmp) throws Exception {
    attempt(tmp, "colon", (t, w) -> {
      // Typed, a function named ':' is guard-tamper; sourced, it is defined all the same. A hook
      // whose loop were `while :` would never read, and nothing typed ahead would be thrown away.
      t.type(". " + script(":() { return 1; }") + "; sleep 3");
      Thread.sleep(1000);
      // `unset -f :` in the unjudged part, so the next prompts work again and the session goes on.
      joinAnUnfinishedLine(t, w, "unset -f :;");
    });
  }

  @Test
  void anUnsetSrandomDoesNotLetTypedAheadTextJoinTheNextJudgedLine(@TempDir Path tmp) throws Exception {
    attempt(tmp, "srandom", (t, w) -> {
      // Sourced: unset SRANDOM. A hook taking its nonce from $SRANDOM would have an empty one, and
      // take the first line there is as the nonce's.
      t.type(". " + script("unset SRANDOM; SRANDOM=") + "; sleep 3");
      Thread.sleep(1000);
      raw(t, "junk");
      press(t, "Enter");
      // SRANDOM=7 in the unjudged part: a nonce the gateway sends again (777), so the session goes on.
      joinAnUnfinishedLine(t, w, "SRANDOM=7;");
    });
  }

  @Test
  void aReadonlyNonceVariableDoesNotLeaveTheHostsBashReadingRawInput(@TempDir Path tmp) throws Exception {
    attempt(tmp, "readonly", (t, w) -> {
      // Sourced: readonly __gh_n (and the other names of the hook). The hook's `local` then fails;
      // it must not leave bash reading commands while the gateway passes keys on: it says so (X)
      // and the session ends before anything typed next reaches bash.
      t.type(". " + script("readonly __gh_n __gh_l __gh_i __gh_ps1"));
      Thread.sleep(1000);
      t.type("touch " + w);
      t.awaitScreen("gatehouse: the shell's prompt integration was broken \\(hook-variables\\); session closed", WAIT);
    });
  }

  /**
   * A D marker (the command ended) printed by a program. It held the keys typed after it (the
   * session then ended when no A followed) and put the exit status it named into the audit. The
   * hook's D carries the prompt's nonce now, so this one is output: the keys typed while the
   * command runs go to it raw as ever (the hook's wall throws away what it did not read), the
   * session goes on, and the audit has the command's own exit status.
   */
  @Test
  void aDoneMarkerPrintedByAProgramIsOutputNotTheHooks(@TempDir Path tmp) throws Exception {
    String line = "printf 'forged-done\\033]133;D;0\\007\\n'; sleep 4; (exit 5) # " + UUID.randomUUID();
    attempt(tmp, "donenoa", (t, w) -> {
      t.type(line);
      t.awaitScreen("^forged-done$", WAIT);
      raw(t, "touch " + w);
      press(t, "Enter");
      awaitPromptAfter(t, "forged-done");
      awaitGuardStillUp(t);
    });
    JsonNode a = gw.awaitAudit("the line with the forged D", GatewayFixture.field("code", "GH3000I")
        .and(GatewayFixture.field("statement", line)));
    assertThat(a.path("exitStatus").asInt()).as("the command's own exit status, not the forged D's").isEqualTo(5);
  }

  /**
   * A {@code {name}} redirection ({@code bash {x}>/dev/null}) took a shell out of
   * {@code nested-shell}: the guard allowed it, and the interactive bash it started read the
   * person's next lines from the terminal, unjudged and without the integration (no markers: the
   * gateway stays in "running" and passes every key on) until it exited. It is held as a nested
   * shell now, and the next line typed is judged.
   */
  @Test
  void aShellWithANamedDescriptorRedirectionIsNotAnUnguardedNestedShell(@TempDir Path tmp) throws Exception {
    attempt(tmp, "namedfd", (t, w) -> heldAsANestedShell(t, w, "bash {x}>/dev/null"));
  }

  /**
   * {@code sh < <(cat)}: the shell's code comes through a process substitution from {@code cat},
   * which reads the terminal; the guard allowed it ({@code cat | sh} is reviewed), and each line
   * typed next ran unjudged. It is held as a nested shell now, and the next line typed is judged.
   */
  @Test
  void aShellReadingTheTerminalThroughAProcessSubstitutionIsNotUnjudged(@TempDir Path tmp) throws Exception {
    attempt(tmp, "procsub", (t, w) -> heldAsANestedShell(t, w, "sh < <(cat)"));
  }
}
