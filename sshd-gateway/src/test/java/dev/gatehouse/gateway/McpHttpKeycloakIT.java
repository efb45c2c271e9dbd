package dev.gatehouse.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.Base64;
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

  @RegisterExtension GatewayLogOnFailure log = new GatewayLogOnFailure();

  @BeforeAll
  @Timeout(value = 400, unit = TimeUnit.SECONDS) // Keycloak's first start builds for minutes on a loaded machine
  static void start() throws Exception {
    keycloak = KeycloakServer.start(dir);
    mcp = McpHttpFixture.start(dir, keycloak.issuer(), KeycloakServer.CLIENT_ID);
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

  /** What a Keycloak token claims: its payload, decoded without checking the signature. */
  private static JsonNode claims(String jwt) throws Exception {
    return JSON.readTree(Base64.getUrlDecoder().decode(jwt.split("\\.")[1]));
  }

  @Test
  void anAgentWithATokenForTheMcpResourceListsTargetsAndQueriesThroughThePolicy() throws Exception {
    JsonNode tokens = keycloak.passwordTokens("mcp-agent", "alice", "alice-pw");
    String access = tokens.path("access_token").asText();
    // Keycloak's token: for the resource (RFC 8707 audience), requested by another client than gatehouse.
    JsonNode claims = claims(access);
    assertThat(claims.path("azp").asText()).isEqualTo("mcp-agent");
    assertThat(claims.path("aud").toString()).contains(KeycloakServer.MCP_RESOURCE);

    mcp.assertAliceQueriesThroughThePolicy(access);
  }

  @Test
  void anAccessTokenIssuedToTheGatehouseClientIsAccepted() throws Exception {
    JsonNode tokens = keycloak.deviceTokens("bob", "bob-pw");
    mcp.assertOnlyTargetOf(tokens.path("access_token").asText(), "ops-db");
  }

  @Test
  void anIdTokenIsRefusedWithTheMetadataHeaderEvenWithTheResourceAudience() throws Exception {
    String idToken = keycloak.passwordTokens("mcp-agent", "alice", "alice-pw").path("id_token").asText();
    JsonNode claims = claims(idToken);
    assertThat(claims.path("aud").toString()).contains(KeycloakServer.MCP_RESOURCE);

    mcp.assertRefusedAndAudited("Bearer " + idToken, "id-token-as-bearer");
    // The SDK's client gets no session with it either.
    assertThatThrownBy(() -> mcp.connect(idToken)).isInstanceOf(RuntimeException.class);
  }

  @Test
  void aTokenForAnotherAudienceIsRefused() throws Exception {
    String other = keycloak.passwordTokens("other-app", "alice", "alice-pw").path("access_token").asText();
    mcp.assertRefusedAndAudited("Bearer " + other, "wrong-audience");
  }
}
