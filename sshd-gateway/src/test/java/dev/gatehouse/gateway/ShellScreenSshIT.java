package dev.gatehouse.gateway;

import static dev.gatehouse.gateway.GatewayFixture.field;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
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
 * The screen mode ({@code onGuardLost: screen}) end to end: the real OpenSSH client in a tmux
 * terminal, the gateway, a real OpenSSH sshd on loopback and an account whose login shell is dash.
 * The guard's integration needs bash, so the session goes on over the host's plain shell with each
 * line rebuilt from the screen at Enter and judged. Asserted is what the person sees, the audit
 * lines and the recording.
 */
@ExtendWith(GatewayLogOnFailure.class)
class ShellScreenSshIT {
  private static final Duration WAIT = Duration.ofSeconds(20);
  /** dash's prompt (Debian's /etc/profile sets it for shells other than bash). */
  private static final String PROMPT = "\\$ ?";
  /** An account whose login shell is dash (the same one ShellPromptSshIT uses). */
  private static final String SH_USER = "gh-target-sh";
  /** An account whose sshd forces an interactive dash whatever the client asks for (as in ShellPromptSshIT). */
  private static final String FORCED_USER = "gh-target-fc";
  private static final String NOTICE = "gatehouse: the remote shell did not take the guard's integration (the login"
      + " shell is not bash 5.1 or later); commands are now judged from the screen (source: screen)";
  /** The ITs' shell policy, going on in screen mode where the guard cannot own the prompt. */
  private static final String POLICIES = ShellGuardIT.POLICIES.replaceFirst(
      "default-shell:\n(\\s+)type: shell\n", "default-shell:\n$1type: shell\n$1onGuardLost: screen\n");

  @TempDir static Path dir;
  static SshdProcess sshd;
  static GatewayFixture gw;
  static SshClientKey bob;

