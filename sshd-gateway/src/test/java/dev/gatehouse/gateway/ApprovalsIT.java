package dev.gatehouse.gateway;

import static dev.gatehouse.gateway.GatewayFixture.field;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.gatehouse.gateway.postgres.PostgresServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Just-in-time approvals end to end: the real OpenSSH client, psql on the bastion behind the
 * wire proxy, a real PostgreSQL. A statement the policy sends to review waits while a person
 * decides — through {@code ssh approvals@gw}, or the CLI in another OS process — and then runs,
 * or fails with the denial.
 */
class ApprovalsIT {
  private static final Pattern REQUEST_ID = Pattern.compile("request ([0-9A-F]{4,8})");
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir static Path dir;
  static PostgresServer pg;
  static GatewayFixture gw;
  static HttpServer hook;
  static final LinkedBlockingQueue<JsonNode> hooked = new LinkedBlockingQueue<>();
  static SshClientKey alice;
  static SshClientKey bob;
  static SshClientKey carol;
  static SshClientKey mallory;

  @RegisterExtension GatewayLogOnFailure log = new GatewayLogOnFailure();

  @BeforeAll
  static void start() throws Exception {
    hook = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    hook.createContext("/hook", ex -> {
      hooked.add(JSON.readTree(ex.getRequestBody()));
      ex.sendResponseHeaders(200, -1);
      ex.close();
    });
    hook.start();
    pg = PostgresServer.start(false);
    pg.superSql("app", """
        SET ROLE app_rw;
        CREATE TABLE payroll (name text, amount int);
        INSERT INTO payroll VALUES ('Alice', 100), ('Bob', 200);
        CREATE TABLE ledger (id int PRIMARY KEY, note text);
        """);
    Files.createDirectories(dir.resolve("gw"));
    gw = GatewayFixture.start(dir.resolve("gw"), "", config(pg, hook.getAddress().getPort()));
    // alice is in the approver group herself: she still cannot approve her own requests.
    alice = gw.sign(GatewayFixture.uniqueIdentity("alice"), List.of("dev", "dba-leads"));
    bob = gw.sign(GatewayFixture.uniqueIdentity("bob"), List.of("dba-leads"));
    carol = gw.sign(GatewayFixture.uniqueIdentity("carol"), List.of("dba-leads", "finance-leads"));
    mallory = gw.sign(GatewayFixture.uniqueIdentity("mallory"), List.of("dev"));
  }

  static String config(PostgresServer pg, int hookPort) {
    return """
        approvals: { ttl: 20s, webhook: "http://127.0.0.1:%d/hook", accessGrace: 2s }
        web: { listen: "127.0.0.1:0", publicUrl: "https://bastion.example.com" }
        targets:
          - name: prod-db
            type: postgres
            postgres: { host: 127.0.0.1, port: %d, database: app, user: app_rw, password: "file:%s", tls: disable }
            runAs: nobody
            allow: { groups: [dev] }
            approvers: { groups: [dba-leads], min: 1 }
            policy: guarded
          - name: ops-shell
            type: command
            command: ["/bin/bash", "--noprofile", "--norc", "-i"]
            env: { PATH: "/usr/bin:/bin", PS1: "ops$ " }
            runAs: nobody
            allow: { groups: [dev] }
            approvers: { groups: [dba-leads], min: 1 }
            access: review
        policies:
          guarded:
            block: [drop-table, delete-without-where]
            review: [ddl]
            unclassified: review
            rules:
              - { name: payroll-reads, tables: [payroll], verdict: review }
              - { name: ledger-writes, kinds: [delete], tables: [ledger], verdict: review,
                  approvers: { groups: [finance-leads, dba-leads], min: 2 } }
        """.formatted(hookPort, pg.port, pg.passwordFile());
  }

  @AfterAll
  static void stop() throws Exception {
    if (gw != null) {
      gw.close();
    }
    if (pg != null) {
      pg.close();
    }
    if (hook != null) {
      hook.stop(0);
    }
  }

