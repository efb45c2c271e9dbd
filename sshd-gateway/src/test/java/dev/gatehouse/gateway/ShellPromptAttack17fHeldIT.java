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

/**
 * Attack pass on the guarded prompt of a {@code command} target: what held, end to end (the real
 * OpenSSH client in tmux, the gateway, bash in the sandbox). The attacks that got through are in
 * ShellPromptAttack17fIT.
 */
@ExtendWith(GatewayLogOnFailure.class)
class ShellPromptAttack17fHeldIT {
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

  /**
   * A prompt forged by a running program (an A marker whose nonce is fresh random hex, P, B) is
   * taken for the hook's: the gateway's editor comes up while the program still runs, and the next
   * judged line is sent. Text typed raw before it (while the program ran) stays in the terminal,
   * ahead of the forged nonce and the judged line; when the program ends, the real hook reads the
   * terminal up to its own nonce and throws all of it away. Nothing raw runs, and the session goes on.
   */
  @Test
  void aForgedPromptDoesNotLetTextTypedAheadRun(@TempDir Path tmp) throws Exception {
    SshClientKey key = prompt.gw.sign(GatewayFixture.uniqueIdentity("forged-a"), List.of("dev"));
    try (Tmux t = prompt.shell(tmp, key)) {
      String forge = "sleep 3; printf '\\e]133;A;%s\\a\\e]133;P\\agh-test$ \\e]133;B\\a'"
          + " $(od -An -tx1 -N16 /dev/urandom | tr -dc 0-9a-f); sleep 8";
      t.type(forge);
      Thread.sleep(1000); // pacing: the line runs (its sleep 3) when the raw keys come
      String raw = SMUGGLED + "; read -r _; read -r _";
      ShellPromptFixture.literal(t, raw);
      ShellPromptFixture.keys(t, "Enter");
      t.awaitScreen(Pattern.quote(raw) + "\\n(.|\\n)*^gh-test\\$", WAIT);
      t.type("echo judged-line");
      t.awaitScreen(Pattern.quote("echo judged-line") + "(.|\\n)*^" + PROMPT + "$", WAIT);
      t.type("echo guard-still-up");
      t.awaitScreen("^guard-still-up\\n" + PROMPT + "$", WAIT);
      assertThat(t.screen()).doesNotContain(RAN);
    }
  }

  /**
   * A value evaluated again in the same line as the literal that holds its {@code $(…)} is
   * unclassified: held for approval ({@code review}), and nothing of it runs.
   */
  @Test
  void aLiteralEvaluatedInItsOwnLineIsHeld(@TempDir Path tmp) throws Exception {
    SshClientKey key = prompt.gw.sign(GatewayFixture.uniqueIdentity("same-line"), List.of("dev"));
    try (Tmux t = prompt.shell(tmp, key)) {
      t.type("x='b[$(" + SMUGGLED + " >&2)]'; : $((x))");
      t.awaitScreen("gatehouse: waiting for approval", WAIT);
      ShellPromptFixture.keys(t, "C-c");
      t.awaitScreen("cancelled\\n(.|\\n)*" + PROMPT + "$", WAIT);
      assertThat(t.screen()).doesNotContain(RAN);
    }
  }

  /**
   * {@code ulimit -n 3} (allowed) leaves the hook no descriptor for its command substitutions: the
   * hook finds a builtin it needs unusable, says so with an X marker and exits, and the session
   * ends before anything typed next reaches bash.
   */
  @Test
  void aDescriptorLimitEndsTheSessionInsteadOfOpeningTheWall(@TempDir Path tmp) throws Exception {
    SshClientKey key = prompt.gw.sign(GatewayFixture.uniqueIdentity("ulimit"), List.of("dev"));
    try (Tmux t = prompt.shell(tmp, key)) {
      t.type("ulimit -n 3");
      t.awaitScreen("gatehouse: the shell's prompt integration was broken", WAIT);
      assertThat(t.screen()).doesNotContain(RAN);
    }
  }
}
