package dev.gatehouse.gateway;

import static dev.gatehouse.gateway.GatewayFixture.field;
import static dev.gatehouse.gateway.McpHttpFixture.assertRefused;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gatehouse.recorder.SessionRecord;
import dev.gatehouse.recorder.SessionState;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.token.DefaultOAuth2TokenCallback;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The MCP server for agents over HTTP (Streamable HTTP on web.listen), end to end with real parts:
 * a real OIDC provider (navikt's mock-oauth2-server) signs the tokens, the MCP Java SDK's own
 * Streamable HTTP client sends them as {@code Authorization: Bearer}, and a real PostgreSQL answers
 * behind the gateway's proxy. Keycloak's own tokens: {@link McpHttpKeycloakIT}.
 * Asserted is what the agent sees (tool results, HTTP status and headers) and what the auditor sees
 * (audit lines, the session in the index and its recording).
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class McpHttpIT {
  private static final String REALM = "corp";
  private static final String RESOURCE = "https://gatehouse.test/mcp";
  private static final ObjectMapper JSON = McpFixture.JSON;

  @TempDir static Path dir;
  static MockOAuth2Server idp;
  static McpHttpFixture mcp;
  static GatewayFixture gw;

  @RegisterExtension GatewayLogOnFailure log = new GatewayLogOnFailure();

  @BeforeAll
  static void start() throws Exception {
    idp = OidcGatewayFixture.startWarmProvider(REALM);
    mcp = McpHttpFixture.start(dir, issuer(), OidcGatewayFixture.CLIENT);
    gw = mcp.gw;
  }

  @AfterAll
  static void stop() throws Exception {
    if (mcp != null) {
      mcp.close();
    }
    if (idp != null) {
      idp.shutdown();
    }
  }

  private static String issuer() {
    return idp.issuerUrl(REALM).toString();
  }

  /**
   * An access token as the provider issues one to client {@code client} (azp) for {@code audience},
   * for the person {@code email} in {@code groups}.
   */
  private static String accessToken(String client, List<String> audience, String email, List<String> groups) {
    return idp.issueToken(REALM, client, new DefaultOAuth2TokenCallback(REALM, "sub-" + email, "JWT", audience,
        Map.of("email", email, "groups", groups, "scope", "openid email"), 300)).serialize();
  }

  @Test
  void anAgentWithATokenForTheMcpResourceListsTargetsAndQueriesThroughThePolicy() throws Exception {
    // For the resource (RFC 8707 audience), requested by another client than gatehouse.
    String access = accessToken("mcp-agent", List.of(RESOURCE), "alice@example.com", List.of("dev"));

    mcp.assertAliceQueriesThroughThePolicy(access);
  }

  @Test
  void anAccessTokenIssuedToTheGatehouseClientIsAccepted() throws Exception {
    String bob = accessToken(OidcGatewayFixture.CLIENT, List.of("default"), "bob@example.com", List.of("ops"));
    mcp.assertOnlyTargetOf(bob, "ops-db");
  }

  @Test
  void anIdTokenIsRefusedWithTheMetadataHeader() throws Exception {
    String idToken = OidcGatewayFixture.idToken(idp, REALM, "sub-alice", List.of(OidcGatewayFixture.CLIENT),
        Map.of("email", "alice@example.com", "groups", List.of("dev")));

    mcp.assertRefusedAndAudited("Bearer " + idToken, "id-token-as-bearer");
    // The SDK's client gets no session with it either.
    assertThatThrownBy(() -> mcp.connect(idToken)).isInstanceOf(RuntimeException.class);
  }

  @Test
  void aTokenForAnotherAudienceIsRefused() throws Exception {
    String other = accessToken("other-app", List.of("account"), "alice@example.com", List.of("dev"));
    mcp.assertRefusedAndAudited("Bearer " + other, "wrong-audience");
  }

  @Test
  void noTokenIs401WithTheHeaderAndTheMetadataNamesTheIssuer() throws Exception {
    mcp.assertRefusedAndAudited(null, "no-token");
    assertRefused(mcp.rawInitialize("Bearer not-a-jwt"), "malformed");
    assertRefused(mcp.rawInitialize("Basic YWxpY2U6cHc="), "unsupported-authorization");

    HttpClient http = HttpClient.newHttpClient();
    for (String path : List.of("/.well-known/oauth-protected-resource", "/.well-known/oauth-protected-resource/mcp")) {
      HttpResponse<String> m = http.send(HttpRequest.newBuilder(URI.create(mcp.base() + path)).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(m.statusCode()).isEqualTo(200);
      assertThat(m.headers().firstValue("Content-Type").orElse("")).startsWith("application/json");
      JsonNode doc = JSON.readTree(m.body());
      assertThat(doc.path("resource").asText()).isEqualTo(RESOURCE);
      assertThat(doc.path("authorization_servers").toString()).isEqualTo("[\"" + issuer() + "\"]");
      assertThat(doc.path("bearer_methods_supported").toString()).isEqualTo("[\"header\"]");
    }
  }

  /** An {@code initialize} POST with a valid token and the given {@code Origin} headers. */
  private static HttpResponse<String> initializeFrom(String token, String... origins) throws Exception {
    String[] headers = new String[2 * origins.length];
    for (int i = 0; i < origins.length; i++) {
      headers[2 * i] = "Origin";
      headers[2 * i + 1] = origins[i];
    }
    return mcp.rawPost("Bearer " + token, McpHttpFixture.INITIALIZE, headers);
  }

  @Test
  void aWebPageOfAnotherOriginIsRefusedEvenWithAValidTokenAndAgentsWithoutOriginAreServed() throws Exception {
    String dave = accessToken("mcp-agent", List.of(RESOURCE), "dave@example.com", List.of("dev"));
    for (String page : List.of("http://evil.example.com", "http://gatehouse.test", "https://gatehouse.test:8443", "null")) {
      HttpResponse<String> r = initializeFrom(dave, page);
      assertThat(r.statusCode()).as("Origin %s: %s", page, r.body()).isEqualTo(403);
      assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/json");
      assertThat(JSON.readTree(r.body()).path("error").asText()).isEqualTo("cross-origin");
      assertThat(r.headers().firstValue("Mcp-Session-Id")).isEmpty();
    }
    // Two Origin headers, one of them ours: refused, not the friendlier one picked.
    assertThat(initializeFrom(dave, "https://gatehouse.test", "http://evil.example.com").statusCode()).isEqualTo(403);
    gw.awaitAudit("the page refused", field("code", "GH1001W").and(field("reason", "cross-origin"))
        .and(field("via", "mcp-http")));

    // publicUrl's own origin however written (a default port, capitals), and no Origin at all (an agent).
    for (String[] origins : List.of(new String[] {"https://gatehouse.test"}, new String[] {"https://GateHouse.test:443"},
        new String[0])) {
      HttpResponse<String> ok = initializeFrom(dave, origins);
      assertThat(ok.statusCode()).as("Origin %s: %s", List.of(origins), ok.body()).isEqualTo(200);
      assertThat(ok.headers().firstValue("Mcp-Session-Id")).isPresent();
    }
  }

  @Test
  void anotherPersonsTokenFindsNoSessionAndARevokedPersonsTokenStopsWorking() throws Exception {
    String carol = accessToken("mcp-agent", List.of(RESOURCE), "carol@example.com", List.of("dev"));
    String alice = accessToken("mcp-agent", List.of(RESOURCE), "alice@example.com", List.of("dev"));
    HttpResponse<String> init = mcp.rawInitialize("Bearer " + carol);
    assertThat(init.statusCode()).as(init.body()).isEqualTo(200);
    String sessionId = init.headers().firstValue("Mcp-Session-Id").orElseThrow();

    // Alice's valid token with carol's session id: no such session for her.
    HttpResponse<String> hijack = mcp.rawPost("Bearer " + alice, "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\"}",
        "Mcp-Session-Id", sessionId);
    assertThat(hijack.statusCode()).as(hijack.body()).isEqualTo(404);
    gw.awaitAudit("session of another", field("code", "GH1001W").and(field("reason", "session-not-owned"))
        .and(field("identity", "alice@example.com")));

    // ca revoke --identity: her token stops working and her session ends, recorded.
    assertThat(gw.cli("ca", "revoke", "--identity", "carol@example.com").exitCode()).isZero();
    assertRefused(mcp.rawInitialize("Bearer " + carol), "revoked");
    SessionRecord ended = gw.awaitSession("carol@example.com", s -> s.state() != SessionState.ACTIVE);
    assertThat(ended.target()).isEqualTo("mcp");
    assertThat(mcp.recordingOf(ended)).contains("was revoked");
  }

  @Test
  void webMcpWithoutOidcIsAStartError() throws Exception {
    Path d = Files.createTempDirectory(dir, "no-oidc-");
    Path file = d.resolve("gatehouse.yaml");
    Files.writeString(file, """
        dataDir: "%s"
        ssh:
          listen: "127.0.0.1:0"
        web:
          listen: "127.0.0.1:0"
          mcp: true
        """.formatted(d.resolve("data")));
    GatewayFixture.CliResult r = GatewayProcess.cli("serve", "--config", file.toString());
    assertThat(r.exitCode()).as("%s", r).isEqualTo(78);
    assertThat(r.err()).contains(file + ":6").contains("web.mcp: the MCP endpoint needs oidc");
  }
}
