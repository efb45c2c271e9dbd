package dev.gatehouse.gateway;

import static dev.gatehouse.gateway.GatewayFixture.field;
import static dev.gatehouse.gateway.ShellPromptFixture.PROMPT;
import static dev.gatehouse.gateway.ShellPromptFixture.WAIT;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Attack pass on the guarded prompt of a {@code command} target: moving the guarded shell's own
 * descriptors. With its output in a file ({@code exec >F 2>&1}), the hook's markers, nonce
 * included, went to a file a background job could show, and the gateway saw no prompt while the
 * person typed raw; with its error output gone ({@code exec 2>/dev/null}), the command-start
 * marker never came; with its input from a file ({@code exec <F}), bash ran the file's lines
 * unjudged. Typed at the prompt, every way of reaching that {@code exec} is refused as
 * guard-tamper; from a sourced file (which the guard does not read), the hook finds its
 * descriptors moved at the next prompt, says so on the terminal and ends the shell.
 */
@ExtendWith(GatewayLogOnFailure.class)
class ShellPromptAttack17kIT {
  private static final String RAN = "NEEDS-APPROVAL-RAN";

  @TempDir static Path dir;
  static ShellPromptFixture prompt;

  @BeforeAll
  static void start() throws Exception {
    prompt = ShellPromptFixture.setup().terminal(200, 40).start(dir);
  }

  @AfterAll
  static void stop() {
    if (prompt != null) {
      prompt.close();
    }
  }

  @ParameterizedTest(name = "typed: {0}")
  @ValueSource(strings = {"command exec >/tmp/gh17k-out 2>&1", "eval 'exec 2>/dev/null'", "builtin exec </tmp/gh17k-in",
      "eval exec bash"})
  void execReachedThroughABuiltinIsRefusedAtThePrompt(String line, @TempDir Path tmp) throws Exception {
    SshClientKey key = prompt.gw.sign(GatewayFixture.uniqueIdentity("exec17k"), List.of("dev"));
    try (Tmux t = prompt.shell(tmp, key)) {
      t.type(line);
      t.awaitScreen("^gatehouse: blocked by rule guard-tamper: exec in the guarded shell: .*$", WAIT);
      t.awaitScreen("^" + PROMPT + "$", WAIT);
      // The shell is still guarded: an ordinary line runs and shows its output.
      t.type("echo still-guarded | tr a-z A-Z");
      t.awaitScreen("^STILL-GUARDED$", WAIT);
    }
  }

  /**
   * A sourced file moves the guarded shell's output, error output or input. The hook, at the next
   * prompt, finds descriptors 0–2 are no longer its terminal: it prints why on the terminal (not
   * through the moved descriptor) and ends bash before it prints a prompt or a nonce. The session
   * closes with the reason; nothing of the input file ran.
   */
  @ParameterizedTest(name = "sourced: exec {0}")
  @ValueSource(strings = {">OUT 2>&1", "2>/dev/null", "<IN", "1>OUT"})
  void aSourcedExecMovingTheShellsDescriptorsEndsTheSession(String redirect, @TempDir Path tmp) throws Exception {
    SshClientKey key = prompt.gw.sign(GatewayFixture.uniqueIdentity("fd17k"), List.of("dev"));
    String tag = UUID.randomUUID().toString().substring(0, 8);
    String out = "/tmp/gh17k-out-" + tag;
    String in = "/tmp/gh17k-in-" + tag;
    String script = "/tmp/gh17k-" + tag + ".sh";
    try (Tmux t = prompt.shell(tmp, key)) {
      // Each line prints a word of its own once it ran: an empty prompt on the screen may still be
      // the one the line is being typed into (the echo not drawn yet), and the next line would then
      // go to the running command as typed-ahead keys.
      t.type("echo 'echo needs-approval-ran | tr a-z A-Z' > " + in + " && echo input-written | tr a-z A-Z");
      t.awaitScreen("^INPUT-WRITTEN$", WAIT);
      t.awaitScreen("^" + PROMPT + "$", WAIT);
      t.type("echo 'exec " + redirect.replace("OUT", out).replace("IN", in) + "' > " + script
          + " && echo script-written | tr a-z A-Z");
      t.awaitScreen("^SCRIPT-WRITTEN$", WAIT);
      t.awaitScreen("^" + PROMPT + "$", WAIT);
      t.type(". " + script);
      t.awaitScreen("^gatehouse: the shell's prompt integration was broken \\(descriptors\\); session closed$", WAIT);
      t.awaitExit(WAIT);
      assertThat(t.screen()).doesNotContain(RAN);
    }
    JsonNode lost = prompt.gw.awaitAudit("guard lost", field("code", "GH3021W").and(field("identity", key.identity())));
    assertThat(lost.path("reason").asText()).isEqualTo("guard-hook-broken");
  }

  /** Keys typed while a line waits for its command to start go to the command raw: they count toward the nonce check too. */
  @Test
  void theShellStaysGuardedAfterAnOrdinaryCommandWithTypeAhead(@TempDir Path tmp) throws Exception {
    SshClientKey key = prompt.gw.sign(GatewayFixture.uniqueIdentity("ahead17k"), List.of("dev"));
    // The command waits for the test's word, not for a time: the test ends its sleep (the sandbox's
    // own /tmp shows nothing of the test's), so the keys are typed and seen on its terminal while
    // it surely still runs, however slow the machine.
    String sleep = "3000." + (100 + new java.util.Random().nextInt(900));
    try (Tmux t = prompt.shell(tmp, key)) {
      // Its first output shows it runs (the gateway saw the command start before it passes output
      // on): keys typed from then on go to it raw. Keys typed while the line is still being judged
      // go to the next prompt's editor instead.
      t.type("echo started | tr a-z A-Z; sleep " + sleep + "; echo went | tr a-z A-Z");
      t.awaitScreen("^STARTED$", WAIT);
      ShellPromptFixture.literal(t, "0123456789abcdef");
      // The command's terminal echoes the keys: they went to it raw, not to the gateway's editor.
      t.awaitScreen("^0123456789abcdef$", WAIT);
      // bash says "Terminated" of the sleep the test ends, on the line of the echoed keys.
      List<ProcessHandle> sleeping = ProcessHandle.allProcesses()
          .filter(p -> p.info().commandLine().orElse("").endsWith("sleep " + sleep)).toList();
      assertThat(sleeping).as("the command's sleep").isNotEmpty();
      sleeping.forEach(ProcessHandle::destroy);
      // The hook threw the keys away at the next prompt: the next line holds only what is typed
      // there (with the keys left in it, it would read "0123456789abcdefecho again"), and it is judged and runs.
      t.awaitScreen("^0123456789abcdefTerminated\\nWENT\\n" + PROMPT + "$", WAIT);
      t.type("echo again | tr a-z A-Z");
      t.awaitScreen("^0123456789abcdefTerminated\\nWENT\\n" + PROMPT + "echo again \\| tr a-z A-Z\\nAGAIN$", WAIT);
    }
  }
}
