package dev.gatehouse.gateway;

import static dev.gatehouse.gateway.GatewayFixture.field;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gatehouse.gateway.postgres.PostgresServer;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.ServerParameters;
import io.modelcontextprotocol.client.transport.StdioClientTransport;
import io.modelcontextprotocol.json.jackson2.JacksonMcpJsonMapper;
import io.modelcontextprotocol.spec.McpSchema;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A hostile person with a valid certificate (or an agent driven by one) against {@code ssh mcp@gw}:
 * identity, policy, masking, approvals, limits and the recording, each attempt end to end through
 * the real OpenSSH client, a real PostgreSQL and bash behind the gateway.
 */
class McpAttack18IT {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** mcp.maxOutputBytes in this gateway's config. */
  private static final int MAX_OUTPUT = 64 * 1024;

  @TempDir static Path dir;
  static PostgresServer pg;
  static GatewayFixture gw;

  @RegisterExtension GatewayLogOnFailure log = new GatewayLogOnFailure();

  @BeforeAll
  static void start() throws Exception {
    pg = PostgresServer.start(false);
    Files.createDirectories(dir.resolve("gw"));
    gw = GatewayFixture.start(dir.resolve("gw"), "", """
        mcp: { maxOutputBytes: 64KiB }
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
          - name: billing-db
            type: postgres
            postgres: { host: 127.0.0.1, port: %d, database: app, user: app_rw, password: "file:%s", tls: disable }
            allow: { groups: [finance] }
        policies:
          default-sql:
            block: [drop-database, drop-table, truncate, delete-without-where, update-without-where]
            review: [ddl, grant, role-change]
            unclassified: review
            mask: { columns: [users.email], form: keep-last-4 }
          default-shell:
            type: shell
            block: [recursive-delete-root]
            review: [sudo]
            unclassified: review
        """.formatted(pg.port, pg.passwordFile(), pg.port, pg.passwordFile()));
  }

  @AfterAll
  static void stop() throws Exception {
    if (gw != null) {
      gw.close();
    }
    if (pg != null) {
      pg.close();
    }
  }

  private static McpSyncClient connect(SshClientKey key) {
    List<String> argv = new ArrayList<>(gw.sshArgv(key, "mcp", List.of("-T")));
    ServerParameters params = ServerParameters.builder(argv.get(0)).args(argv.subList(1, argv.size())).build();
    McpSyncClient client = McpClient.sync(new StdioClientTransport(params, new JacksonMcpJsonMapper(JSON)))
        .requestTimeout(Duration.ofSeconds(120))
        .initializationTimeout(Duration.ofSeconds(30))
        .build();
    client.initialize();
    return client;
  }

  private static McpSchema.CallToolResult call(McpSyncClient c, String tool, Map<String, Object> args) {
    return c.callTool(new McpSchema.CallToolRequest(tool, args));
  }

  private static String text(McpSchema.CallToolResult r) {
    return ((McpSchema.TextContent) r.content().get(0)).text();
  }

  private static JsonNode body(McpSchema.CallToolResult r) throws Exception {
    return JSON.readTree(text(r));
  }

  private static String recordingsOf(SshClientKey key) throws Exception {
    StringBuilder all = new StringBuilder();
    for (var s : gw.sessionsOf(key.identity())) {
      all.append(Files.readString(gw.dataDir().resolve(s.path())));
    }
    return all.toString();
  }

  // ---------------------------------------------------------------- findings

  /**
   * A server error carries the value it could not read, whole: PostgreSQL puts the entire input
   * text in "invalid input syntax" messages. maxOutputBytes bounds rows and notices, so an error
   * must be bounded too, or one call puts megabytes into the agent's result, the recording and
   * the audit line.
   */
  @Test
  void aServerErrorMessageIsBoundedByMaxOutputBytes() throws Exception {
    SshClientKey alice = gw.sign(GatewayFixture.uniqueIdentity("alice"), List.of("dev"));
    int resultSize;
    try (McpSyncClient c = connect(alice)) {
      McpSchema.CallToolResult r = call(c, "sql_query",
          Map.of("target", "prod-db", "sql", "SELECT repeat('x', 4000000)::int"));
      assertThat(r.isError()).isTrue();
      assertThat(body(r).path("sqlState").asText()).isEqualTo("22P02");
      resultSize = text(r).length();
    }
    JsonNode audit = gw.awaitAudit("the call", field("event", "mcp-tool-call").and(field("identity", alice.identity())));
    gw.awaitSession(alice.identity(), s -> s.end() != null);
    org.assertj.core.api.SoftAssertions soft = new org.assertj.core.api.SoftAssertions();
    soft.assertThat(resultSize).as("the error result's size").isLessThanOrEqualTo(MAX_OUTPUT + 1024);
    soft.assertThat(audit.toString().length()).as("the GH3008I audit line's size").isLessThanOrEqualTo(MAX_OUTPUT + 4096);
    soft.assertThat(recordingsOf(alice).length()).as("the recording's size").isLessThanOrEqualTo(4 * MAX_OUTPUT);
    soft.assertAll();
  }

  /**
   * Arguments the tool's input schema refuses (a negative maxRows, a string, a fraction) are
   * answered by the SDK's schema check before the gateway sees the call: the text is not the
   * documented {"status":"error","error":"bad-arguments"} JSON, and the call is neither recorded
   * nor audited (GH3008I) though every call is to be.
   */
  @Test
  void argumentsTheSchemaRefusesAreABadArgumentsResultAndAudited() throws Exception {
    SshClientKey alice = gw.sign(GatewayFixture.uniqueIdentity("alice"), List.of("dev"));
    List<String> wrong = new ArrayList<>();
    try (McpSyncClient c = connect(alice)) {
      for (Object bad : List.of(-1, 1.5, "5", Map.of(), List.of(1))) {
        McpSchema.CallToolResult r = call(c, "sql_query",
            Map.of("target", "prod-db", "sql", "SELECT 'schema-probe'", "maxRows", bad));
        String t = text(r);
        if (!Boolean.TRUE.equals(r.isError()) || !t.startsWith("{") || !JSON.readTree(t).path("error").asText().equals("bad-arguments")) {
          wrong.add("maxRows " + bad + " -> isError " + r.isError() + " " + t);
        }
      }
      for (Object bad : List.of(-1, 0, 1.5, "100", Long.MIN_VALUE)) {
        McpSchema.CallToolResult r = call(c, "run_command",
            Map.of("target", "web-1", "command", "echo hi", "maxBytes", bad));
        String t = text(r);
        if (!Boolean.TRUE.equals(r.isError()) || !t.startsWith("{") || !JSON.readTree(t).path("error").asText().equals("bad-arguments")) {
          wrong.add("maxBytes " + bad + " -> isError " + r.isError() + " " + t);
        }
      }
    }
    org.assertj.core.api.SoftAssertions soft = new org.assertj.core.api.SoftAssertions();
    soft.assertThat(wrong).as("results not in the documented shape").isEmpty();
    soft.assertThat(gw.auditLines()).as("GH3008I lines of the refused calls")
        .filteredOn(l -> l.path("identity").asText().equals(alice.identity())
            && l.path("event").asText().equals("mcp-tool-call"))
        .hasSize(10);
    soft.assertAll();
  }
}
