package dev.gatehouse.gateway;

import static dev.gatehouse.gateway.GatewayFixture.field;
import static dev.gatehouse.gateway.McpFixture.body;
import static dev.gatehouse.gateway.McpFixture.call;
import static dev.gatehouse.gateway.McpHttpFixture.assertRefused;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gatehouse.gateway.postgres.PostgresServer;
import dev.gatehouse.recorder.SessionRecord;
import dev.gatehouse.recorder.SessionState;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema;
import java.nio.file.Path;
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
  private static final ObjectMapper JSON = McpFixture.JSON;

  @TempDir static Path dir;
  static KeycloakServer keycloak;
  static McpHttpFixture mcp;
  static PostgresServer pg;
  static GatewayFixture gw;

  @RegisterExtension GatewayLogOnFailure log = new GatewayLogOnFailure();

  @BeforeAll
  @Timeout(value = 400, unit = TimeUnit.SECONDS) // Keycloak's first start builds for minutes on a loaded machine
  static void start() throws Exception {
    keycloak = KeycloakServer.start(dir);
    mcp = McpHttpFixture.start(dir, keycloak.issuer(), KeycloakServer.CLIENT_ID);
    pg = mcp.pg;
    gw = mcp.gw;
  }

  @AfterAll
  static void stop() throws Exception {
    if (mcp != null) {
      mcp.close();
    }
    if (keycloak != null) {
      keycloak.close();
    }
  }

  @Test
  void anAgentWithATokenForTheMcpResourceListsTargetsAndQueriesThroughThePolicy() throws Exception {
    JsonNode tokens = keycloak.passwordTokens("mcp-agent", "alice", "alice-pw");
    String access = tokens.path("access_token").asText();
    // Keycloak's token: for the resource (RFC 8707 audience), requested by another client than gatehouse.
    JsonNode claims = JSON.readTree(java.util.Base64.getUrlDecoder().decode(access.split("\\.")[1]));
    assertThat(claims.path("azp").asText()).isEqualTo("mcp-agent");
    assertThat(claims.path("aud").toString()).contains(KeycloakServer.MCP_RESOURCE);

    try (McpSyncClient c = mcp.connect(access)) {
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
    String cast = mcp.recordingOf(ended);
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
    try (McpSyncClient c = mcp.connect(tokens.path("access_token").asText())) {
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

    assertRefused(mcp.rawInitialize("Bearer " + idToken), "id-token-as-bearer");
    gw.awaitAudit("id token refused", field("code", "GH1001W").and(field("reason", "id-token-as-bearer"))
        .and(field("via", "mcp-http")));
    // The SDK's client gets no session with it either.
    assertThatThrownBy(() -> mcp.connect(idToken)).isInstanceOf(RuntimeException.class);
  }

  @Test
  void aTokenForAnotherAudienceIsRefused() throws Exception {
    String other = keycloak.passwordTokens("other-app", "alice", "alice-pw").path("access_token").asText();
    assertRefused(mcp.rawInitialize("Bearer " + other), "wrong-audience");
    gw.awaitAudit("wrong audience", field("code", "GH1001W").and(field("reason", "wrong-audience"))
        .and(field("via", "mcp-http")));
  }
}
