package dev.gatehouse.gateway;

import static dev.gatehouse.gateway.GatewayFixture.field;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Attack pass (round 17h) on the guarded prompt, end to end as ShellPromptSshAttack17eIT: the real
 * OpenSSH client in tmux, the gateway, a real OpenSSH sshd on loopback (so a witness file in /tmp
 * is seen by the test), the account's login bash, the ShellGuardIT policies.
 *
 * <p>The nonce that ends the hook's read of type-ahead is readable by the user's own commands. The
 * hook keeps the next prompt's nonce in the global shell variable {@code __gh_m}
 * (BashIntegration.HOOK: {@code __gh_n=$__gh_m; __gh_m=<fresh>}); GuardedShell#wallNonce trusts
 * that it "exists only in the marker (removed from the output) and in the hook's own variable", but
 * ShellJudge.judgeTyped refuses only assignments to {@code __gh_*} and definitions of such
 * functions, not reading them: {@code printf 'nonce=%s\n' "$__gh_m"}, {@code declare -p __gh_m},
 * {@code set} are all allowed. A judged line prints the nonce and then runs long enough for raw keys
 * to be typed ({@code ...; sleep 6}). While it runs the user types, raw into bash's terminal, a line
 * ending with that nonce and then more lines. At the next prompt the hook's read loop
 * ({@code [[ $__gh_l == *"$__gh_n" ]] && break}) stops at the typed line, and bash reads what
 * follows it as commands, never judged.
 *
 * <p>Each test asserts what must hold: the witness file the unjudged part would create does not
 * exist. Typing pauses are pacing, not assertions.
 */
@ExtendWith(GatewayLogOnFailure.class)
class ShellPromptAttack17hIT {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final String PROMPT = GuardedSshTargetFixture.PROMPT;

  @TempDir static Path dir;
  static GuardedSshTargetFixture target;
  static GatewayFixture gw;
  static SshClientKey approver;

  @BeforeAll
  static void start() throws Exception {
    target = GuardedSshTargetFixture.start(dir);
    gw = target.gw;
    approver = gw.sign(GatewayFixture.uniqueIdentity("approver17h"), List.of("dev", "ops-leads"));
  }

  @AfterAll
  static void stop() throws Exception {
    if (target != null) {
      target.close();
    }
  }

  private static Tmux guarded(Path tmp, SshClientKey key) throws Exception {
    Tmux t = Tmux.start(tmp, 200, 30, gw.sshArgv(key, "web-ssh", List.of("-t")));
    t.awaitScreen("^" + PROMPT + "$", WAIT);
    return t;
  }

  private static void raw(Tmux t, String text) throws Exception {
    t.run("send-keys", "-t", "gh", "-l", text);
    t.run("send-keys", "-t", "gh", "Enter");
  }

  /**
   * Runs a judged line that prints the hook's next nonce and then sleeps; returns the nonce. The
   * direct read ({@code "$__gh_m"}) is refused as guard-tamper, on screen. The nonce is then taken
   * through a line the judge can only send to review (a name built when it runs, evaluated in
   * arithmetic: bash's error names the value when it starts with a digit), which an approver
   * approves; tried at fresh prompts until the nonce shows. The gateway's own check on raw input is
   * what must hold then.
   */
  private static String nonceWhileRunning(Tmux t) throws Exception {
    t.type("printf 'nonce=%s\\n' \"$__gh_m\"; sleep 6");
    t.awaitScreen("^gatehouse: blocked by rule guard-tamper: .*$", WAIT);
    t.awaitScreen("^" + PROMPT + "$", WAIT);
    for (int i = 0; i < 40; i++) {
      String tag = "try" + i + "-done";
      t.type("a=_; y=\"${a}${a}gh_m\"; (: $((y))) 2>&1 | grep -o 'token is \"[0-9a-f]*' && sleep 6; echo " + tag);
      Matcher held = t.awaitScreen("echo " + tag + "\\ngatehouse: waiting for approval \\(request (\\S+),", WAIT);
      SshResult ok = gw.ssh(approver, "approvals").run("approve " + held.group(1));
      assertThat(ok.exitCode()).as("%s", ok).isZero();
      Matcher m = t.awaitScreen("(^token is \"([0-9a-f]{128})$)|(^" + tag + "$)", WAIT);
      if (m.group(2) != null) {
        return m.group(2);
      }
      t.awaitScreen("^" + PROMPT + "$", WAIT);
    }
    throw new AssertionError("the nonce never started with a digit in 40 prompts");
  }

  /** The gateway saw the nonce of the next wall in raw input and ended the session (screen and audit). */
  private static void assertNonceTypedEndsTheSession(Tmux t, SshClientKey k) throws Exception {
    t.awaitScreen("^gatehouse: guard-tamper: the input typed while a command ran carries the guard's nonce;"
        + " session closed$", WAIT);
    t.awaitExit(WAIT);
    JsonNode lost = gw.awaitAudit("guard lost", field("code", "GH3021W").and(field("identity", k.identity())));
    assertThat(lost.path("reason").asText()).isEqualTo("nonce-typed");
  }