  /** Waits for the held statement's NOTICE on the client's stderr; returns the request id. */
  static String awaitRequest(GatewayFixture.Running held) throws Exception {
    held.awaitStdoutOrErr("waiting for approval", Duration.ofSeconds(20));
    Matcher m = REQUEST_ID.matcher(held.stderrSoFar());
    assertThat(m.find()).as(held.stderrSoFar()).isTrue();
    return m.group(1);
  }

  static JsonNode request(String id) throws Exception {
    GatewayFixture.CliResult r = gw.cli("approvals", "list", "--all", "--format", "json");
    assertThat(r.exitCode()).as(r.err()).isZero();
    for (JsonNode n : JSON.readTree(r.out())) {
      if (n.path("id").asText().equals(id)) {
        return n;
      }
    }
    throw new AssertionError("no request " + id + " in " + r.out());
  }

  @Test
  void aHeldStatementApprovedFromAnotherProcessRunsAndItsRowsReachPsql() throws Exception {
    try (GatewayFixture.Running held = gw.ssh(alice, "prod-db").start("select name, amount from payroll order by name")) {
      String id = awaitRequest(held);
      assertThat(held.stderrSoFar()).contains("approvers: dba-leads").contains("Ctrl-C to cancel");
      assertThat(held.isAlive()).isTrue();
      assertThat(request(id).path("state").asText()).isEqualTo("pending");
      assertThat(request(id).path("statement").asText()).isEqualTo("select name, amount from payroll order by name");

      // The bastion's operator, in a JVM of its own on the same store, approves for bob.
      GatewayFixture.CliResult cli = GatewayProcess.cli("approvals", "approve", id, "--as", bob.identity(),
          "--comment", "payroll audit", "--config", gw.configFile().toString());
      assertThat(cli.exitCode()).as(cli.err()).isZero();
      assertThat(cli.out()).contains("request " + id + " is approved");

      SshResult r = held.await();
      assertThat(r.exitCode()).as(r.toString()).isZero();
      assertThat(r.out()).contains("Alice").contains("100").contains("Bob").contains("(2 rows)");
    }
    gw.awaitAudit("approval decided", field("event", "approval-decided").and(field("approver", bob.identity())));
    JsonNode used = gw.awaitAudit("approval used", field("event", "approval-used").and(field("identity", alice.identity()))
        .and(l -> l.path("statement").asText().startsWith("select name, amount from payroll")));
    assertThat(used.path("approvers").asText()).isEqualTo(bob.identity());
    String recording = "";
    for (var s : gw.sessionsOf(alice.identity())) {
      recording += Files.readString(gw.dataDir().resolve(s.path()));
    }
    assertThat(recording).contains("approved by " + bob.identity());
  }

  @Test
  void aDeniedStatementFailsWithTheReasonExit75AndNothingOfItRan() throws Exception {
    String sql = "INSERT INTO ledger VALUES (10, 'x'); ALTER TABLE ledger ADD COLUMN extra int";
    try (GatewayFixture.Running held = gw.ssh(alice, "prod-db").start(sql)) {
      String id = awaitRequest(held);
      SshResult decided = gw.ssh(bob, "approvals").run("deny " + id + " schema changes go through a migration");
      assertThat(decided.exitCode()).as(decided.toString()).isZero();
      assertThat(decided.out()).contains("request " + id + " is denied");
      SshResult r = held.await();
      assertThat(r.exitCode()).as(r.toString()).isEqualTo(75);
      assertThat(r.err()).contains("gatehouse: denied by " + bob.identity() + " (request " + id + "): schema changes go through a migration");
    }
    assertThat(pg.superSql("app", "select count(*) from ledger where id = 10")).isEqualTo("0");
    assertThat(pg.superSql("app", "select count(*) from information_schema.columns where table_name = 'ledger' and column_name = 'extra'")).isEqualTo("0");
  }

