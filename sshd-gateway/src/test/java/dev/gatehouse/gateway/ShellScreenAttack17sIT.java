package dev.gatehouse.gateway;

import static dev.gatehouse.gateway.GatewayFixture.field;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
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
 * Ways past the screen mode with ordinary keys, now closed: the real OpenSSH client in tmux, the
 * gateway, a real sshd and an account whose login shell is dash, as in ShellScreenSshIT. The
 * line held back is {@code ssh …} (blocked by the policy's no-ssh-hop rule) followed by a
 * {@code touch} of a witness file: the witness existing means the blocked line ran on the host.
 */
@ExtendWith(GatewayLogOnFailure.class)
class ShellScreenAttack17sIT {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final String PROMPT = "\\$ ?";
  private static final String SH_USER = "gh-target-sh";
  private static final String POLICIES = ShellGuardIT.POLICIES.replaceFirst(
      "default-shell:\n(\\s+)type: shell\n", "default-shell:\n$1type: shell\n$1onGuardLost: screen\n");

  @TempDir static Path dir;
  static SshdProcess sshd;
  static GatewayFixture gw;

  @BeforeAll
  static void start() throws Exception {
    assertThat(POLICIES).contains("onGuardLost: screen");
    sshd = SshdProcess.prepare(dir.resolve("sshd"));
    SshdProcess.ensureUser(SH_USER, "/bin/sh");
    String targets = "targets:\n"
        + "  - name: dash-host\n    type: ssh\n    ssh: { host: 127.0.0.1, port: " + sshd.port() + ", user: "
        + SH_USER + ", hostKey: \"" + sshd.hostKeyLine() + "\" }\n    allow: { groups: [dev] }\n"
        + "    policy: default-shell\n    approvers: { groups: [ops-leads], min: 1 }\n"
        + POLICIES;
    gw = GatewayFixture.start(dir, "", targets);
    sshd.start(gw.gateway().certificateAuthority().targetCaPublicKeyLine());
  }

  @AfterAll
  static void stop() throws Exception {
    if (gw != null) {
      gw.close();
    }
    if (sshd != null) {
      sshd.close();
    }
  }

  private static Path witness() {
    return Path.of("/tmp", "gh-a17s-" + UUID.randomUUID().toString().substring(0, 8));
  }

  /**
   * Ctrl-V (the terminal's literal-next) typed before Enter made the gateway's Ctrl-C that drops
   * a blocked line go into the line as a literal character; Backspace removed it and the next
   * Enter, let through as an empty line, ran the blocked line. Ctrl-V no longer reaches the
   * shell, and the refusal drops the line with Ctrl-U then Ctrl-C: the next Enter is an empty line.
   */
  @Test
  void ctrlVBeforeEnterTurnsTheRefusalsCtrlCIntoTextAndTheBlockedLineRunsOnTheNextEnter(@TempDir Path tmp)
      throws Exception {
    SshClientKey key = gw.sign(GatewayFixture.uniqueIdentity("vic"), List.of("dev"));
    Path witness = witness();
    try (Tmux t = Tmux.start(tmp, 200, 30, gw.sshArgv(key, "dash-host", List.of("-t")))) {
      t.awaitScreen("source: screen\\)$", WAIT);
      t.awaitScreen("^" + PROMPT + "$", WAIT);
      t.run("send-keys", "-t", "gh", "-l", "ssh -V 2>/dev/null; touch " + witness);
      ShellPromptFixture.keys(t, "C-v");
      ShellPromptFixture.keys(t, "Enter");
      t.awaitScreen("^gatehouse: blocked by rule no-ssh-hop", WAIT);
      ShellPromptFixture.keys(t, "BSpace");
      ShellPromptFixture.keys(t, "Enter");
      // The prompt after the Ctrl-C, then the one after the empty line, before the next line is typed.
      t.awaitScreen("(?s)blocked by rule no-ssh-hop.*\\n" + PROMPT + "\\n" + PROMPT + "$", WAIT);
      t.type("echo after-a17s");
      t.awaitScreen("^after-a17s\\n" + PROMPT + "$", WAIT);
    }
    JsonNode blocked = gw.awaitAudit("blocked line", field("code", "GH3001W").and(field("identity", key.identity())));
    assertThat(blocked.path("source").asText()).isEqualTo("screen");
    assertThat(witness).as("the blocked line did not run on the host").doesNotExist();
  }

  /**
   * A line longer than the window: its start (the blocked command) scrolls off the top before
   * Enter, so the rows still on the screen ({@code echo bbb…}, which alone would be allowed) are
   * not the line. It is refused as one the screen does not show whole.
   */
  @Test
  void aLineLongerThanTheWindowIsRefusedNotJudgedByItsTail(@TempDir Path tmp) throws Exception {
    SshClientKey key = gw.sign(GatewayFixture.uniqueIdentity("lon"), List.of("dev"));
    Path witness = witness();
    // "$ " and the head fill two 40-column rows; the tail fills five more, so the window's five
    // rows start exactly at "echo".
    String head = String.format("%-78s", "ssh -V 2>/dev/null; touch " + witness + ";");
    String line = head + "echo " + "b".repeat(180);
    try (Tmux t = Tmux.start(tmp, 40, 5, gw.sshArgv(key, "dash-host", List.of("-t")))) {
      t.awaitScreen("^" + PROMPT + "$", WAIT);
      t.type(line);
      t.awaitScreen("(?s)\\ngatehouse: refused: the screen does not\\s*show the whole line \\(screen mode\\)\\n.*"
          + "\\n" + PROMPT + "$", WAIT);
      t.type("echo after-a17s");
      t.awaitScreen("^after-a17s\\n" + PROMPT + "$", WAIT);
    }
    JsonNode judged = gw.awaitAudit("the long line", field("identity", key.identity()).and(n -> n.path("statement")
        .asText().contains("bbbb")));
    assertThat(judged.path("code").asText()).isEqualTo("GH3001W");
    assertThat(judged.path("verdict").asText()).isEqualTo("block");
    assertThat(judged.path("rule").asText()).isEqualTo("screen-incomplete");
    assertThat(judged.path("source").asText()).isEqualTo("screen");
    assertThat(witness).as("the blocked line did not run on the host").doesNotExist();
  }

  /**
   * An OSC string the host leaves open swallows the echo (and the prompt): the row stays empty,
   * and the line was let through as an empty one. It is refused, and the refusal ends the string
   * first so that the user's terminal shows it.
   */
  @Test
  void aLineTypedIntoAnOpenOscStringIsRefusedAndTheRefusalIsShown(@TempDir Path tmp) throws Exception {
    SshClientKey key = gw.sign(GatewayFixture.uniqueIdentity("osc"), List.of("dev"));
    Path witness = witness();
    try (Tmux t = Tmux.start(tmp, 120, 30, gw.sshArgv(key, "dash-host", List.of("-t")))) {
      t.awaitScreen("^" + PROMPT + "$", WAIT);
      t.type("printf '\\033]2;'");
      t.type("ssh -V 2>/dev/null; touch " + witness);
      t.awaitScreen("^gatehouse: refused: the screen does not show the whole line \\(screen mode\\)$", WAIT);
      t.awaitScreen("(?s)show the whole line \\(screen mode\\)\\n.*" + PROMPT + "$", WAIT);
      t.type("echo after-a17s");
      t.awaitScreen("^after-a17s\\n" + PROMPT + "$", WAIT);
    }
    JsonNode refused = gw.awaitAudit("the line typed into the string", field("identity", key.identity())
        .and(field("rule", "screen-incomplete")));
    assertThat(refused.path("verdict").asText()).isEqualTo("block");
    assertThat(refused.path("source").asText()).isEqualTo("screen");
    assertThat(witness).as("the line did not run on the host").doesNotExist();
  }
}