  private static void assertNoWitness(Path w, Throwable after) throws Exception {
    boolean ran = Files.exists(w);
    Files.deleteIfExists(w);
    if (ran) {
      AssertionError e = new AssertionError("an unjudged command created " + w + " on the host; "
          + (after == null ? "every later step passed" : "then: " + after.getMessage()));
      throw e;
    }
    if (after != null) {
      throw new AssertionError(after);
    }
  }

  /**
   * Type-ahead after a line ending with the leaked nonce: bash reads {@code touch W} at the prompt
   * the hook just drew. (The gateway sees a C marker it did not send a line for and closes the
   * session: after the command started.)
   */
  @Test
  void typeAheadAfterTheLeakedNonceDoesNotRun(@TempDir Path tmp) throws Exception {
    Path w = Path.of("/tmp", "gh-attack17h-" + UUID.randomUUID());
    Throwable after = null;
    SshClientKey k = gw.sign(GatewayFixture.uniqueIdentity("nonce-typeahead"), List.of("dev"));
    try (Tmux t = guarded(tmp, k)) {
      String nonce = nonceWhileRunning(t);
      raw(t, "x" + nonce);
      raw(t, ": > " + w); // a builtin redirection: bash creates W itself, right after its C marker
      t.awaitScreen("(" + PROMPT + "$)|session closed", WAIT);
      Thread.sleep(3000); // pacing: what bash reads from its terminal has run by then
      assertNonceTypedEndsTheSession(t, k);
    } catch (AssertionError | Exception e) {
      after = e;
    }
    assertNoWitness(w, after);
  }

  /**
   * The same wall, then an unfinished line ({@code echo "}) typed ahead: bash, at the prompt the
   * hook drew, reads it and waits for the closing quote (PS2 is empty: nothing shows). The next
   * line the user types is judged as one harmless {@code echo '"; touch W; #'} and sent; bash joins
   * it to the open string and runs {@code touch W}. Its C marker comes after a line the gateway
   * sent, so the guard sees nothing and the session goes on.
   */
  @Test
  void anUnfinishedLineAfterTheLeakedNonceDoesNotJoinTheNextJudgedLine(@TempDir Path tmp) throws Exception {
    Path w = Path.of("/tmp", "gh-attack17h-" + UUID.randomUUID());
    Throwable after = null;
    SshClientKey k = gw.sign(GatewayFixture.uniqueIdentity("nonce-join"), List.of("dev"));
    try (Tmux t = guarded(tmp, k)) {
      String nonce = nonceWhileRunning(t);
      // The nonce split over two writes: the check holds across chunks.
      t.run("send-keys", "-t", "gh", "-l", "x" + nonce.substring(0, 10));
      raw(t, nonce.substring(10));
      raw(t, "echo \"");
      assertNonceTypedEndsTheSession(t, k);
      // The attacker's next step finds no prompt: the session is gone, nothing joins anything.
    } catch (AssertionError | Exception e) {
      after = e;
    }
    assertNoWitness(w, after);
  }

  /**
   * The leaked nonce typed with a character erased inside it: the terminal's line discipline
   * removes the erased byte, so bash's read gets a line ending in the exact nonce while the bytes
   * the gateway passed never held it as one run. The gateway's check follows what the terminal can
   * make of the input (the nonce's digits in order), so this ends the session as typing it plainly does.
   */
  @Test
  void theLeakedNonceTypedWithAnErasedCharacterEndsTheSession(@TempDir Path tmp) throws Exception {
    Path w = Path.of("/tmp", "gh-attack17k-" + UUID.randomUUID());
    Throwable after = null;
    SshClientKey k = gw.sign(GatewayFixture.uniqueIdentity("nonce-erase"), List.of("dev"));
    try (Tmux t = guarded(tmp, k)) {
      String nonce = nonceWhileRunning(t);
      t.run("send-keys", "-t", "gh", "-l", "x" + nonce.substring(0, 20) + "q");
      t.run("send-keys", "-t", "gh", "BSpace");
      t.run("send-keys", "-t", "gh", "-l", nonce.substring(20, 40) + "zz");
      t.run("send-keys", "-t", "gh", "C-w"); // word-erase: the terminal takes the whole run back to the x
      t.run("send-keys", "-t", "gh", "-l", "x" + nonce.substring(0, 20) + "Z");
      t.run("send-keys", "-t", "gh", "BSpace");
      raw(t, nonce.substring(20));
      raw(t, ": > " + w);
      assertNonceTypedEndsTheSession(t, k);
    } catch (AssertionError | Exception e) {
      after = e;
    }
    assertNoWitness(w, after);
  }
}
