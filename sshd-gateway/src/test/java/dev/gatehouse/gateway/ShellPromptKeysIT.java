package dev.gatehouse.gateway;

import static dev.gatehouse.gateway.GatewayFixture.field;
import static dev.gatehouse.gateway.ShellPromptFixture.PROMPT;
import static dev.gatehouse.gateway.ShellPromptFixture.WAIT;
import static dev.gatehouse.gateway.ShellPromptFixture.keys;
import static dev.gatehouse.gateway.ShellPromptFixture.literal;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gatehouse.recorder.SessionRecord;
import dev.gatehouse.recorder.SessionState;
import dev.gatehouse.recorder.search.Marker;
import dev.gatehouse.recorder.search.RecordingText;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The guarded prompt under a person's keys, end to end (the set-up of {@link ShellPromptIT}: the
 * real OpenSSH client in tmux, the gateway, real bash): the line editor's history and Ctrl-R give
 * lines that are judged again, Ctrl-D ends the session with bash's status, a denied or expired
 * approval drops the line, full-screen programs and a password prompt get the raw keys, and a
 * forged command-start marker ends the session (the guard lost). Asserted is the screen, the exit
 * status, the audit lines and the recording.
 */
@ExtendWith(GatewayLogOnFailure.class)
class ShellPromptKeysIT {
  @TempDir static Path dir;
  static ShellPromptFixture prompt;
  static GatewayFixture gw;
  static SshClientKey bob;

  @BeforeAll
  static void start() throws Exception {
    prompt = ShellPromptFixture.setup().start(dir);
    gw = prompt.gw;
    bob = gw.sign(GatewayFixture.uniqueIdentity("bob"), List.of("dev", "ops-leads"));
  }

  @AfterAll
  static void stop() throws Exception {
    if (prompt != null) {
      prompt.close();
    }
  }

