package dev.gatehouse.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gatehouse.gateway.postgres.PostgresServer;
import io.modelcontextprotocol.client.McpSyncClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Attack pass on approvals of agents' tool calls (ssh mcp@gw, the MCP Java SDK's stdio client,
 * real OpenSSH and PostgreSQL): what held. A pending call retried with another text, by another
 * person, or looked up by another person does not reach the approved request; a shell command's
 * approval covers its exact text only.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class McpApprovalAttack19cHeldIT {
  @TempDir static Path dir;
  static McpFixture mcp;
  static PostgresServer pg;
  static GatewayFixture gw;

  @RegisterExtension GatewayLogOnFailure log = new GatewayLogOnFailure();

  @BeforeAll
  static void start() throws Exception {
    mcp = McpFixture.setup().requestTimeout(Duration.ofSeconds(120)).config(db -> """
        targets:
          - name: prod-db
            type: postgres
            postgres: { host: 127.0.0.1, port: %d, database: app, user: app_rw, password: "file:%s", tls: disable }
            allow: { groups: [dev] }
            approvers: { groups: [dba-leads], min: 1 }
            policy: default-sql
          - name: web-1
            type: command
            command: ["/bin/bash", "--noprofile", "--norc", "-i"]
            exec: ["/bin/bash", "-c"]
            env: { PATH: "/usr/bin:/bin" }
            runAs: nobody
            allow: { groups: [dev] }
            policy: default-shell
            approvers: { groups: [ops-leads], min: 1 }
        policies:
          default-sql:
            block: [drop-database, drop-table, truncate, delete-without-where, update-without-where]
            review: [ddl, grant, role-change]
            unclassified: review
          default-shell:
            type: shell
            block: [recursive-delete-root]
            review: [process-kill]
            unclassified: review
        """.formatted(db.port, db.passwordFile())).start(dir);
    pg = mcp.pg;
    gw = mcp.gw;
  }

  @AfterAll
  static void stop() throws Exception {
    if (mcp != null) {
      mcp.close();
    }
  }

  /** The tool's answer: the JSON of its text. */
  private static JsonNode call(McpSyncClient c, String tool, Map<String, Object> args) throws Exception {
    return McpFixture.JSON.readTree(McpFixture.text(McpFixture.call(c, tool, args)));
  }

  private static boolean tableExists(String name) throws Exception {
    return pg.superSql("app", "SELECT to_regclass('public." + name + "') IS NOT NULL").contains("t");
  }

  @Test
  void aPendingQueryRetriedWithAnotherTextOrByAnotherPersonNeverUsesTheApproval() throws Exception {
    SshClientKey alice = gw.sign(GatewayFixture.uniqueIdentity("alice"), List.of("dev"));
    SshClientKey carol = gw.sign(GatewayFixture.uniqueIdentity("carol"), List.of("dev"));
    SshClientKey dba = gw.sign(GatewayFixture.uniqueIdentity("dba"), List.of("dba-leads"));
    String table = "t19c_" + Long.toHexString(System.nanoTime());
    String sql = "CREATE TABLE " + table + " (id int) -- harmless";
    try (McpSyncClient a = mcp.connect(alice); McpSyncClient c = mcp.connect(carol)) {
      JsonNode first = call(a, "sql_query", Map.of("target", "prod-db", "sql", sql));
      assertThat(first.path("status").asText()).as("%s", first).isEqualTo("pending");
      String id = first.path("request").asText();
      // The same text with maxRows is the same call (maxRows only cuts the rows returned).
      JsonNode again = call(a, "sql_query", Map.of("target", "prod-db", "sql", sql, "maxRows", 1));
      assertThat(again.path("request").asText()).as("%s", again).isEqualTo(id);
      // Another person's identical call is a request of its own, and may not look at alice's.
      JsonNode carols = call(c, "sql_query", Map.of("target", "prod-db", "sql", sql));
      assertThat(carols.path("status").asText()).as("%s", carols).isEqualTo("pending");
      assertThat(carols.path("request").asText()).isNotEqualTo(id);
      JsonNode peek = call(c, "approval_status", Map.of("request", id));
      assertThat(peek.path("error").asText()).as("%s", peek).isEqualTo("not-found");
      JsonNode peekLower = call(c, "approval_status", Map.of("request", " " + id.toLowerCase() + " "));
      assertThat(peekLower.path("error").asText()).as("%s", peekLower).isEqualTo("not-found");
      // The comment's end moved onto the next line: another statement, another request.
      String moved = "CREATE TABLE " + table + " (id int) --\n harmless";
      JsonNode other = call(a, "sql_query", Map.of("target", "prod-db", "sql", moved));
      assertThat(other.path("request").asText()).as("%s", other).isNotEqualTo(id);

      SshResult approve = gw.ssh(dba, "approvals").run("approve " + id);
      assertThat(approve.exitCode()).as("%s", approve).isZero();
      // carol's call still waits on her own request; nothing ran.
      JsonNode carolsRetry = call(c, "sql_query", Map.of("target", "prod-db", "sql", sql));
      assertThat(carolsRetry.path("status").asText()).as("%s", carolsRetry).isEqualTo("pending");
      assertThat(tableExists(table)).isFalse();
      // alice's other text still waits on its own request.
      JsonNode otherRetry = call(a, "sql_query", Map.of("target", "prod-db", "sql", moved));
      assertThat(otherRetry.path("status").asText()).as("%s", otherRetry).isEqualTo("pending");
      assertThat(tableExists(table)).isFalse();
      // alice's approved text runs, once.
      JsonNode ran = call(a, "sql_query", Map.of("target", "prod-db", "sql", sql));
      assertThat(ran.has("status")).as("%s", ran).isFalse();
      assertThat(tableExists(table)).isTrue();
      JsonNode twice = call(a, "sql_query", Map.of("target", "prod-db", "sql", sql));
      assertThat(twice.path("status").asText()).as("%s", twice).isEqualTo("pending");
      assertThat(twice.path("request").asText()).isNotEqualTo(id);
    }
  }

  @Test
  void aCommandsApprovalCoversItsExactTextOnly() throws Exception {
    SshClientKey alice = gw.sign(GatewayFixture.uniqueIdentity("alice"), List.of("dev"));
    SshClientKey ops = gw.sign(GatewayFixture.uniqueIdentity("ops"), List.of("ops-leads"));
    String command = "kill 2147483646 2>/dev/null; echo approved-ran";
    try (McpSyncClient a = mcp.connect(alice)) {
      JsonNode first = call(a, "run_command", Map.of("target", "web-1", "command", command));
      assertThat(first.path("status").asText()).as("%s", first).isEqualTo("pending");
      String id = first.path("request").asText();
      SshResult approve = gw.ssh(ops, "approvals").run("approve " + id);
      assertThat(approve.exitCode()).as("%s", approve).isZero();
      // A trailing backslash-newline, a trailing space, or another line: other texts, new requests.
      for (String variant : List.of(command + " \\\n; echo extra", command + " ", command + "\necho extra")) {
        JsonNode v = call(a, "run_command", Map.of("target", "web-1", "command", variant));
        assertThat(v.path("status").asText()).as("%s for %s", v, variant).isEqualTo("pending");
        assertThat(v.path("request").asText()).isNotEqualTo(id);
      }
      JsonNode ran = call(a, "run_command", Map.of("target", "web-1", "command", command));
      assertThat(ran.path("stdout").asText()).as("%s", ran).contains("approved-ran");
    }
  }
}