  @Test
  void theRequesterCannotApproveTheirOwnRequestEvenInTheApproverGroup() throws Exception {
    try (GatewayFixture.Running held = gw.ssh(alice, "prod-db").options("-o", "SetEnv=GATEHOUSE_NOWAIT=1")
        .start("ALTER TABLE ledger ADD COLUMN self_approved int")) {
      SshResult pending = held.await();
      assertThat(pending.exitCode()).as(pending.toString()).isEqualTo(76);
      Matcher m = REQUEST_ID.matcher(pending.err());
      assertThat(m.find()).isTrue();
      String id = m.group(1);
      SshResult self = gw.ssh(alice, "approvals").run("approve " + id);
      assertThat(self.exitCode()).as(self.toString()).isEqualTo(77);
      assertThat(self.err()).contains("gatehouse: refused (self-approval)");
      GatewayFixture.CliResult cli = gw.cli("approvals", "approve", id, "--as", alice.identity());
      assertThat(cli.exitCode()).isEqualTo(77);
      assertThat(cli.err()).contains("self-approval");
      SshResult outsider = gw.ssh(mallory, "approvals").run("approve " + id);
      assertThat(outsider.exitCode()).isEqualTo(77);
      assertThat(outsider.err()).contains("gatehouse: refused (not-an-approver)");
      assertThat(request(id).path("state").asText()).isEqualTo("pending");
      gw.awaitAudit("self-approval refused", field("event", "approval-refused").and(field("reason", "self-approval")));
    }
  }

  @Test
  void withNowaitAnAgentGets76AndTheRetryAfterApprovalRunsOnce() throws Exception {
    String sql = "ALTER TABLE ledger ADD COLUMN agent_col int";
    SshResult first = gw.ssh(alice, "prod-db").options("-o", "SetEnv=GATEHOUSE_NOWAIT=1").run(sql);
    assertThat(first.exitCode()).as(first.toString()).isEqualTo(76);
    assertThat(first.err()).contains("gatehouse: approval pending: request ");
    Matcher m = REQUEST_ID.matcher(first.err());
    assertThat(m.find()).isTrue();
    String id = m.group(1);

    JsonNode announced = hooked.poll(10, TimeUnit.SECONDS);
    while (announced != null && !announced.path("request").path("id").asText().equals(id)) {
      announced = hooked.poll(10, TimeUnit.SECONDS);
    }
    assertThat(announced).as("the webhook got request " + id).isNotNull();
    assertThat(announced.path("text").asText()).contains(id).contains(alice.identity()).contains("ALTER TABLE ledger ADD COLUMN agent_col int");
    assertThat(announced.path("url").asText()).isEqualTo("https://bastion.example.com/approvals#" + id);
    assertThat(announced.path("request").path("state").asText()).isEqualTo("pending");

    SshResult approve = gw.ssh(bob, "approvals").run("approve " + id + " ok for the agent");
    assertThat(approve.exitCode()).as(approve.toString()).isZero();

    // Whitespace and a trailing semicolon do not make it another statement.
    SshResult retry = gw.ssh(alice, "prod-db").options("-o", "SetEnv=GATEHOUSE_NOWAIT=1").run("ALTER TABLE  ledger\nADD COLUMN agent_col int;");
    assertThat(retry.exitCode()).as(retry.toString()).isZero();
    assertThat(pg.superSql("app", "select count(*) from information_schema.columns where table_name = 'ledger' and column_name = 'agent_col'")).isEqualTo("1");
    assertThat(request(id).path("usedAt").isNull()).isFalse();

    // Single use: the same statement again is a new request.
    SshResult again = gw.ssh(alice, "prod-db").options("-o", "SetEnv=GATEHOUSE_NOWAIT=1").run(sql);
    assertThat(again.exitCode()).as(again.toString()).isEqualTo(76);
    assertThat(again.err()).doesNotContain("request " + id);
  }