  /** Waits until {@code regex} matches {@code n} times on the screen. */
  private static void awaitCount(Tmux t, String regex, int n) throws Exception {
    Pattern p = Pattern.compile(regex, Pattern.MULTILINE);
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (true) {
      String s = t.screen();
      long found = p.matcher(s).results().count();
      if (found == n) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("/" + regex + "/ matched " + found + " times, not " + n + ":\n" + s);
      }
      Thread.sleep(100);
    }
  }

  /** Waits until {@code n} audit lines match (audit lines of finished commands come when they end). */
  private static List<JsonNode> awaitAuditCount(String what, Predicate<JsonNode> match, int n) throws Exception {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (true) {
      List<JsonNode> hits = gw.auditLines().stream().filter(match).toList();
      if (hits.size() >= n || System.nanoTime() > deadline) {
        assertThat(hits).as(what).hasSize(n);
        return hits;
      }
      Thread.sleep(100);
    }
  }

  @Test
  void arrowUpRecallsTheLineAndTheRecalledLineIsJudgedAgain(@TempDir Path tmp) throws Exception {
    SshClientKey k = gw.sign(GatewayFixture.uniqueIdentity("hist"), List.of("dev"));
    try (Tmux t = prompt.shell(tmp, k)) {
      t.type("echo hist-one");
      t.awaitScreen("^hist-one\\n" + PROMPT + "$", WAIT);
      keys(t, "Up");
      t.awaitScreen("^" + PROMPT + "echo hist-one$", WAIT);
      keys(t, "Enter");
      awaitCount(t, "^hist-one$", 2);
      // Keys typed before the prompt is back go to the running command (type-ahead is dropped).
      t.awaitScreen("^hist-one\\n" + PROMPT + "$", WAIT);
      // Recalled and edited: the whole edited line is judged, not the history entry.
      keys(t, "Up");
      literal(t, "; rm -rf /");
      keys(t, "Enter");
      t.awaitScreen("^gatehouse: blocked by rule recursive-delete-root: rm -rf /\\n" + PROMPT + "$", WAIT);
      awaitCount(t, "^hist-one$", 2);
    }
    awaitAuditCount("the recalled line ran and was audited again", field("code", "GH3000I")
        .and(field("identity", k.identity())).and(field("statement", "echo hist-one")), 2);
    gw.awaitAudit("recalled and edited line blocked", field("code", "GH3001W").and(field("identity", k.identity()))
        .and(field("statement", "echo hist-one; rm -rf /")));
  }

  @Test
  void ctrlRFindsABlockedLineAndItIsBlockedAgain(@TempDir Path tmp) throws Exception {
    SshClientKey k = gw.sign(GatewayFixture.uniqueIdentity("ctrlr"), List.of("dev"));
    try (Tmux t = prompt.shell(tmp, k)) {
      t.type("echo rsearch-one; rm -rf /");
      t.awaitScreen("^gatehouse: blocked by rule recursive-delete-root: rm -rf /\\n" + PROMPT + "$", WAIT);
      t.type("echo unrelated-line");
      t.awaitScreen("^unrelated-line\\n" + PROMPT + "$", WAIT);
      keys(t, "C-r");
      literal(t, "rsearch");
      t.awaitScreen("rsearch-one; rm -rf /", WAIT);
      keys(t, "Enter");
      awaitCount(t, "^gatehouse: blocked by rule recursive-delete-root: rm -rf /$", 2);
      t.awaitScreen("^" + PROMPT + "$", WAIT);
      assertThat(t.screen()).doesNotContainPattern("(?m)^rsearch-one$");
    }
    awaitAuditCount("the line found by Ctrl-R judged again", field("code", "GH3001W")
        .and(field("identity", k.identity())).and(field("statement", "echo rsearch-one; rm -rf /")), 2);
  }

  @Test
  void ctrlDOnAnEmptyLineEndsTheSessionWithBashsLastStatus(@TempDir Path tmp) throws Exception {
    SshClientKey k = gw.sign(GatewayFixture.uniqueIdentity("ctrld"), List.of("dev"));
    // ssh's exit status printed by a shell around it (tmux does not always report a pane's status).
    List<String> argv = new java.util.ArrayList<>(List.of("sh", "-c", "\"$@\"; echo ssh-exit=$?; sleep 60", "sh"));
    argv.addAll(gw.sshArgv(k, "web-1", List.of("-t")));
    try (Tmux t = Tmux.start(tmp, 120, 30, argv)) {
      t.awaitScreen("^" + PROMPT + "$", WAIT);
      // On a line with text Ctrl-D does not end anything (at the end of the line it deletes nothing).
      literal(t, "echo partial-line");
      keys(t, "C-d");
      keys(t, "Enter");
      t.awaitScreen("^partial-line\\n" + PROMPT + "$", WAIT);
      t.type("(exit 7)");
      t.awaitScreen("^" + PROMPT + "\\(exit 7\\)\\n" + PROMPT + "$", WAIT);
      keys(t, "C-d");
      t.awaitScreen("^ssh-exit=7$", WAIT);
    }
    JsonNode end = gw.awaitAudit("session end", field("code", "GH2001I").and(field("identity", k.identity())));
    assertThat(end.path("exitStatus").asInt()).isEqualTo(7);
  }

  @Test
  void aDeniedApprovalDropsTheLineShowsTheReasonAndAFreshPrompt(@TempDir Path tmp) throws Exception {
    SshClientKey k = gw.sign(GatewayFixture.uniqueIdentity("denied"), List.of("dev"));
    try (Tmux t = prompt.shell(tmp, k)) {
      t.type("echo needs-approval-denied");
      Matcher m = t.awaitScreen("waiting for approval \\(request ([0-9A-F]{4,8})[^)]*\\) — Ctrl-C to cancel", WAIT);
      String id = m.group(1);
      assertThat(gw.ssh(bob, "approvals").run("deny " + id + " not now").exitCode()).isZero();
      t.awaitScreen("^gatehouse: denied by " + Pattern.quote(bob.identity()) + " \\(request " + id + "\\): not now\\n"
          + PROMPT + "$", WAIT);
      t.type("echo after-deny");
      t.awaitScreen("^after-deny\\n" + PROMPT + "$", WAIT);
      assertThat(t.screen()).doesNotContainPattern("(?m)^needs-approval-denied$");
    }
    assertThat(gw.recordingsOf(k)).contains("review echo-review (request ").doesNotContain("approved by ");
  }

  @Test
  void anExpiredApprovalDropsTheLineWithTheReason(@TempDir Path tmp) throws Exception {
    // A gateway of its own: approvals.ttl is gateway-wide, and 2 s here keeps the wait short.
    try (ShellPromptFixture g = ShellPromptFixture.setup().config("approvals: { ttl: 2s }").start(tmp.resolve("gw"))) {
      SshClientKey k = g.gw.sign(GatewayFixture.uniqueIdentity("expiry"), List.of("dev"));
      try (Tmux t = g.shell(tmp.resolve("tmux"), k)) {
        t.type("echo needs-approval-expiring");
        Matcher m = t.awaitScreen("waiting for approval \\(request ([0-9A-F]{4,8})", WAIT);
        t.awaitScreen("^gatehouse: approval request " + m.group(1) + " expired without a decision\\n" + PROMPT + "$",
            WAIT);
        t.type("echo after-expiry");
        t.awaitScreen("^after-expiry\\n" + PROMPT + "$", WAIT);
        assertThat(t.screen()).doesNotContainPattern("(?m)^needs-approval-expiring$");
      }
    }
  }

  @Test
  void lessGetsRawKeysAndQuitsBackToTheGuardedPrompt(@TempDir Path tmp) throws Exception {
    SshClientKey k = gw.sign(GatewayFixture.uniqueIdentity("less"), List.of("dev"));
    try (Tmux t = prompt.shell(tmp, k)) {
      t.type("seq -f 'less-line-%g' 1 200 > /tmp/less-file; less /tmp/less-file");
      t.awaitScreen("^less-line-1$", WAIT);
      assertThat(t.screen()).doesNotContainPattern("(?m)^less-line-200$");
      keys(t, "G"); // less's own key: to the end of the file
      t.awaitScreen("^less-line-200$", WAIT);
      keys(t, "q");
      t.awaitScreen("^" + PROMPT + "$", WAIT);
      t.type("echo after-less");
      t.awaitScreen("^after-less\\n" + PROMPT + "$", WAIT);
    }
  }

  @Test
  void viGetsRawKeysAndWritesTheFile(@TempDir Path tmp) throws Exception {
    SshClientKey k = gw.sign(GatewayFixture.uniqueIdentity("vi"), List.of("dev"));
    try (Tmux t = prompt.shell(tmp, k)) {
      t.type("cd /tmp && vi vi-file.txt");
      t.awaitScreen("^~", WAIT);
      keys(t, "i");
      literal(t, "written-by-vi");
      keys(t, "Escape");
      literal(t, ":wq");
      keys(t, "Enter");
      t.awaitScreen("^" + PROMPT + "$", WAIT);
      t.type("cat /tmp/vi-file.txt");
      t.awaitScreen("^written-by-vi\\n" + PROMPT + "$", WAIT);
    }
  }

  @Test
  void topGetsRawKeysAndQuitsBackToTheGuardedPrompt(@TempDir Path tmp) throws Exception {
    SshClientKey k = gw.sign(GatewayFixture.uniqueIdentity("top"), List.of("dev"));
    try (Tmux t = prompt.shell(tmp, k)) {
      t.type("top");
      t.awaitScreen("PID +USER", WAIT);
      keys(t, "q");
      t.awaitScreen("^" + PROMPT + "$", WAIT);
      t.type("echo after-top");
      t.awaitScreen("^after-top\\n" + PROMPT + "$", WAIT);
    }
  }

  @Test
  void aPasswordPromptReadsTheKeysWithoutShowingOrRecordingThem(@TempDir Path tmp) throws Exception {
    SshClientKey k = gw.sign(GatewayFixture.uniqueIdentity("secret"), List.of("dev"));
    try (Tmux t = prompt.shell(tmp, k)) {
      // printf, not echo: the test policy's echo rule reviews an echo whose arguments are only known when it runs.
      t.type("read -r -s -p 'Password: ' pw; echo; printf 'got %s chars\\n' \"${#pw}\"");
      t.awaitScreen("^Password: ?$", WAIT);
      // Pacing, not an assertion: bash's read -s turns echo off with TCSAFLUSH after it printed
      // the prompt, which throws away keys that arrive before it (the password has 15 characters).
      Thread.sleep(500);
      t.type("hunter-s3cret42");
      t.awaitScreen("^got 15 chars\\n" + PROMPT + "$", WAIT);
      assertThat(t.screen()).doesNotContain("hunter-s3cret");
    }
    assertThat(gw.recordingsOf(k)).as("typed input is not recorded by default").doesNotContain("hunter-s3cret");
    assertThat(gw.auditLines().toString()).doesNotContain("hunter-s3cret");
  }

  @Test
  void aForgedCommandStartMarkerEndsTheSessionAsGuardLost(@TempDir Path tmp) throws Exception {
    SshClientKey k = gw.sign(GatewayFixture.uniqueIdentity("forged"), List.of("dev"));
    try (Tmux t = prompt.shell(tmp, k)) {
      // An allowed program prints what the integration prints when bash starts a command: the
      // gateway cannot tell it from bash starting a command it never handed over.
      // The last command's output (not-reached) differs from its typed text, which stays on screen.
      t.type("printf 'before-forged\\n\\033]133;C\\007'; sleep 30; echo NOT-REACHED | tr A-Z a-z");
      t.awaitScreen("gatehouse: the shell started a command the guard did not see; session closed", WAIT);
      t.awaitExit(WAIT);
      assertThat(t.screen()).doesNotContain("not-reached");
    }
    JsonNode lost = gw.awaitAudit("guard lost", field("code", "GH3021W").and(field("identity", k.identity())));
    assertThat(lost.path("reason").asText()).isEqualTo("unjudged-command");
    gw.awaitAudit("session killed", field("code", "GH2002W").and(field("identity", k.identity()))
        .and(field("reason", "guard-lost")));
  }

  @Test
  void aForgedMarkerFromABackgroundJobAtThePromptEndsTheSession(@TempDir Path tmp) throws Exception {
    SshClientKey k = gw.sign(GatewayFixture.uniqueIdentity("bgforged"), List.of("dev"));
    try (Tmux t = prompt.shell(tmp, k)) {
      t.type("(sleep 1; printf '\\033]133;C\\007') &");
      t.awaitScreen("gatehouse: the shell started a command the guard did not see; session closed", WAIT);
      t.awaitExit(WAIT);
    }
    gw.awaitAudit("guard lost", field("code", "GH3021W").and(field("identity", k.identity()))
        .and(field("reason", "unjudged-command")));
  }

  @Test
  void bashsOwnHistoryExpansionRunsNothingTheGuardDidNotSee(@TempDir Path tmp) throws Exception {
    SshClientKey k = gw.sign(GatewayFixture.uniqueIdentity("bang"), List.of("dev"));
    try (Tmux t = prompt.shell(tmp, k)) {
      t.type("echo touch /tmp/bang-ran");
      t.awaitScreen("^touch /tmp/bang-ran\\n" + PROMPT + "$", WAIT);
      // Judged as the command "!!:s/echo" (no such program); bash with history expansion would run touch.
      t.type("!!:s/echo //");
      t.awaitScreen("^bash: !!:s/echo: No such file or directory\\n" + PROMPT + "$", WAIT);
      t.type("^echo ^");
      t.awaitScreen("^bash: \\^echo: command not found\\n" + PROMPT + "$", WAIT);
      t.type("test -e /tmp/bang-ran && echo BANG-RAN || echo no-bang");
      t.awaitScreen("^no-bang\\n" + PROMPT + "$", WAIT);
    }
  }

  @Test
  void sessionsShowAndTheReplayMarkersListTypedCommandsLikeExecCommands(@TempDir Path tmp) throws Exception {
    SshClientKey k = gw.sign(GatewayFixture.uniqueIdentity("shown"), List.of("dev"));
    try (Tmux t = prompt.shell(tmp, k)) {
      t.type("echo shown-line; (exit 3)");
      t.awaitScreen("^shown-line\\n" + PROMPT + "$", WAIT);
      t.type("echo shown-blocked; rm -rf /");
      t.awaitScreen("^gatehouse: blocked by rule recursive-delete-root: rm -rf /\\n" + PROMPT + "$", WAIT);
      t.type("exit");
      t.awaitExit(WAIT);
    }
    SessionRecord s = gw.awaitSession(k.identity(), x -> x.state() == SessionState.CLOSED);

    GatewayFixture.CliResult json = gw.cli("sessions", "show", s.id(), "--format", "json");
    assertThat(json.exitCode()).as(json.err()).isZero();
    JsonNode statements = new com.fasterxml.jackson.databind.ObjectMapper().readTree(json.out()).get("statements");
    JsonNode ran = null;
    JsonNode blocked = null;
    for (JsonNode st : statements) {
      if (st.path("statement").asText().equals("echo shown-line; (exit 3)")) {
        ran = st;
      }
      if (st.path("statement").asText().equals("echo shown-blocked; rm -rf /")) {
        blocked = st;
      }
    }
    assertThat(ran).as(json.out()).isNotNull();
    assertThat(ran.path("verdict").asText()).isEqualTo("allow");
    assertThat(ran.path("source").asText()).isEqualTo("exact");
    assertThat(ran.path("exitStatus").asInt()).isEqualTo(3);
    assertThat(ran.path("durationMs").isNumber()).as(json.out()).isTrue();
    assertThat(blocked).as(json.out()).isNotNull();
    assertThat(blocked.path("verdict").asText()).isEqualTo("block");
    assertThat(blocked.path("rule").asText()).isEqualTo("recursive-delete-root");
    assertThat(blocked.has("exitStatus")).as("a blocked line never ran").isFalse();

    GatewayFixture.CliResult text = gw.cli("sessions", "show", s.id());
    assertThat(text.out()).containsPattern("(?m)^  \\S+  allow  exit 3 \\([0-9]+ ms\\)\\n    \\| echo shown-line; \\(exit 3\\)$")
        .containsPattern("(?m)^  \\S+  block  recursive-delete-root \\n    \\| echo shown-blocked; rm -rf /$");

    // What /api/sessions/{id} gives the replay page's side panel: the recording's markers, read back.
    List<Marker> markers = RecordingText.markers(gw.dataDir().resolve(s.path()));
    assertThat(markers).anySatisfy(m -> {
      assertThat(m.kind()).isEqualTo(Marker.STATEMENT);
      assertThat(m.verdict()).isEqualTo("allow");
      assertThat(m.text()).isEqualTo("echo shown-line; (exit 3)");
    });
    assertThat(markers).anySatisfy(m -> assertThat(m.label()).matches("exit 3 \\([0-9]+ ms\\): echo shown-line; \\(exit 3\\)"));
    assertThat(markers).anySatisfy(m -> {
      assertThat(m.verdict()).isEqualTo("block");
      assertThat(m.rule()).isEqualTo("recursive-delete-root");
      assertThat(m.text()).isEqualTo("echo shown-blocked; rm -rf /");
    });
  }
}
