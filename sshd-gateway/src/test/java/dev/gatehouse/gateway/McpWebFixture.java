package dev.gatehouse.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.token.DefaultOAuth2TokenCallback;

/**
 * What the ITs of {@code /mcp}'s raw HTTP answers share: the mock OIDC provider (warmed up), a
 * gateway with {@code web.mcp} on and one command target, access tokens for the MCP resource, and
 * raw requests (no MCP client: these tests send what a client library would not).
 */
final class McpWebFixture implements AutoCloseable {
  private static final String REALM = "corp";
  static final String RESOURCE = "https://gatehouse.test/mcp";
  static final String PUBLIC_URL = "https://gatehouse.test";

  final MockOAuth2Server idp;
  final GatewayFixture gw;

  private McpWebFixture(MockOAuth2Server idp, GatewayFixture gw) {
    this.idp = idp;
    this.gw = gw;
  }

  static McpWebFixture start(Path dir) throws Exception {
    MockOAuth2Server idp = OidcGatewayFixture.startWarmProvider(REALM);
    try {
      String issuer = idp.issuerUrl(REALM).toString();
      Files.createDirectories(dir.resolve("gw"));
      GatewayFixture gw = GatewayFixture.start(dir.resolve("gw"), "", """
          web: { listen: "127.0.0.1:0", publicUrl: "%s", mcp: true }
          oidc: { issuer: "%s", clientId: %s }
          targets:
            - name: web-1
              type: command
              command: ["/bin/sh"]
              allow: { groups: [dev] }
          """.formatted(PUBLIC_URL, issuer, OidcGatewayFixture.CLIENT));
      return new McpWebFixture(idp, gw);
    } catch (Exception | Error e) {
      idp.shutdown();
      throw e;
    }
  }

  /** An access token for the MCP resource, for {@code email} in group dev. */
  String token(String email) {
    return idp.issueToken(REALM, "agent", new DefaultOAuth2TokenCallback(REALM, "sub-" + email, "JWT", List.of(RESOURCE),
        Map.of("email", email, "groups", List.of("dev"), "scope", "openid email"), 300)).serialize();
  }

  String base() {
    return "http://127.0.0.1:" + gw.gateway().webPort();
  }

  static HttpResponse<String> send(HttpRequest.Builder b) throws Exception {
    return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()
        .send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** A POST to /mcp with {@code token}, and the given Content-Type and Accept when not null. */
  HttpRequest.Builder post(String token, String contentType, String accept, String body) {
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
  static void assertJsonErrorWithHeaders(String what, HttpResponse<String> r) throws Exception {
    String shown = what + ": " + r.statusCode() + " " + r.headers().map() + "\n" + r.body();
    assertThat(r.statusCode()).as(shown).isBetween(400, 499);
    assertThat(r.headers().firstValue("Content-Type").orElse("")).as(shown).startsWith("application/json");
    assertThat(r.headers().firstValue("X-Content-Type-Options")).as(shown).hasValue("nosniff");
    JsonNode body = McpFixture.JSON.readTree(r.body());
    assertThat(body.isObject()).as(shown).isTrue();
  }

  @Override
  public void close() throws Exception {
    try {
      gw.close();
    } finally {
      idp.shutdown();
    }
  }
}
