package dev.gatehouse.gateway;

import static dev.gatehouse.gateway.GatewayFixture.field;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gatehouse.gateway.postgres.PostgresServer;
import dev.gatehouse.recorder.SessionRecord;
import dev.gatehouse.recorder.SessionState;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.json.jackson2.JacksonMcpJsonMapper;
import io.modelcontextprotocol.spec.McpSchema;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
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
 * The MCP server for agents over HTTP with Keycloak's own tokens (the rules and the rest: {@link
 * McpHttpIT}), end to end with real parts:
 * a real Keycloak issues the access tokens (password grant of its mcp-agent and other-app clients,
 * the device grant of the gatehouse client), the MCP Java SDK's own Streamable HTTP client sends
 * them as {@code Authorization: Bearer}, and a real PostgreSQL answers behind the gateway's proxy.
 * Asserted is what the agent sees (tool results, HTTP status and headers) and what the auditor sees
 * (audit lines, the session in the index and its recording).
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class McpHttpKeycloakIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** What the gateway's publicUrl is in this test: the name users and the identity provider see. */
  private static final String PUBLIC_URL = "https://gatehouse.test";
  private static final String HEADER = "Bearer resource_metadata=\"" + PUBLIC_URL + "/.well-known/oauth-protected-resource\"";

  @TempDir static Path dir;
  static KeycloakServer keycloak;
  static PostgresServer pg;
  static GatewayFixture gw;

  @RegisterExtension GatewayLogOnFailure log = new GatewayLogOnFailure();

  @BeforeAll
  @Timeout(value = 400, unit = TimeUnit.SECONDS) // Keycloak's first start builds for minutes on a loaded machine
  static void start() throws Exception {
    keycloak = KeycloakServer.start(dir);
    pg = PostgresServer.start(false);
    pg.superSql("app", """
        SET ROLE app_rw;
        CREATE TABLE orders (id int PRIMARY KEY, note text);
        INSERT INTO orders VALUES (1, 'one'), (2, 'two');
        """);
    Files.createDirectories(dir.resolve("gw"));
    gw = GatewayFixture.start(dir.resolve("gw"), "", """
        web: { listen: "127.0.0.1:0", publicUrl: "%s", mcp: true }
        oidc: { issuer: "%s", clientId: %s }
        targets:
          - name: prod-db
            type: postgres
            description: the shop's orders and users
            postgres: { host: 127.0.0.1, port: %d, database: app, user: app_rw, password: "file:%s", tls: disable }
            allow: { groups: [dev] }
            policy: default-sql
          - name: ops-db
            type: postgres
            postgres: { host: 127.0.0.1, port: %d, database: app, user: app_rw, password: "file:%s", tls: disable }
            allow: { groups: [ops] }
        policies:
          default-sql:
            block: [drop-database, drop-table, truncate, delete-without-where, update-without-where]
            review: [ddl, grant, role-change]
            unclassified: review
            mask: { columns: [users.email], form: keep-last-4 }
        """.formatted(PUBLIC_URL, keycloak.issuer(), KeycloakServer.CLIENT_ID, pg.port, pg.passwordFile(), pg.port,
            pg.passwordFile()));
  }

  @AfterAll
  static void stop() throws Exception {
    if (gw != null) {
      gw.close();
    }
    if (pg != null) {
      pg.close();
    }
    if (keycloak != null) {
      keycloak.close();
    }
  }

  private static String base() {
    return "http://127.0.0.1:" + gw.gateway().webPort();
  }

  /** The SDK's Streamable HTTP client on {@code /mcp}, every request with {@code token} as its bearer. */
  private static McpSyncClient connect(String token) {
    HttpClientStreamableHttpTransport transport = HttpClientStreamableHttpTransport.builder(base())
        .endpoint("/mcp")
        .jsonMapper(new JacksonMcpJsonMapper(JSON))
        .httpRequestCustomizer((request, method, uri, body, context) ->
            request.header("Authorization", "Bearer " + token))
        .build();
    McpSyncClient client = McpClient.sync(transport)
        .requestTimeout(Duration.ofSeconds(60))
        .initializationTimeout(Duration.ofSeconds(30))
        .build();
    client.initialize();
    return client;
  }

  private static JsonNode body(McpSchema.CallToolResult r) throws Exception {
    assertThat(r.content()).hasSize(1);
    return JSON.readTree(((McpSchema.TextContent) r.content().get(0)).text());
  }

  private static McpSchema.CallToolResult call(McpSyncClient c, String tool, Map<String, Object> args) {
    return c.callTool(new McpSchema.CallToolRequest(tool, args));
  }

  /** A raw {@code initialize} POST to /mcp, with {@code authorization} as the header (none when null). */
  private static HttpResponse<String> rawInitialize(String authorization) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base() + "/mcp"))
        .header("Content-Type", "application/json")
        .header("Accept", "application/json, text/event-stream")
        .POST(HttpRequest.BodyPublishers.ofString("""
            {"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18",
             "capabilities":{},"clientInfo":{"name":"raw","version":"1"}}}"""));
    if (authorization != null) {
      b.header("Authorization", authorization);
    }
    return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static void assertRefused(HttpResponse<String> r, String reason) throws Exception {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(401);
    assertThat(r.headers().allValues("WWW-Authenticate")).containsExactly(HEADER);
    assertThat(JSON.readTree(r.body()).path("reason").asText()).isEqualTo(reason);
  }

  private static String recordingOf(SessionRecord s) throws Exception {
    return Files.readString(gw.dataDir().resolve(s.path()));
  }

  @Test
  void anAgentWithATokenForTheMcpResourceListsTargetsAndQueriesThroughThePolicy() throws Exception {
    JsonNode tokens = keycloak.passwordTokens("mcp-agent", "alice", "alice-pw");
    String access = tokens.path("access_token").asText();
    // Keycloak's token: for the resource (RFC 8707 audience), requested by another client than gatehouse.
    JsonNode claims = JSON.readTree(java.util.Base64.getUrlDecoder().decode(access.split("\\.")[1]));
    assertThat(claims.path("azp").asText()).isEqualTo("mcp-agent");
    assertThat(claims.path("aud").toString()).contains(KeycloakServer.MCP_RESOURCE);

    try (McpSyncClient c = connect(access)) {
      JsonNode targets = body(call(c, "list_targets", Map.of()));
      assertThat(targets).hasSize(1);
      assertThat(targets.get(0).path("name").asText()).isEqualTo("prod-db");
      assertThat(targets.get(0).path("description").asText()).isEqualTo("the shop's orders and users");

      McpSchema.CallToolResult rows = call(c, "sql_query", Map.of("target", "prod-db",
          "sql", "SELECT id, note FROM orders ORDER BY id"));
      assertThat(rows.isError()).isFalse();
      JsonNode r = body(rows);
      assertThat(r.path("columns").toString()).isEqualTo("[\"id\",\"note\"]");
      assertThat(r.path("rows").toString()).isEqualTo("[[\"1\",\"one\"],[\"2\",\"two\"]]");

      JsonNode masked = body(call(c, "sql_query", Map.of("target", "prod-db", "sql", "SELECT email FROM users WHERE id = 1")));
      assertThat(masked.path("rows").get(0).get(0).asText()).isNotEqualTo("alice@example.com").endsWith(".com");

      McpSchema.CallToolResult drop = call(c, "sql_query", Map.of("target", "prod-db", "sql", "DROP TABLE orders"));
      assertThat(drop.isError()).isTrue();
      assertThat(body(drop).path("status").asText()).isEqualTo("blocked");
      assertThat(body(drop).path("rule").asText()).isEqualTo("drop-table");

      // Alice is in dev, not ops: the target is not hers, over HTTP as over SSH.
      McpSchema.CallToolResult ops = call(c, "sql_query", Map.of("target", "ops-db", "sql", "SELECT 1"));
      assertThat(ops.isError()).isTrue();
      assertThat(body(ops).path("status").asText()).isEqualTo("refused");

      SessionRecord live = gw.awaitSession("alice@example.com", s -> s.state() == SessionState.ACTIVE
          && s.target().equals("mcp"));
      assertThat(live.target()).isEqualTo("mcp");
    }
    // The client's close is a DELETE: the session ends, recorded.
    SessionRecord ended = gw.awaitSession("alice@example.com", s -> s.state() != SessionState.ACTIVE);
    String cast = recordingOf(ended);
    assertThat(cast).contains("$ sql_query prod-db").contains("SELECT id, note FROM orders ORDER BY id")
        .contains("mcp sql_query prod-db: block drop-table");
    gw.awaitAudit("the call's line over http", field("code", "GH3008I").and(field("via", "http"))
        .and(field("tool", "sql_query")).and(field("verdict", "allow")).and(field("identity", "alice@example.com")));
    gw.awaitAudit("auth ok over http", field("code", "GH1000I").and(field("via", "mcp-http"))
        .and(field("identity", "alice@example.com")));
    // The table is intact.
    assertThat(pg.superSql("app", "SELECT count(*) FROM orders")).contains("2");
  }

  @Test
  void anAccessTokenIssuedToTheGatehouseClientIsAccepted() throws Exception {
    JsonNode tokens = keycloak.deviceTokens("bob", "bob-pw");
    try (McpSyncClient c = connect(tokens.path("access_token").asText())) {
      JsonNode targets = body(call(c, "list_targets", Map.of()));
      assertThat(targets).hasSize(1);
      assertThat(targets.get(0).path("name").asText()).isEqualTo("ops-db");
    }
  }

  @Test
  void anIdTokenIsRefusedWithTheMetadataHeaderEvenWithTheResourceAudience() throws Exception {
    String idToken = keycloak.passwordTokens("mcp-agent", "alice", "alice-pw").path("id_token").asText();
    JsonNode claims = JSON.readTree(java.util.Base64.getUrlDecoder().decode(idToken.split("\\.")[1]));
    assertThat(claims.path("aud").toString()).contains(KeycloakServer.MCP_RESOURCE);

    assertRefused(rawInitialize("Bearer " + idToken), "id-token-as-bearer");
    gw.awaitAudit("id token refused", field("code", "GH1001W").and(field("reason", "id-token-as-bearer"))
        .and(field("via", "mcp-http")));
    // The SDK's client gets no session with it either.
    assertThatThrownBy(() -> connect(idToken)).isInstanceOf(RuntimeException.class);
  }

  @Test
  void aTokenForAnotherAudienceIsRefused() throws Exception {
    String other = keycloak.passwordTokens("other-app", "alice", "alice-pw").path("access_token").asText();
    assertRefused(rawInitialize("Bearer " + other), "wrong-audience");
    gw.awaitAudit("wrong audience", field("code", "GH1001W").and(field("reason", "wrong-audience"))
        .and(field("via", "mcp-http")));
  }
}