  @Test
  void withNowaitRetriesWhilePendingAreOneRequestAndADenialIsToldOnce() throws Exception {
    String sql = "ALTER TABLE ledger ADD COLUMN polled_col int";
    SshResult first = gw.ssh(alice, "prod-db").options("-o", "SetEnv=GATEHOUSE_NOWAIT=1").run(sql);
    assertThat(first.exitCode()).as(first.toString()).isEqualTo(76);
    Matcher m = REQUEST_ID.matcher(first.err());
    assertThat(m.find()).isTrue();
    String id = m.group(1);
    for (int poll = 0; poll < 3; poll++) {
      SshResult again = gw.ssh(alice, "prod-db").options("-o", "SetEnv=GATEHOUSE_NOWAIT=1").run(sql);
      assertThat(again.exitCode()).as(again.toString()).isEqualTo(76);
      assertThat(again.err()).as("poll %d names the same request", poll)
          .startsWith("gatehouse: approval pending: request " + id + " ");
    }
    SshResult listed = gw.ssh(bob, "approvals").run("list");
    assertThat(listed.out().lines().filter(l -> l.startsWith("  | ") && l.contains(sql)).count()).as(listed.out()).isEqualTo(1);

    assertThat(gw.ssh(bob, "approvals").run("deny " + id + " not now").exitCode()).isZero();
    SshResult denied = gw.ssh(alice, "prod-db").options("-o", "SetEnv=GATEHOUSE_NOWAIT=1").run(sql);
    assertThat(denied.exitCode()).as(denied.toString()).isEqualTo(75);
    assertThat(denied.err()).contains("denied by " + bob.identity() + " (request " + id + "): not now");
    // Told once: the same statement again is a new request.
    SshResult anew = gw.ssh(alice, "prod-db").options("-o", "SetEnv=GATEHOUSE_NOWAIT=1").run(sql);
    assertThat(anew.exitCode()).as(anew.toString()).isEqualTo(76);
    assertThat(anew.err()).doesNotContain("request " + id + " ");
    GatewayFixture.CliResult all = gw.cli("approvals", "list", "--all", "--format", "json");
    long made = 0;
    for (JsonNode n : JSON.readTree(all.out())) {
      made += n.path("statement").asText().equals(sql) ? 1 : 0;
    }
    assertThat(made).as("one request, then one more after the denial was told").isEqualTo(2);
    assertThat(pg.superSql("app", "select count(*) from information_schema.columns where table_name = 'ledger'"
        + " and column_name = 'polled_col'")).isEqualTo("0");
  }

  @Test
  void aRuleWithTwoApproversWaitsForTheSecond() throws Exception {
    pg.superSql("app", "INSERT INTO ledger VALUES (20, 'two'), (21, 'keep')");
    try (GatewayFixture.Running held = gw.ssh(alice, "prod-db").start("DELETE FROM ledger WHERE id = 20")) {
      String id = awaitRequest(held);
      assertThat(held.stderrSoFar()).contains("approvers: finance-leads, dba-leads, 2 of them");
      SshResult one = gw.ssh(bob, "approvals").run("approve " + id);
      assertThat(one.out()).contains("request " + id + " is pending (1 of 2 approvals)");
      SshResult twice = gw.ssh(bob, "approvals").run("approve " + id);
      assertThat(twice.exitCode()).isEqualTo(77);
      assertThat(twice.err()).contains("already-decided");
      Thread.sleep(600);
      assertThat(held.isAlive()).as("still held after one of two approvals").isTrue();
      SshResult two = gw.ssh(carol, "approvals").run("approve " + id);
      assertThat(two.out()).contains("request " + id + " is approved");
      SshResult r = held.await();
      assertThat(r.exitCode()).as(r.toString()).isZero();
      assertThat(r.out()).contains("DELETE 1");
    }
    assertThat(pg.superSql("app", "select string_agg(id::text, ',' order by id) from ledger where id in (20, 21)")).isEqualTo("21");
  }

  @Test
  void aRequestNobodyDecidesExpiresAndTheStatementFailsWith75() throws Exception {
    try (GatewayFixture.Running held = gw.ssh(alice, "prod-db").timeout(Duration.ofSeconds(60))
        .start("ALTER TABLE ledger ADD COLUMN never_approved int")) {
      String id = awaitRequest(held);
      SshResult r = held.await();
      assertThat(r.exitCode()).as(r.toString()).isEqualTo(75);
      assertThat(r.err()).contains("gatehouse: approval request " + id + " expired without a decision");
      assertThat(request(id).path("state").asText()).isEqualTo("expired");
      SshResult late = gw.ssh(bob, "approvals").run("approve " + id);
      assertThat(late.exitCode()).isEqualTo(77);
      assertThat(late.err()).containsAnyOf("not-pending", "expired");
    }
  }

