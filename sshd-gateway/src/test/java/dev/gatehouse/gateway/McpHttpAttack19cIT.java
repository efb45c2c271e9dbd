package dev.gatehouse.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
 * Attack pass on the MCP endpoint over HTTP: what an agent holding a valid access token gets back
 * for malformed input. The web side's rule is one error shape for every answer: JSON with the
 * security headers ({@code X-Content-Type-Options: nosniff}, ...), Jetty's own answers included.
 * These answers come from the MCP SDK's servlet and its servlet context, not from the gateway's
 * {@code Replies}: they are checked here as a browser or a proxy in front of the gateway would see them.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class McpHttpAttack19cIT {
  private static final String REALM = "corp";
  private static final String RESOURCE = "https://gatehouse.test/mcp";
  private static final String PUBLIC_URL = "https://gatehouse.test";
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path dir;
  static MockOAuth2Server idp;
  static GatewayFixture gw;

  @RegisterExtension GatewayLogOnFailure log = new GatewayLogOnFailure();

  @BeforeAll
  static void start() throws Exception {
    idp = OidcGatewayFixture.startProvider();
    HttpClient warm = HttpClient.newHttpClient();
    for (String path : List.of("/.well-known/openid-configuration", "/jwks")) {
      warm.send(HttpRequest.newBuilder(URI.create(issuer() + path)).build(), HttpResponse.BodyHandlers.discarding());
    }
    Files.createDirectories(dir.resolve("gw"));
    gw = GatewayFixture.start(dir.resolve("gw"), "", """
        web: { listen: "127.0.0.1:0", publicUrl: "%s", mcp: true }
        oidc: { issuer: "%s", clientId: %s }
        targets:
          - name: web-1
            type: command
            command: ["/bin/sh"]
            allow: { groups: [dev] }
        """.formatted(PUBLIC_URL, issuer(), OidcGatewayFixture.CLIENT));
  }

  @AfterAll
  static void stop() throws Exception {
    if (gw != null) {
      gw.close();
    }
    if (idp != null) {
      idp.shutdown();
    }
  }

  private static String issuer() {
    return idp.issuerUrl(REALM).toString();
  }

  private static String token(String email) {
    return idp.issueToken(REALM, "agent", new DefaultOAuth2TokenCallback(REALM, "sub-" + email, "JWT", List.of(RESOURCE),
        Map.of("email", email, "groups", List.of("dev"), "scope", "openid email"), 300)).serialize();
  }

  private static String base() {
    return "http://127.0.0.1:" + gw.gateway().webPort();
  }

  private static HttpResponse<String> send(HttpRequest.Builder b) throws Exception {
    return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()
        .send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static HttpRequest.Builder post(String token, String contentType, String accept, String body) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base() + "/mcp"))
        .header("Authorization", "Bearer " + token)
        .POST(HttpRequest.BodyPublishers.ofString(body));
    if (contentType != null) {
      b.header("Content-Type", contentType);
    }
    if (accept != null) {
      b.header("Accept", accept);
    }
    return b;
  }

  /** The web side's error shape: a JSON object with the security headers, whatever the status. */
  private static void assertJsonErrorWithHeaders(String what, HttpResponse<String> r) throws Exception {
    String shown = what + ": " + r.statusCode() + " " + r.headers().map() + "\n" + r.body();
    assertThat(r.statusCode()).as(shown).isBetween(400, 499);
    assertThat(r.headers().firstValue("Content-Type").orElse("")).as(shown).startsWith("application/json");
    assertThat(r.headers().firstValue("X-Content-Type-Options")).as(shown).hasValue("nosniff");
    JsonNode body = JSON.readTree(r.body());
    assertThat(body.isObject()).as(shown).isTrue();
  }

  @Test
  void malformedJsonFromAnAuthenticatedAgentIsAJsonErrorWithTheSecurityHeaders() throws Exception {
    HttpResponse<String> r = send(post(token(GatewayFixture.uniqueIdentity("agent")),
        "application/json", "application/json, text/event-stream", "{\"jsonrpc\":\"2.0\",\"id\":1,"));
    assertJsonErrorWithHeaders("malformed JSON", r);
  }

  @Test
  void aWrongContentTypeIsAJsonErrorWithTheSecurityHeaders() throws Exception {
    HttpResponse<String> r = send(post(token(GatewayFixture.uniqueIdentity("agent")),
        "text/plain", "application/json, text/event-stream",
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}"));
    assertJsonErrorWithHeaders("text/plain body", r);
  }

  @Test
  void aMissingAcceptHeaderIsAJsonErrorWithTheSecurityHeaders() throws Exception {
    HttpResponse<String> r = send(post(token(GatewayFixture.uniqueIdentity("agent")),
        "application/json", null, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}"));
    assertJsonErrorWithHeaders("no Accept", r);
  }

  @Test
  void aToolCallWithoutASessionIsAJsonErrorWithTheSecurityHeaders() throws Exception {
    HttpResponse<String> r = send(post(token(GatewayFixture.uniqueIdentity("agent")),
        "application/json", "application/json, text/event-stream",
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"list_targets\",\"arguments\":{}}}"));
    assertJsonErrorWithHeaders("tools/call without Mcp-Session-Id", r);
  }

  @Test
  void aGetWithoutASessionIsAJsonErrorWithTheSecurityHeaders() throws Exception {
    HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create(base() + "/mcp"))
        .header("Authorization", "Bearer " + token(GatewayFixture.uniqueIdentity("agent")))
        .header("Accept", "text/event-stream").GET());
    assertJsonErrorWithHeaders("GET without Mcp-Session-Id", r);
  }

  @Test
  void aDeleteWithoutASessionIsAJsonErrorWithTheSecurityHeaders() throws Exception {
    HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create(base() + "/mcp"))
        .header("Authorization", "Bearer " + token(GatewayFixture.uniqueIdentity("agent")))
        .DELETE());
    assertJsonErrorWithHeaders("DELETE without Mcp-Session-Id", r);
  }
}