  @BeforeAll
  static void start() throws Exception {
    assertThat(POLICIES).contains("onGuardLost: screen");
    sshd = SshdProcess.prepare(dir.resolve("sshd"));
    SshdProcess.ensureUser(SH_USER, "/bin/sh");
    SshdProcess.ensureUser(FORCED_USER, "/bin/bash");
    String host = "    type: ssh\n    ssh: { host: 127.0.0.1, port: " + sshd.port() + ", user: %s, hostKey: \""
        + sshd.hostKeyLine() + "\" }\n    allow: { groups: [dev] }\n    policy: default-shell\n"
        + "    approvers: { groups: [ops-leads], min: 1 }\n";
    String targets = "targets:\n"
        + "  - name: dash-host\n" + String.format(host, SH_USER)
        + "  - name: forced-host\n" + String.format(host, FORCED_USER)
        + POLICIES;
    gw = GatewayFixture.start(dir, "", targets);
    sshd.start(gw.gateway().certificateAuthority().targetCaPublicKeyLine(),
        "Match User " + FORCED_USER, "  ForceCommand /bin/sh -i");
    bob = gw.sign(GatewayFixture.uniqueIdentity("bob"), List.of("dev", "ops-leads"));
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

  /** {@code ssh -t dash-host@gw} in a tmux terminal, at dash's prompt below the screen-mode notice. */
  private static Tmux screenShell(Path tmp, SshClientKey key) throws Exception {
    Tmux t = Tmux.start(tmp, 200, 30, gw.sshArgv(key, "dash-host", List.of("-t")));
    t.awaitScreen("^" + java.util.regex.Pattern.quote(NOTICE) + "$", WAIT);
    t.awaitScreen("^" + PROMPT + "$", WAIT);
    return t;
  }

  @Test
  void aDashHostGoesOnInScreenModeAndAnAllowedLineRunsAuditedAsScreen(@TempDir Path tmp) throws Exception {
    SshClientKey ann = gw.sign(GatewayFixture.uniqueIdentity("ann"), List.of("dev"));
    try (Tmux t = screenShell(tmp, ann)) {
      t.type("echo screen-ok; whoami");
      t.awaitScreen("^screen-ok\\n" + SH_USER + "\\n" + PROMPT + "$", WAIT);
      t.type("exit");
      t.awaitExit(WAIT);
      assertThat(t.screen()).as("nothing of the integration shows").doesNotContain("__gh_", "POSIXLY", "133;");
    }
    JsonNode lost = gw.awaitAudit("guard lost", field("code", "GH3021W").and(field("identity", ann.identity())));
    assertThat(lost.path("reason").asText()).isEqualTo("remote-shell-not-bash");
    assertThat(lost.path("mode").asText()).isEqualTo("screen");
    JsonNode a = gw.awaitAudit("allowed line", field("code", "GH3000I").and(field("identity", ann.identity()))
        .and(field("statement", "echo screen-ok; whoami")));
    assertThat(a.path("source").asText()).isEqualTo("screen");
    assertThat(gw.recordingsOf(ann)).contains("allow (screen): echo screen-ok; whoami",
        "guard lost (remote-shell-not-bash): commands are now judged from the screen");
  }

  @Test
  void aBlockedLineShowsItsReasonAndAFreshPromptAndNothingOfItRuns(@TempDir Path tmp) throws Exception {
    SshClientKey cid = gw.sign(GatewayFixture.uniqueIdentity("cid"), List.of("dev"));
    Path witness = Path.of("/tmp", "gh-screen-guard-" + UUID.randomUUID());
    try (Tmux t = screenShell(tmp, cid)) {
      t.type("touch " + witness + "; rm -rf /");
      // The reason on its own line; the shell drops the line on the Ctrl-C (the terminal may echo ^C).
      t.awaitScreen("^gatehouse: blocked by rule recursive-delete-root: rm -rf /\\n(\\^C)?\\n*" + PROMPT + "$", WAIT);
      t.type("echo still-here");
      t.awaitScreen("^still-here\\n" + PROMPT + "$", WAIT);
    }
    assertThat(witness).as("nothing of the blocked line ran on the host").doesNotExist();
    JsonNode a = gw.awaitAudit("blocked line", field("code", "GH3001W").and(field("identity", cid.identity())));
    assertThat(a.path("statement").asText()).isEqualTo("touch " + witness + "; rm -rf /");
    assertThat(a.path("source").asText()).isEqualTo("screen");
    assertThat(gw.recordingsOf(cid)).contains("block recursive-delete-root (screen): touch " + witness + "; rm -rf /");
    String session = gw.sessionsOf(cid.identity()).get(0).id();
    GatewayFixture.CliResult show = gw.cli("sessions", "show", session);
    assertThat(show.out()).as(show.err()).contains("block  (screen) recursive-delete-root");
    GatewayFixture.CliResult json = gw.cli("sessions", "show", session, "--format", "json");
    JsonNode shown = new com.fasterxml.jackson.databind.ObjectMapper().readTree(json.out());
    assertThat(shown.path("statements").get(0).path("source").asText()).as(json.out()).isEqualTo("screen");
  }

  @Test
  void aReviewLineWaitsAndRunsOnceApproved(@TempDir Path tmp) throws Exception {
    SshClientKey dee = gw.sign(GatewayFixture.uniqueIdentity("dee"), List.of("dev"));
    try (Tmux t = screenShell(tmp, dee)) {
      t.type("echo needs-approval-then-ran-as-$(whoami)");
      Matcher m = t.awaitScreen("^gatehouse: waiting for approval \\(request ([0-9A-F]{4,8})[^)]*\\) — Ctrl-C to cancel",
          WAIT);
      assertThat(t.screen()).doesNotContain("needs-approval-then-ran-as-gh-target");
      assertThat(gw.ssh(bob, "approvals").run("approve " + m.group(1)).exitCode()).isZero();
      t.awaitScreen("^needs-approval-then-ran-as-" + SH_USER + "\\n" + PROMPT + "$", WAIT);
    }
    JsonNode r = gw.awaitAudit("review line", field("code", "GH3002I").and(field("identity", dee.identity())));
    assertThat(r.path("source").asText()).isEqualTo("screen");
  }

  /**
   * A forced command that is an interactive dash never prints the integration's first prompt
   * marker: the guard waits for it up to its deadline (20 s, the product's bound, allowed in full
   * here), then hands the shell that is there to the screen mode.
   */
  @Test
  void aShellThatNeverBringsUpTheGuardedPromptGoesOnInScreenModeAfterTheDeadline(@TempDir Path tmp) throws Exception {
    SshClientKey hal = gw.sign(GatewayFixture.uniqueIdentity("hal"), List.of("dev"));
    try (Tmux t = Tmux.start(tmp, 200, 30, gw.sshArgv(hal, "forced-host", List.of("-t")))) {
      t.awaitScreen("^gatehouse: the remote shell did not take the guard's integration \\(no guarded prompt within 20 s\\);"
          + " commands are now judged from the screen \\(source: screen\\)$", WAIT.plusSeconds(20));
      t.type("echo forced-ok; rm -rf /");
      t.awaitScreen("^gatehouse: blocked by rule recursive-delete-root: rm -rf /$", WAIT);
      t.type("echo forced-ok");
      t.awaitScreen("^forced-ok\\n" + PROMPT + "$", WAIT);
    }
    JsonNode lost = gw.awaitAudit("guard lost", field("code", "GH3021W").and(field("identity", hal.identity())));
    assertThat(lost.path("reason").asText()).isEqualTo("integration-did-not-start");
    assertThat(lost.path("mode").asText()).isEqualTo("screen");
    JsonNode blocked = gw.awaitAudit("blocked line", field("code", "GH3001W").and(field("identity", hal.identity())));
    assertThat(blocked.path("statement").asText()).isEqualTo("echo forced-ok; rm -rf /");
    assertThat(blocked.path("source").asText()).isEqualTo("screen");
  }

  @Test
  void vimAndLessWorkOnTheAlternateScreenWhereEnterIsNotJudged(@TempDir Path tmp) throws Exception {
    SshClientKey eve = gw.sign(GatewayFixture.uniqueIdentity("eve"), List.of("dev"));
    try (Tmux t = screenShell(tmp, eve)) {
      t.type("vim");
      t.awaitScreen("^~\\s*$", WAIT);
      // In vim, a line that would be blocked at the prompt is text in a buffer: its Enter is vim's.
      t.run("send-keys", "-t", "gh", "i");
      t.awaitScreen("-- INSERT --", WAIT);
      t.type("rm -rf /");
      t.awaitScreen("^rm -rf /\\n", WAIT);
      ShellPromptFixture.keys(t, "Escape");
      t.awaitScreen("\\A(?s)(?!.*-- INSERT --)", WAIT);
      t.type(":q!");
      t.awaitScreen("^" + PROMPT + "$", WAIT);
      t.type("less /etc/passwd");
      t.awaitScreen("^root:x:0:0:", WAIT);
      ShellPromptFixture.keys(t, "Enter", "Enter");
      t.run("send-keys", "-t", "gh", "q");
      t.awaitScreen("^" + PROMPT + "$", WAIT);
      t.type("echo after-the-editors");
      t.awaitScreen("^after-the-editors\\n" + PROMPT + "$", WAIT);
      assertThat(t.screen()).doesNotContain("gatehouse: blocked");
    }
    gw.awaitAudit("the line after the editors", field("code", "GH3000I").and(field("identity", eve.identity()))
        .and(field("statement", "echo after-the-editors")));
    List<String> judged = gw.auditLines().stream()
        .filter(field("identity", eve.identity()).and(n -> n.has("statement")))
        .map(n -> n.path("statement").asText())
        .toList();
    assertThat(judged).as("no line typed inside vim or less was judged")
        .doesNotContain("rm -rf /", ":q!", "")
        .contains("vim", "less /etc/passwd", "echo after-the-editors");
  }
}