  @Test
  void ctrlCWhileWaitingCancelsTheRequestAndPsqlGoesOn(@TempDir Path tmp) throws Exception {
    try (Tmux tmux = Tmux.start(tmp, 160, 30, gw.sshArgv(alice, "prod-db", List.of("-t")))) {
      tmux.awaitScreen("prod-db=>", Duration.ofSeconds(20));
      tmux.type("ALTER TABLE ledger ADD COLUMN cancelled_col int; ");
      Matcher m = tmux.awaitScreen("waiting for approval \\(request ([0-9A-F]{4,8})", Duration.ofSeconds(20));
      String id = m.group(1);
      tmux.run("send-keys", "-t", "gh", "C-c");
      tmux.awaitScreen("approval request " + id + " cancelled", Duration.ofSeconds(10));
      assertThat(request(id).path("state").asText()).isEqualTo("cancelled");
      tmux.type("select 6*7 as answer; ");
      tmux.awaitScreen("answer[\\s\\S]*42", Duration.ofSeconds(10));
      tmux.type("\\q");
    }
    assertThat(pg.superSql("app", "select count(*) from information_schema.columns where table_name = 'ledger' and column_name = 'cancelled_col'")).isEqualTo("0");
  }

  @Test
  void approversListWhatTheyMayDecide() throws Exception {
    SshResult first = gw.ssh(alice, "prod-db").options("-o", "SetEnv=GATEHOUSE_NOWAIT=1").run("ALTER TABLE ledger ADD COLUMN listed int");
    Matcher m = REQUEST_ID.matcher(first.err());
    assertThat(m.find()).as(first.toString()).isTrue();
    SshResult listed = gw.ssh(bob, "approvals").run("list");
    assertThat(listed.exitCode()).isZero();
    assertThat(listed.out()).contains(m.group(1)).contains(alice.identity()).contains("ALTER TABLE ledger ADD COLUMN listed int");
    SshResult outsider = gw.ssh(mallory, "approvals").run("list");
    assertThat(outsider.out()).doesNotContain(m.group(1));
    SshResult json = gw.ssh(bob, "approvals").run("list --format json");
    JsonNode arr = JSON.readTree(json.out());
    JsonNode mine = null;
    for (JsonNode n : arr) {
      if (n.path("id").asText().equals(m.group(1))) {
        mine = n;
      }
    }
    assertThat(mine).isNotNull();
    for (String f : List.of("id", "state", "requester", "target", "statement", "rule", "reason", "createdAt", "expiresAt")) {
      assertThat(mine.has(f)).as(f).isTrue();
    }
    SshResult bad = gw.ssh(bob, "approvals").run("approve");
    assertThat(bad.exitCode()).isEqualTo(65);
  }

  @Test
  void aTargetWithAccessReviewOpensOnlyAfterApprovalThenFreelyUntilTheWindowEnds() throws Exception {
    SshClientKey dave = gw.sign(GatewayFixture.uniqueIdentity("dave"), List.of("dev"));
    SshResult noReason = gw.ssh(dave, "ops-shell").run("echo hi");
    assertThat(noReason.exitCode()).as(noReason.toString()).isEqualTo(65);
    assertThat(noReason.err()).contains("GATEHOUSE_REASON");

    SshResult pending = gw.ssh(dave, "ops-shell").options("-o", "SetEnv=GATEHOUSE_REASON=incident-42"
        // One SetEnv option with every variable: ssh takes the first SetEnv it is given.
        + " GATEHOUSE_DURATION=10m GATEHOUSE_NOWAIT=1").run("echo hi");
    assertThat(pending.exitCode()).as(pending.toString()).isEqualTo(76);
    Matcher m = REQUEST_ID.matcher(pending.err());
    assertThat(m.find()).isTrue();
    String id = m.group(1);
    JsonNode asked = request(id);
    assertThat(asked.path("kind").asText()).isEqualTo("access");
    assertThat(asked.path("reason").asText()).isEqualTo("incident-42");
    assertThat(asked.path("duration").asText()).isEqualTo("10m");

    // Asking again while pending reuses the request.
    SshResult again = gw.ssh(dave, "ops-shell").options("-o", "SetEnv=GATEHOUSE_REASON=incident-42 GATEHOUSE_NOWAIT=1")
        .run("echo hi");
    assertThat(again.exitCode()).isEqualTo(76);
    assertThat(again.err()).contains("request " + id);

    assertThat(gw.ssh(bob, "approvals").run("approve " + id + " go ahead").exitCode()).isZero();
    for (int i = 0; i < 2; i++) {
      SshResult open = gw.ssh(dave, "ops-shell").run("echo inside-$((40+2))");
      assertThat(open.exitCode()).as(open.toString()).isZero();
      assertThat(open.out()).contains("inside-42");
    }
    gw.awaitAudit("access used", field("event", "approval-used").and(field("requestId", id)));
  }

