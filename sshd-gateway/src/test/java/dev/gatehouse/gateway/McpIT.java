package dev.gatehouse.gateway;

import static dev.gatehouse.gateway.GatewayFixture.field;
import static dev.gatehouse.gateway.McpFixture.body;
import static dev.gatehouse.gateway.McpFixture.call;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gatehouse.gateway.postgres.PostgresServer;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The MCP server for agents over SSH, end to end: the MCP Java SDK's own client runs the real
 * OpenSSH {@code ssh mcp@gw} with the person's certificate and speaks MCP over its stdio; behind
 * the gateway a real PostgreSQL and bash. What an agent sees is asserted: tool results, their
 * JSON, isError; and what the auditor sees: audit lines and the recording.
 */
class McpIT {
  @TempDir static Path dir;
  static McpFixture mcp;
  static PostgresServer pg;
  static GatewayFixture gw;

  @RegisterExtension GatewayLogOnFailure log = new GatewayLogOnFailure();

  @BeforeAll
  static void start() throws Exception {
    mcp = McpFixture.setup().sshHost().start(dir);
    pg = mcp.pg;
    gw = mcp.gw;
  }

  @AfterAll
  static void stop() throws Exception {
    if (mcp != null) {
      mcp.close();
    }
  }

  @Test
  void theServerOffersTheFiveToolsAndListsOnlyTheTargetsThePersonMayUse() throws Exception {
    SshClientKey alice = gw.sign(GatewayFixture.uniqueIdentity("alice"), List.of("dev"));
    try (McpSyncClient c = mcp.connect(alice)) {
      assertThat(c.listTools().tools()).extracting(McpSchema.Tool::name)
          .containsExactlyInAnyOrder("list_targets", "sql_query", "run_command", "kubectl", "approval_status");
      McpSchema.CallToolResult r = call(c, "list_targets", Map.of());
      assertThat(r.isError()).isFalse();
      JsonNode targets = body(r);
      assertThat(targets.isArray()).isTrue();
      assertThat(targets.findValuesAsText("name")).containsExactly("prod-db", "web-1", "host-1");
      assertThat(targets.get(0).path("type").asText()).isEqualTo("postgres");
      assertThat(targets.get(0).path("description").asText()).isEqualTo("the shop's orders and users");
      assertThat(targets.get(1).path("type").asText()).isEqualTo("command");
    }
    SshClientKey fin = gw.sign(GatewayFixture.uniqueIdentity("fin"), List.of("finance"));
    try (McpSyncClient c = mcp.connect(fin)) {
      assertThat(body(call(c, "list_targets", Map.of())).findValuesAsText("name")).containsExactly("billing-db");
    }
  }

  @Test
  void aQueryOnAMaskedColumnReturnsMaskedValuesAndTheRowLimitTruncates() throws Exception {
    SshClientKey alice = gw.sign(GatewayFixture.uniqueIdentity("alice"), List.of("dev"));
    try (McpSyncClient c = mcp.connect(alice)) {
      McpSchema.CallToolResult r = call(c, "sql_query",
          Map.of("target", "prod-db", "sql", "SELECT id, email, name FROM users ORDER BY id"));
      assertThat(r.isError()).as("%s", r).isFalse();
      JsonNode b = body(r);
      assertThat(b.path("columns").toString()).isEqualTo("[\"id\",\"email\",\"name\"]");
      assertThat(b.path("rows").get(0).get(0).asText()).isEqualTo("1");
      assertThat(b.path("rows").get(0).get(1).asText()).doesNotContain("alice@").endsWith(".com");
      assertThat(b.path("rows").get(1).get(1).asText()).doesNotContain("bob@").endsWith(".org");
      assertThat(b.path("rows").get(0).get(2).asText()).isEqualTo("Alice");
      assertThat(b.path("rowCount").asLong()).isEqualTo(2);
      assertThat(b.path("truncated").asBoolean()).isFalse();
      assertThat(b.path("notices").isArray()).isTrue();
      assertThat(r.structuredContent()).isInstanceOf(Map.class);

      JsonNode limited = body(call(c, "sql_query",
          Map.of("target", "prod-db", "sql", "SELECT g FROM generate_series(1, 50) g", "maxRows", 3)));
      assertThat(limited.path("rows").size()).isEqualTo(3);
      assertThat(limited.path("rowCount").asLong()).isEqualTo(50);
      assertThat(limited.path("truncated").asBoolean()).isTrue();
    }
    JsonNode audit = gw.awaitAudit("the statement", field("event", "statement-allowed")
        .and(field("identity", alice.identity())).and(field("statement", "SELECT id, email, name FROM users ORDER BY id")));
    assertThat(audit.path("target").asText()).isEqualTo("prod-db");
    assertThat(audit.path("via").asText()).isEqualTo("mcp");
  }

