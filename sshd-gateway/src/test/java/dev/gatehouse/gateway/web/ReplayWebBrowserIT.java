package dev.gatehouse.gateway.web;

import static dev.gatehouse.gateway.web.BrowserGateway.JSON;
import static dev.gatehouse.gateway.web.BrowserGateway.step;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gatehouse.gateway.web.BrowserGateway.Exec;
import dev.gatehouse.gateway.Tmux;
import dev.gatehouse.recorder.SessionState;
import dev.gatehouse.recorder.approval.ApprovalRequest;
import dev.gatehouse.recorder.approval.ApprovalState;
import dev.gatehouse.recorder.approval.ApprovalStore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The replay web UI in a real browser against real parts ({@link BrowserGateway}): an auditor logs
 * in on the OIDC provider's page, finds a psql session by what was typed, opens it at the hit and
 * sees the statement in the player, clicks the blocked statement in the side panel and the player
 * lands on it, watches a running session live and terminates it (the person at the terminal is
 * told why), and approves an agent's held DDL, whose retry then runs. {@code e2e.mjs} asserts what
 * the page shows and prints one JSON line per step, checked again here; screenshots stay in
 * {@code target/replay-web-e2e/}.
 */
class ReplayWebBrowserIT {
  @TempDir static Path dir;
  static BrowserGateway gw;

  @BeforeAll
  static void start() throws Exception {
    gw = BrowserGateway.start(dir);
  }

  @AfterAll
  static void stop() throws Exception {
    if (gw != null) {
      gw.close();
    }
  }