  @Test
  void anInteractiveAccessRequestPromptsWaitsAndTheSessionClosesAfterTheWindow(@TempDir Path tmp) throws Exception {
    SshClientKey erin = gw.sign(GatewayFixture.uniqueIdentity("erin"), List.of("dev"));
    try (Tmux tmux = Tmux.start(tmp, 160, 30, gw.sshArgv(erin, "ops-shell", List.of("-t")))) {
      tmux.awaitScreen("needs an approver \\(dba-leads\\)[\\s\\S]*Reason:", Duration.ofSeconds(20));
      tmux.type("disk full on db-3");
      tmux.awaitScreen("Duration \\[1h\\]:", Duration.ofSeconds(10));
      tmux.type("4s");
      Matcher m = tmux.awaitScreen("waiting for approval of access to ops-shell for 4s \\(request ([0-9A-F]{4,8})",
          Duration.ofSeconds(10));
      String id = m.group(1);
      GatewayFixture.CliResult cli = gw.cli("approvals", "approve", id, "--as", bob.identity());
      assertThat(cli.exitCode()).as(cli.err()).isZero();
      tmux.awaitScreen("ops\\$", Duration.ofSeconds(10));
      tmux.type("echo in-$((6*7))");
      tmux.awaitScreen("in-42", Duration.ofSeconds(10));
      tmux.awaitScreen("your approved access to ops-shell ended", Duration.ofSeconds(15));
      tmux.awaitScreen("approved access to ops-shell ended; session closed", Duration.ofSeconds(10));
    }
    gw.awaitAudit("access ended", field("event", "session-killed").and(field("reason", "access-ended"))
        .and(field("identity", erin.identity())));
  }

  @Test
  void aPendingRequestOfASessionCutByAGatewayCrashIsCancelledAtRestart(@TempDir Path crash) throws Exception {
    int port;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    Path config = crash.resolve("gatehouse.yaml");
    Files.writeString(config, "dataDir: data\nssh:\n  listen: \"127.0.0.1:" + port + "\"\n  hostNames: [127.0.0.1]\n"
        + config(pg, hook.getAddress().getPort()).replace("web: { listen: \"127.0.0.1:0\", publicUrl: \"https://bastion.example.com\" }\n", "")
            .replace("ttl: 20s", "ttl: 10m"));
    GatewayProcess first = GatewayProcess.serve(crash, config, port);
    GatewayFixture clients = GatewayFixture.external(crash, config, port);
    SshClientKey frank = clients.sign(GatewayFixture.uniqueIdentity("frank"), List.of("dev"));
    String id;
    try (GatewayFixture.Running held = clients.ssh(frank, "prod-db").start("ALTER TABLE ledger ADD COLUMN crashed int")) {
      id = awaitRequest(held);
      first.signal("KILL");
      first.awaitExit(Duration.ofSeconds(10));
      assertThat(held.await().exitCode()).isEqualTo(255);
    }
    GatewayProcess second = GatewayProcess.serve(crash, config, port);
    try {
      GatewayFixture.CliResult listed = GatewayProcess.cli("approvals", "list", "--all", "--format", "json", "--config", config.toString());
      JsonNode state = null;
      for (JsonNode n : JSON.readTree(listed.out())) {
        if (n.path("id").asText().equals(id)) {
          state = n.path("state");
        }
      }
      assertThat(state).as(listed.out()).isNotNull();
      assertThat(state.asText()).isEqualTo("cancelled");
      clients.awaitAudit("orphan cancelled", field("event", "approval-closed").and(field("requestId", id))
          .and(field("reason", "session-gone")));
      GatewayFixture.CliResult late = GatewayProcess.cli("approvals", "approve", id, "--as", bob.identity(), "--config", config.toString());
      assertThat(late.exitCode()).isEqualTo(77);
      assertThat(late.err()).contains("not-pending");
    } finally {
      second.close();
    }
  }