  @Test
  void aBlockedDropIsAnErrorResultAndTheTableStays() throws Exception {
    SshClientKey alice = gw.sign(GatewayFixture.uniqueIdentity("alice"), List.of("dev"));
    try (McpSyncClient c = mcp.connect(alice)) {
      McpSchema.CallToolResult r = call(c, "sql_query", Map.of("target", "prod-db", "sql", "DROP TABLE orders"));
      assertThat(r.isError()).isTrue();
      JsonNode b = body(r);
      assertThat(b.path("status").asText()).isEqualTo("blocked");
      assertThat(b.path("rule").asText()).isEqualTo("drop-table");
      assertThat(b.path("reason").asText()).isNotBlank();
      // The connection goes on after a refusal.
      assertThat(body(call(c, "sql_query", Map.of("target", "prod-db", "sql", "SELECT count(*) FROM orders")))
          .path("rows").get(0).get(0).asText()).isEqualTo("2");
    }
    assertThat(pg.superSql("app", "select count(*) from pg_tables where tablename = 'orders'")).isEqualTo("1");
    JsonNode call = gw.awaitAudit("the call", field("event", "mcp-tool-call").and(field("identity", alice.identity()))
        .and(field("verdict", "block")));
    assertThat(call.path("code").asText()).isEqualTo("GH3008I");
    assertThat(call.path("tool").asText()).isEqualTo("sql_query");
    assertThat(call.path("target").asText()).isEqualTo("prod-db");
    assertThat(call.path("arguments").asText()).isEqualTo("DROP TABLE orders");
    assertThat(call.path("rule").asText()).isEqualTo("drop-table");
  }

  @Test
  void aHeldDdlIsPendingThenRunsOnceAfterAnotherPersonApprovesIt() throws Exception {
    SshClientKey alice = gw.sign(GatewayFixture.uniqueIdentity("alice"), List.of("dev"));
    SshClientKey lead = gw.sign(GatewayFixture.uniqueIdentity("lead"), List.of("dba-leads"));
    String ddl = "CREATE TABLE mcp_made_" + Long.toHexString(System.nanoTime()) + " (id int)";
    String table = ddl.split(" ")[2];
    String id;
    try (McpSyncClient c = mcp.connect(alice)) {
      McpSchema.CallToolResult r = call(c, "sql_query", Map.of("target", "prod-db", "sql", ddl));
      assertThat(r.isError()).as("pending is not an error").isFalse();
      JsonNode b = body(r);
      assertThat(b.path("status").asText()).isEqualTo("pending");
      assertThat(b.path("approvers").toString()).isEqualTo("[\"dba-leads\"]");
      assertThat(b.path("retryAfter").asInt()).isEqualTo(30);
      id = b.path("request").asText();
      assertThat(id).matches("[0-9A-F]{4,8}");
      assertThat(pg.superSql("app", "select count(*) from pg_tables where tablename = '" + table + "'")).isEqualTo("0");

      JsonNode status = body(call(c, "approval_status", Map.of("request", id)));
      assertThat(status.path("state").asText()).isEqualTo("pending");
      assertThat(status.path("statement").asText()).isEqualTo(ddl);

      // An agent polling: the same request each time, not one more for the approvers per poll.
      for (int poll = 0; poll < 3; poll++) {
        JsonNode again = body(call(c, "sql_query", Map.of("target", "prod-db", "sql", ddl)));
        assertThat(again.path("status").asText()).isEqualTo("pending");
        assertThat(again.path("request").asText()).as("poll %d", poll).isEqualTo(id);
      }
    }
    // From another connection too.
    try (McpSyncClient c = mcp.connect(alice)) {
      assertThat(body(call(c, "sql_query", Map.of("target", "prod-db", "sql", ddl))).path("request").asText())
          .isEqualTo(id);
    }
    SshResult list = gw.ssh(lead, "approvals").run("list");
    assertThat(list.out().lines().filter(l -> l.startsWith("  | ") && l.contains(ddl)).count()).as(list.out()).isEqualTo(1);

    SshResult approved = gw.ssh(lead, "approvals").run("approve " + id + " looks fine");
    assertThat(approved.exitCode()).as("%s", approved).isZero();

    // The same call again, on a new connection: runs once.
    try (McpSyncClient c = mcp.connect(alice)) {
      McpSchema.CallToolResult again = call(c, "sql_query", Map.of("target", "prod-db", "sql", ddl));
      assertThat(again.isError()).as("%s", again).isFalse();
      assertThat(body(again).has("status")).as("%s", body(again)).isFalse();
      assertThat(pg.superSql("app", "select count(*) from pg_tables where tablename = '" + table + "'")).isEqualTo("1");
      JsonNode used = body(call(c, "approval_status", Map.of("request", id)));
      assertThat(used.path("decisions").get(0).path("approver").asText()).isEqualTo(lead.identity());
      assertThat(used.path("usedAt").isNull()).isFalse();

      // Once: the approval is used; the same text again is a new request.
      JsonNode third = body(call(c, "sql_query", Map.of("target", "prod-db", "sql", ddl)));
      assertThat(third.path("status").asText()).isEqualTo("pending");
      assertThat(third.path("request").asText()).isNotEqualTo(id);
    }
  }