  @Test
  @Timeout(value = 300, unit = TimeUnit.SECONDS)
  void anAuditorFindsReplaysAndLandsOnABlockedStatementWatchesLiveTerminatesAndApproves() throws Exception {
    String tag = UUID.randomUUID().toString().substring(0, 8);
    String alice = "alice-" + tag + "@example.com";
    String probe = "gh-e2e-" + tag;
    Path key = gw.sign(alice, List.of("dev"));

    // A person's interactive psql session: a recognisable query, a blocked statement, another query,
    // a few seconds apart so that each has its own moment in the recording.
    List<String> psql = gw.sshArgv(key, "prod-db", List.of("-t"));
    try (Tmux t = Tmux.start(gw.dir.resolve("tmux-" + tag), 120, 30, psql)) {
      t.awaitScreen("prod-db=>", Duration.ofSeconds(30));
      t.type("select '" + probe + "' as probe; ");
      t.awaitScreen(Pattern.quote(probe) + "[\\s\\S]*\\(1 row\\)", Duration.ofSeconds(10));
      Thread.sleep(1500);
      t.type("drop table orders; ");
      t.awaitScreen("blocked by rule drop-table", Duration.ofSeconds(10));
      Thread.sleep(1500);
      t.type("select 42 as answer; ");
      t.awaitScreen("answer[\\s\\S]*42", Duration.ofSeconds(10));
      t.type("\\q");
      gw.awaitSession(alice, s -> s.state() != SessionState.ACTIVE);
    }
    assertThat(gw.pg.superSql("app", "select count(*) from pg_tables where tablename = 'orders'")).isEqualTo("1");

    // An agent's DDL is held for approval (ddl is a review rule; NOWAIT: exit 76 and the request id).
    String ddl = "alter table orders add column note_" + tag + " text";
    List<String> agent = gw.sshArgv(key, "prod-db", List.of("-o", "SetEnv=GATEHOUSE_NOWAIT=1"));
    agent.add(ddl);
    Exec held = gw.exec(agent);
    assertThat(held.exitCode()).as(held.toString()).isEqualTo(76);
    Matcher requestId = Pattern.compile("request ([0-9A-F]{4,8})").matcher(held.err());
    assertThat(requestId.find()).as(held.err()).isTrue();
    String pendingId = requestId.group(1);

    // The auditor's own held statement: the approvals page must not let them decide it.
    String auditor = "auditor-" + tag + "@example.com";
    String own = "alter table orders add column mine_" + tag + " text";
    List<String> ownCall = gw.sshArgv(gw.sign(auditor, List.of("dev")), "prod-db", List.of("-o", "SetEnv=GATEHOUSE_NOWAIT=1"));
    ownCall.add(own);
    assertThat(gw.exec(ownCall).exitCode()).isEqualTo(76);

    // A request whose statement and reason hold escape sequences, a CR and bidi overrides (the
    // ssh paths that carry them are RequesterTextIT's): the approver's page shows them as escapes.
    String hostileSql = "UPDATE orders SET note = 'x' WHERE id = 1 -- \u001b]52;c;aGk=\u0007 \u001b[2K\rLOOKS FINE"
        + " \u001b[8mhidden\u001b[0m \u202eevil\u202c zero\u200bwidth";
    String hostileId = gw.gateway.approvals().request(new dev.gatehouse.recorder.approval.NewApprovalRequest(
        dev.gatehouse.recorder.approval.ApprovalKind.STATEMENT, "mallory-" + tag + "@example.com", "prod-db", hostileSql,
        dev.gatehouse.policy.ApprovalKey.of(hostileSql, dev.gatehouse.policy.StandardConformingStrings.ON), "ddl",
        "why\u001b]0;TITLE\u0007\u202e", List.of("dba-leads"), 1, null, Duration.ofMinutes(10), null), null).id();

    // Someone still at work on the shell target: a line every half second, watched live and terminated.
    String carol = "carol-" + tag + "@example.com";
    String reason = "incident " + tag + ": stop now";
    Tmux live = Tmux.start(gw.dir.resolve("tmux-live-" + tag), 100, 25,
        gw.sshArgv(gw.sign(carol, List.of("dev")), "shell", List.of("-t")));
    List<JsonNode> steps;
    try (live) {
      live.awaitScreen("\\$", Duration.ofSeconds(20));
      live.type("i=0; while :; do i=$((i+1)); echo tick-$i; sleep 0.5; done");
      live.awaitScreen("tick-3", Duration.ofSeconds(10));

      Map<String, String> env = new LinkedHashMap<>();
      env.put("GH_LOGIN_USER", "auditor-" + tag);
      env.put("GH_LOGIN_CLAIMS", JSON.writeValueAsString(Map.of("email", auditor, "groups", List.of("security", "dba-leads"))));
      env.put("GH_EXPECT_IDENTITY", auditor);
      env.put("GH_SEARCH", probe);
      env.put("GH_EXPECT_SCREEN", "select '" + probe + "' as probe;");
      env.put("GH_BLOCKED_TEXT", "drop table orders");
      env.put("GH_APPROVE_STATEMENT", ddl);
      env.put("GH_HOSTILE_ID", hostileId);
      env.put("GH_SELF_STATEMENT", own);
      env.put("GH_LIVE_IDENTITY", carol);
      env.put("GH_LIVE_TEXT", "tick-");
      env.put("GH_TERMINATE_REASON", reason);
      steps = gw.runBrowser("session-" + tag, env, Duration.ofMinutes(4));

      // The person at the terminal is told who ended the session and why.
      live.awaitScreen("terminated by " + Pattern.quote(auditor) + ": " + Pattern.quote(reason), Duration.ofSeconds(10));
    }
    gw.awaitSession(carol, s -> s.state() != SessionState.ACTIVE);

    JsonNode login = step(steps, "login");
    assertThat(login.path("identity").asText()).isEqualTo(auditor);
    JsonNode paged = step(steps, "load-more");
    assertThat(paged.path("sessions").asInt()).isEqualTo(4); // psql, the held DDL, the auditor's own DDL, the live shell
    assertThat(paged.path("pages").asInt()).isEqualTo(paged.path("sessions").asInt());
    JsonNode hit = step(steps, "open-hit");
    assertThat(hit.path("url").asText()).contains("/sessions/").contains("#t=");
    assertThat(hit.path("integrity").asText()).isEqualTo("ok");
    assertThat(Math.abs(hit.path("playerTime").asDouble() - hit.path("hitTime").asDouble())).isLessThan(0.25);
    JsonNode blocked = step(steps, "blocked-marker");
    assertThat(blocked.path("markerTime").asDouble()).isGreaterThan(1.0); // typed after the probe query
    assertThat(Math.abs(blocked.path("playerTime").asDouble() - blocked.path("markerTime").asDouble())).isLessThan(0.05);
    assertThat(blocked.path("screen").toString()).contains("drop table orders");
    JsonNode blockedHit = step(steps, "blocked-hit");
    assertThat(blockedHit.path("hitTime").asDouble()).isEqualTo(blocked.path("markerTime").asDouble(), within(0.002));
    JsonNode watched = step(steps, "live");
    assertThat(watched.path("source").asText()).isEqualTo("live");
    assertThat(watched.path("later").asInt()).isGreaterThanOrEqualTo(watched.path("first").asInt() + 2);
    assertThat(step(steps, "terminate").path("notice").asText()).contains("ended");
    assertThat(step(steps, "self-request").path("shown").asText()).contains("your own request");
    JsonNode hostile = step(steps, "hostile-card");
    assertThat(hostile.path("statement").asText()).contains("\\x1b]52;c;aGk=\\x07").contains("\\x1b[8mhidden")
        .contains("\\u{202e}evil\\u{202c}").contains("zero\\u{200b}width").contains("\\x1b[2K\\r\nLOOKS FINE");
    assertThat(hostile.path("lines").asInt()).as("the CR ends a line, as it ends a -- comment").isEqualTo(2);
    assertThat(hostile.path("card").asText()).contains("why\\x1b]0;TITLE\\x07\\u{202e}");
    assertThat(step(steps, "logout").path("apiMeStatus").asInt()).isEqualTo(401);

    // What the approver did in the browser: the store says so, and the agent's retry now runs (once).
    try (ApprovalStore store = ApprovalStore.open(gw.config.databaseFile())) {
      ApprovalRequest decided = store.find(pendingId).orElseThrow();
      assertThat(decided.state()).isEqualTo(ApprovalState.APPROVED);
      assertThat(decided.decisions()).anySatisfy(d -> assertThat(d.approver()).isEqualTo(auditor));
    }
    Exec retry = gw.exec(agent);
    assertThat(retry.exitCode()).as(retry.toString()).isZero();
    assertThat(gw.pg.superSql("app", "select count(*) from information_schema.columns where table_name = 'orders'"
        + " and column_name = 'note_" + tag + "'")).isEqualTo("1");
  }
}