  @Test
  void aDenialInsideATransactionAbortsItAsAnErrorWouldAndCommitRollsBack(@TempDir Path tmp) throws Exception {
    try (Tmux tmux = Tmux.start(tmp, 160, 30, gw.sshArgv(alice, "prod-db", List.of("-t")))) {
      tmux.awaitScreen("prod-db=>", Duration.ofSeconds(20));
      tmux.type("BEGIN; ");
      tmux.type("INSERT INTO ledger VALUES (30, 'in-tx'); ");
      tmux.awaitScreen("INSERT 0 1", Duration.ofSeconds(10));
      tmux.type("ALTER TABLE ledger ADD COLUMN tx_col int; ");
      Matcher m = tmux.awaitScreen("waiting for approval \\(request ([0-9A-F]{4,8})", Duration.ofSeconds(20));
      GatewayFixture.CliResult deny = gw.cli("approvals", "deny", m.group(1), "--as", bob.identity(), "--comment", "not in prod");
      assertThat(deny.exitCode()).as(deny.err()).isZero();
      tmux.awaitScreen("ERROR:  denied by " + Pattern.quote(bob.identity()) + " \\(request " + m.group(1) + "\\): not in prod",
          Duration.ofSeconds(10));
      tmux.type("COMMIT; ");
      tmux.awaitScreen("ROLLBACK", Duration.ofSeconds(10));
      tmux.type("\\q");
    }
    assertThat(pg.superSql("app", "select count(*) from ledger where id = 30")).isEqualTo("0");
  }

  @Test
  void aNativeClientThroughSshDashLWaitsAndItsCancelCancelsTheRequest() throws Exception {
    int port = PostgresTargetIT.PostgresServerPort.free();
    List<String> argv = new java.util.ArrayList<>(gw.sshArgv(alice, "prod-db", List.of("-N", "-L", port + ":prod-db:5432",
        "-o", "ExitOnForwardFailure=yes")));
    Process tunnel = new ProcessBuilder(argv).redirectErrorStream(true).start();
    try {
      ApprovalBench.awaitPort(port);
      java.util.Properties props = new java.util.Properties();
      props.setProperty("user", "x");
      props.setProperty("password", "x");
      try (java.sql.Connection c = java.sql.DriverManager.getConnection(
              "jdbc:postgresql://127.0.0.1:" + port + "/app?sslmode=disable", props);
          java.sql.Statement st = c.createStatement()) {
        java.util.concurrent.CompletableFuture<String> run = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
          try {
            st.execute("ALTER TABLE ledger ADD COLUMN jdbc_col int");
            return "ran";
          } catch (java.sql.SQLException e) {
            return e.getSQLState() + " " + e.getMessage();
          }
        });
        JsonNode pending = null;
        for (int i = 0; i < 200 && pending == null; i++) {
          for (JsonNode n : JSON.readTree(gw.cli("approvals", "list", "--format", "json").out())) {
            if (n.path("statement").asText().equals("ALTER TABLE ledger ADD COLUMN jdbc_col int")) {
              pending = n;
            }
          }
          Thread.sleep(50);
        }
        assertThat(pending).as("the held statement's request").isNotNull();
        st.cancel();
        String outcome = run.get(20, TimeUnit.SECONDS);
        assertThat(outcome).startsWith("57014").contains("approval request " + pending.path("id").asText() + " cancelled");
        assertThat(request(pending.path("id").asText()).path("state").asText()).isEqualTo("cancelled");
        // The connection is still usable afterwards.
        try (java.sql.ResultSet rs = st.executeQuery("select 6*7")) {
          assertThat(rs.next()).isTrue();
          assertThat(rs.getInt(1)).isEqualTo(42);
        }
      }
    } finally {
      tunnel.destroy();
      tunnel.waitFor(5, TimeUnit.SECONDS);
    }
  }
}
