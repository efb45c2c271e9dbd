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
 * Every answer the MCP SDK's servlet writes by itself on {@code /mcp} has the web side's headers
 * and, for an error, the web side's error shape {@code {"error": slug, "message": ...}}: no
 * serialized exception (its stack trace names classes, modules and the Java version).
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class McpHttpErrorsIT {
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

  private static final List<String> HEADERS = List.of("X-Content-Type-Options", "X-Frame-Options", "Referrer-Policy",
      "Content-Security-Policy", "Cache-Control");

  private static void assertErrorShape(String what, HttpResponse<String> r, int status, String slug, String message)
      throws Exception {
    String shown = what + ": " + r.statusCode() + " " + r.headers().map() + "\n" + r.body();
    assertThat(r.statusCode()).as(shown).isEqualTo(status);
    assertThat(r.headers().firstValue("Content-Type").orElse("")).as(shown).startsWith("application/json");
    assertThat(r.headers().firstValue("X-Content-Type-Options")).as(shown).hasValue("nosniff");
    assertThat(r.headers().firstValue("X-Frame-Options")).as(shown).hasValue("DENY");
    assertThat(r.headers().firstValue("Referrer-Policy")).as(shown).hasValue("no-referrer");
    assertThat(r.headers().firstValue("Cache-Control")).as(shown).hasValue("no-store");
    assertThat(r.headers().firstValue("Content-Security-Policy").orElse("")).as(shown).contains("default-src 'none'");
    for (String h : HEADERS) {
      assertThat(r.headers().allValues(h)).as(shown + " one " + h).hasSize(1);
    }
    JsonNode body = JSON.readTree(r.body());
    assertThat(body.path("error").asText()).as(shown).isEqualTo(slug);
    assertThat(body.path("message").asText()).as(shown).contains(message);
    assertThat(r.body()).as(shown).doesNotContain("stackTrace").doesNotContain("io.modelcontextprotocol");
  }

  @Test
  void theSdksOwnErrorAnswersHaveTheErrorShapeAndTheHeaders() throws Exception {
    String t = token(GatewayFixture.uniqueIdentity("agent"));
    String ping = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}";
    assertErrorShape("malformed JSON", send(post(t, "application/json", "application/json, text/event-stream",
        "{\"jsonrpc\":\"2.0\",\"id\":1,")), 400, "bad-request", "Invalid message format");
    assertErrorShape("text/plain", send(post(t, "text/plain", "application/json, text/event-stream", ping)), 415,
        "unsupported-media-type", "Content-Type must be application/json");
    assertErrorShape("no Accept", send(post(t, "application/json", null, ping)), 400, "bad-request",
        "required in Accept header");
    assertErrorShape("no session", send(post(t, "application/json", "application/json, text/event-stream", ping)), 400,
        "bad-request", "Session ID required");
    assertErrorShape("GET, no session", send(HttpRequest.newBuilder(URI.create(base() + "/mcp"))
        .header("Authorization", "Bearer " + t).header("Accept", "text/event-stream").GET()), 400, "bad-request",
        "Session ID required");
    assertErrorShape("DELETE, no session", send(HttpRequest.newBuilder(URI.create(base() + "/mcp"))
        .header("Authorization", "Bearer " + t).DELETE()), 400, "bad-request", "Session ID required");
  }

  @Test
  void anInitializeStillOpensASessionWithTheHeaders() throws Exception {
    HttpResponse<String> r = send(post(token(GatewayFixture.uniqueIdentity("agent")), "application/json",
        "application/json, text/event-stream", "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":"
            + "{\"protocolVersion\":\"2025-06-18\",\"capabilities\":{},\"clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}}"));
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(r.headers().firstValue("Mcp-Session-Id")).isPresent();
    assertThat(r.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
    assertThat(r.body()).contains("\"protocolVersion\"");
  }
}