  @Test
  void aDeniedCallIsToldOnceThenTheSameCallAsksAnew() throws Exception {
    SshClientKey alice = gw.sign(GatewayFixture.uniqueIdentity("alice"), List.of("dev"));
    SshClientKey lead = gw.sign(GatewayFixture.uniqueIdentity("lead"), List.of("dba-leads"));
    String ddl = "CREATE TABLE mcp_denied_" + Long.toHexString(System.nanoTime()) + " (id int)";
    try (McpSyncClient c = mcp.connect(alice)) {
      String id = body(call(c, "sql_query", Map.of("target", "prod-db", "sql", ddl))).path("request").asText();
      assertThat(gw.ssh(lead, "approvals").run("deny " + id + " not in prod").exitCode()).isZero();
      McpSchema.CallToolResult denied = call(c, "sql_query", Map.of("target", "prod-db", "sql", ddl));
      assertThat(denied.isError()).isTrue();
      JsonNode d = body(denied);
      assertThat(d.path("status").asText()).isEqualTo("denied");
      assertThat(d.path("rule").asText()).isEqualTo("ddl");
      assertThat(d.path("reason").asText()).isEqualTo("denied by " + lead.identity() + " (request " + id + "): not in prod");
      JsonNode anew = body(call(c, "sql_query", Map.of("target", "prod-db", "sql", ddl)));
      assertThat(anew.path("status").asText()).isEqualTo("pending");
      assertThat(anew.path("request").asText()).isNotEqualTo(id);
    }
    JsonNode call = gw.awaitAudit("the denied call", field("event", "mcp-tool-call").and(field("identity", alice.identity()))
        .and(field("verdict", "denied")));
    assertThat(call.path("arguments").asText()).isEqualTo(ddl);
  }

  @Test
  void runCommandGoesThroughTheShellPolicyAndKeepsAtMostMaxBytes() throws Exception {
    SshClientKey alice = gw.sign(GatewayFixture.uniqueIdentity("alice"), List.of("dev"));
    try (McpSyncClient c = mcp.connect(alice)) {
      McpSchema.CallToolResult ok = call(c, "run_command",
          Map.of("target", "web-1", "command", "echo hello | tr a-z A-Z; echo oops >&2; exit 3"));
      assertThat(ok.isError()).as("%s", ok).isFalse();
      JsonNode b = body(ok);
      assertThat(b.path("stdout").asText()).isEqualTo("HELLO\n");
      assertThat(b.path("stderr").asText()).isEqualTo("oops\n");
      assertThat(b.path("exitStatus").asInt()).isEqualTo(3);
      assertThat(b.path("truncated").asBoolean()).isFalse();

      McpSchema.CallToolResult blocked = call(c, "run_command", Map.of("target", "web-1", "command", "rm -rf /"));
      assertThat(blocked.isError()).isTrue();
      assertThat(body(blocked).path("status").asText()).isEqualTo("blocked");
      assertThat(body(blocked).path("rule").asText()).isEqualTo("recursive-delete-root");

      JsonNode cut = body(call(c, "run_command", Map.of("target", "web-1", "command", "seq 1 100000", "maxBytes", 100)));
      assertThat(cut.path("truncated").asBoolean()).isTrue();
      assertThat(cut.path("stdout").asText()).hasSize(100).startsWith("1\n2\n3\n");

      // Asking for more than mcp.maxOutputBytes (64 KiB here) gets the cap.
      JsonNode capped = body(call(c, "run_command",
          Map.of("target", "web-1", "command", "seq 1 100000", "maxBytes", 10_000_000)));
      assertThat(capped.path("truncated").asBoolean()).isTrue();
      assertThat(capped.path("stdout").asText()).hasSize(64 * 1024);
    }
    JsonNode audit = gw.awaitAudit("blocked command", field("code", "GH3001W").and(field("identity", alice.identity())));
    assertThat(audit.path("statement").asText()).isEqualTo("rm -rf /");
    assertThat(audit.path("target").asText()).isEqualTo("web-1");
  }

