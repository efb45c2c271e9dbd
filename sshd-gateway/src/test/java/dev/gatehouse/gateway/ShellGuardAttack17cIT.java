package dev.gatehouse.gateway;

import static dev.gatehouse.gateway.ShellPromptFixture.PROMPT;
import static dev.gatehouse.gateway.ShellPromptFixture.WAIT;
import static dev.gatehouse.gateway.ShellPromptFixture.keys;
import static dev.gatehouse.gateway.ShellPromptFixture.literal;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Attack pass on the shell guard's interactive path and on output masking, end to end: the real
 * OpenSSH client in a tmux terminal, the gateway, real bash on a {@code command} target whose
 * policy is docs/policy.md's default-shell, one operator rule that blocks {@code id}, and output
 * masking. A command the guard should have refused shows up as {@code uid=…} on the screen when
 * bash ran it anyway; a masked value shows up in the clear on the screen or in the recording.
 *
 * <p>A scenario is a list of steps: {@code L:text} types a line and Enter, {@code R:text} types
 * text without Enter, {@code K:keys} sends tmux key names (C-d, Escape). Between steps the test
 * waits a moment so that a program started by a line is reading when the next step is typed
 * (pacing, not an assertion).
 */
@ExtendWith(GatewayLogOnFailure.class)
class ShellGuardAttack17cIT {
  static final String EMAIL = "alice.secret@example.com";
  /** docs/policy.md's default-shell, a rule that blocks id, output masking. */
  static final String POLICIES = """
        policies:
          default-shell:
            type: shell
            block:  [recursive-delete-root, filesystem-format, raw-device-write, power, fork-bomb, history-tamper, audit-tamper]
            review: [sudo, package-change, service-change, process-kill, firewall-change, user-change, scheduler-change,
                     curl-pipe-shell, interpreter-inline, remote-copy, guard-tamper]
            unclassified: review
            rules:
              - { name: no-id, commands: [id], verdict: block }
            mask: { detectors: [email, credit-card, api-key, private-key, jwt] }
        """;

  @TempDir static Path dir;
  static ShellPromptFixture prompt;
  static GatewayFixture gw;

  @BeforeAll
  static void start() throws Exception {
    prompt = ShellPromptFixture.setup().policies(POLICIES).terminal(160, 40).start(dir);
    gw = prompt.gw;
  }

  @AfterAll
  static void stop() throws Exception {
    if (prompt != null) {
      prompt.close();
    }
  }

  static void play(Tmux t, String scenario) throws Exception {
    for (String step : scenario.split(" ⏎ ")) {
      String arg = step.substring(2);
      switch (step.substring(0, 2)) {
        case "L:" -> t.type(arg);
        case "R:" -> literal(t, arg);
        case "K:" -> keys(t, arg.split(" "));
        default -> throw new IllegalArgumentException(step);
      }
      Thread.sleep(800);
    }
  }

  /** After the scenario, the session is still at a prompt that answers, and bash never ran id. */
  static void assertIdNeverRan(Tmux t, String scenario) throws Exception {
    t.type("cat /tmp/pwn 2>/dev/null; echo END-OF-ATTACK");
    String screen;
    try {
      t.awaitScreen("^END-OF-ATTACK\\n" + PROMPT + "$", WAIT);
      screen = t.screen();
    } catch (AssertionError e) {
      screen = t.screen(); // the session ended (guard lost): what it showed until then still counts
    }
    assertThat(screen).as("bash ran id (uid=…) after: %s%nscreen:%n%s", scenario, screen).doesNotContain("uid=");
  }

  // ---- input side: a command the guard refuses runs ---------------------------------------------

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {
      // History expansion: bash expands !-designators and ^a^b after the gateway judged the line.
      "L:: id ⏎ L:!!:1",
      "L:jd ⏎ L:^j^i",
      // fc re-runs a history entry, with a substitution.
      "L:jd ⏎ L:fc -s j=i",
      // set -o emacs turns readline back on; bind -x then runs a command at a printable key.
      "L:set -o emacs ⏎ L:bind -x '\"Q\": id >/tmp/pwn' ⏎ L:echo Q",
      // tset/reset set the terminal's erase character: the line discipline then edits the judged line.
      "L:tset -I -Q -e '#' ⏎ L:echo a #; id",
      "L:reset -I -Q -e '#' ⏎ L:echo a #; id",
      "L:tset -I -Q -k '#' ⏎ L:true #id",
      // A shell reading code from the terminal by name: not a nested shell to the guard.
      "L:bash /dev/tty ⏎ L:id ⏎ K:C-d",
      "L:source /dev/tty ⏎ L:id ⏎ K:C-d",
      "L:sh /dev/tty ⏎ L:id ⏎ K:C-d",
      "L:bash < /dev/tty ⏎ L:id ⏎ K:C-d",
      // read -e gives readline; M-C-e (shell-expand-line) runs the command substitutions in the buffer.
      "L:read -e x ⏎ R:$(id) ⏎ K:Escape C-e ⏎ K:Enter",
  })
  void aCommandTheGuardRefusesDoesNotRun(String scenario, @TempDir Path tmp) throws Exception {
    SshClientKey k = gw.sign(GatewayFixture.uniqueIdentity("in"), List.of("dev"));
    try (Tmux t = prompt.shell(tmp, k)) {
      play(t, scenario);
      assertIdNeverRan(t, scenario);
    }
  }

  // ---- output side: a masked value shows -------------------------------------------------------

  private static String printed(String text) {
    return "printf %s " + Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8)) + " | base64 -d";
  }

  /** A plain value printed at the guarded prompt: the screen and the recording must show its mask. */
  @Test
  void aValuePrintedAtTheGuardedPromptIsMasked(@TempDir Path tmp) throws Exception {
    SshClientKey k = gw.sign(GatewayFixture.uniqueIdentity("mask"), List.of("dev"));
    try (Tmux t = prompt.shell(tmp, k)) {
      t.type(printed("mail: " + EMAIL + "\n") + "; echo END-OF-OUTPUT");
      t.awaitScreen("^END-OF-OUTPUT\\n" + PROMPT + "$", WAIT);
      assertThat(t.screen()).doesNotContain(EMAIL).contains("mail: ********");
      t.type("exit");
      t.awaitExit(WAIT);
    }
    assertThat(gw.recordingsOf(k)).doesNotContain(EMAIL);
  }

  /**
   * A character the terminal draws as nothing, inside a value, on an exec session with a terminal
   * (where the masker runs): the detectors read two pieces, the screen shows the value whole.
   */
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"\\000", "\\177", "\\a", "\\017", "\\342\\200\\213", "\\342\\201\\240"})
  void aValueWithAnInvisibleCharacterInsideIsMaskedOnScreen(String invisible, @TempDir Path tmp) throws Exception {
    SshClientKey k = gw.sign(GatewayFixture.uniqueIdentity("inv"), List.of("dev"));
    List<String> argv = new ArrayList<>(gw.sshArgv(k, "web-1", List.of("-t")));
    argv.add("printf 'mail: alice.secret@exam" + invisible + "ple.com\\nEND-OF-OUTPUT\\n'; sleep 1");
    try (Tmux t = Tmux.start(tmp, 160, 40, argv)) {
      t.awaitScreen("END-OF-OUTPUT", WAIT);
      // Zero-width characters are kept in the captured cell text but draw nothing: left out, as the eye does.
      String seen = t.screen().replaceAll("[\\u200B-\\u200D\\u2060\\uFEFF]", "");
      assertThat(seen).as("invisible %s", invisible).doesNotContain(EMAIL);
    }
  }
}