  @Test
  void runCommandOnAnSshTargetRunsOnTheHostAsTheTargetUserAfterTheGuard() throws Exception {
    SshClientKey alice = gw.sign(GatewayFixture.uniqueIdentity("alice"), List.of("dev"));
    try (McpSyncClient c = mcp.connect(alice)) {
      McpSchema.CallToolResult r = call(c, "run_command", Map.of("target", "host-1", "command", "echo on-host; id -un"));
      assertThat(r.isError()).as("%s", r).isFalse();
      JsonNode b = body(r);
      assertThat(b.path("stdout").asText()).isEqualTo("on-host\n" + SshdProcess.TARGET_USER + "\n");
      assertThat(b.path("exitStatus").asInt()).isZero();
      JsonNode blocked = body(call(c, "run_command", Map.of("target", "host-1", "command", "rm -rf /")));
      assertThat(blocked.path("status").asText()).isEqualTo("blocked");
    }
  }

  @Test
  void aCertificateWithoutTheGroupCannotUseTheTarget() throws Exception {
    SshClientKey mallory = gw.sign(GatewayFixture.uniqueIdentity("mallory"), List.of("dev"));
    try (McpSyncClient c = mcp.connect(mallory)) {
      McpSchema.CallToolResult r = call(c, "sql_query", Map.of("target", "billing-db", "sql", "SELECT 1"));
      assertThat(r.isError()).isTrue();
      JsonNode b = body(r);
      assertThat(b.path("status").asText()).isEqualTo("refused");
      assertThat(b.path("rule").asText()).isEqualTo("target-not-allowed");
      // A name that is no target gets the same answer: nothing tells the two apart.
      JsonNode none = body(call(c, "sql_query", Map.of("target", "no-such-db", "sql", "SELECT 1")));
      assertThat(none.path("status").asText()).isEqualTo("refused");
    }
    JsonNode audit = gw.awaitAudit("refusal", field("event", "auth-failed").and(field("identity", mallory.identity())));
    assertThat(audit.path("reason").asText()).isEqualTo("target-not-allowed");
    assertThat(audit.path("target").asText()).isEqualTo("billing-db");
  }

  @Test
  void oneConnectionIsOneRecordedSessionWithEachCallAndItsVerdict() throws Exception {
    SshClientKey alice = gw.sign(GatewayFixture.uniqueIdentity("alice"), List.of("dev"));
    try (McpSyncClient c = mcp.connect(alice)) {
      call(c, "sql_query", Map.of("target", "prod-db", "sql", "SELECT 'recorded-' || 42 AS v"));
      call(c, "run_command", Map.of("target", "web-1", "command", "rm -rf /"));
    }
    var session = gw.awaitSession(alice.identity(), s -> s.end() != null);
    assertThat(session.target()).isEqualTo("mcp");
    String cast = gw.recordingsOf(alice);
    assertThat(cast).contains("$ sql_query prod-db").contains("recorded-42");
    assertThat(cast).contains("mcp sql_query prod-db: allow")
        .contains("mcp run_command web-1: block recursive-delete-root");
    GatewayFixture.CliResult show = gw.cli("sessions", "show", session.id());
    assertThat(show.exitCode()).as("%s", show).isZero();
    assertThat(show.out()).contains("mcp");
  }

  @Test
  void aPtyOrACommandIsRefusedWith65() throws Exception {
    SshClientKey alice = gw.sign(GatewayFixture.uniqueIdentity("alice"), List.of("dev"));
    SshResult r = gw.ssh(alice, "mcp").run("list_targets");
    assertThat(r.exitCode()).as("%s", r).isEqualTo(65);
    assertThat(r.err()).startsWith("gatehouse: mcp speaks MCP");
  }

  @Test
  void aTargetNamedMcpIsAStartError() throws Exception {
    Path d = Files.createTempDirectory(dir, "reserved-");
    Path file = d.resolve("gatehouse.yaml");
    Files.writeString(file, """
        dataDir: "%s"
        ssh:
          listen: "127.0.0.1:0"
        targets:
          - name: mcp
            type: command
            command: ["/bin/sh"]
        """.formatted(d.resolve("data")));
    GatewayFixture.CliResult r = GatewayProcess.cli("serve", "--config", file.toString());
    assertThat(r.exitCode()).as("%s", r).isEqualTo(78);
    assertThat(r.err()).contains(file.toString()).contains("key targets[0]: name: 'mcp' is reserved");
  }
}
