package dev.gatehouse.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gatehouse.gateway.config.ConfigLoader;
import dev.gatehouse.gateway.config.GatewayConfig;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.token.DefaultOAuth2TokenCallback;

/**
 * A gateway started in-process with {@code web:} on a free loopback port and {@code oidc:} pointing
 * at a real OIDC provider (navikt's mock-oauth2-server, or any issuer URL), with the targets of
 * {@link GatewayFixture#DEFAULT_TARGETS} (shell and tools for group dev, ops-only for ops).
 */
final class OidcGatewayFixture implements AutoCloseable {
  static final String CLIENT = "gatehouse";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Gateway gateway;
  private final GatewayConfig config;
  private final URI webUrl;

  private OidcGatewayFixture(Gateway gateway, GatewayConfig config, URI webUrl) {
    this.gateway = gateway;
    this.config = config;
    this.webUrl = webUrl;
  }

  /** A real OIDC provider on loopback with realms as issuers (http://127.0.0.1:port/REALM). */
  static MockOAuth2Server startProvider() {
    MockOAuth2Server idp = new MockOAuth2Server();
    idp.start(InetAddress.getLoopbackAddress(), 0);
    return idp;
  }

  /**
   * {@link #startProvider()}, asked once for {@code realm}'s discovery document and keys: its first
   * answers are slow on a loaded machine (its JIT is cold), slower than the gateway's 5 s wait for
   * them, which then refuses tokens (provider-unavailable, fail closed).
   */
  static MockOAuth2Server startWarmProvider(String realm) throws Exception {
    MockOAuth2Server idp = startProvider();
    try {
      String issuer = idp.issuerUrl(realm).toString();
      java.net.http.HttpClient warm = java.net.http.HttpClient.newHttpClient();
      for (String path : List.of("/.well-known/openid-configuration", "/jwks")) {
        warm.send(java.net.http.HttpRequest.newBuilder(URI.create(issuer + path)).build(),
            java.net.http.HttpResponse.BodyHandlers.discarding());
      }
      return idp;
    } catch (Exception | Error e) {
      idp.shutdown();
      throw e;
    }
  }

  /**
   * Writes dir/gatehouse.yaml: dataDir dir/data, ssh and web on 127.0.0.1:0, oidc with {@code issuer}
   * and client id "gatehouse" plus {@code oidcExtra} lines (e.g. "certificateTtl: 2h"), {@code webExtra}
   * lines under web: (e.g. a tls block), the default targets; loads it with the real loader; starts.
   */
  static OidcGatewayFixture start(Path dir, URI issuer, String oidcExtra, String webExtra) throws Exception {
    StringBuilder yaml = new StringBuilder();
    yaml.append("dataDir: \"").append(dir.resolve("data")).append("\"\n");
    yaml.append("ssh:\n  listen: \"127.0.0.1:0\"\n  hostNames: [127.0.0.1, localhost]\n");
    yaml.append("web:\n  listen: \"127.0.0.1:0\"\n");
    webExtra.lines().forEach(l -> yaml.append("  ").append(l).append('\n'));
    yaml.append("oidc:\n  issuer: \"").append(issuer).append("\"\n  clientId: ").append(CLIENT).append('\n');
    oidcExtra.lines().forEach(l -> yaml.append("  ").append(l).append('\n'));
    yaml.append(GatewayFixture.DEFAULT_TARGETS);
    Files.createDirectories(dir);
    Path configFile = dir.resolve("gatehouse.yaml");
    Files.writeString(configFile, yaml);
    GatewayConfig config = ConfigLoader.load(configFile);
    Gateway gateway = Gateway.start(config);
    String scheme = config.web().tls() == null ? "http" : "https";
    return new OidcGatewayFixture(gateway, config, URI.create(scheme + "://127.0.0.1:" + gateway.webPort()));
  }

  /** An ID token from realm {@code realm} of the mock provider, as its token endpoint would issue it. */
  static String idToken(MockOAuth2Server idp, String realm, String subject, List<String> audience, Map<String, Object> claims) {
    return idp.issueToken(realm, CLIENT, new DefaultOAuth2TokenCallback(realm, subject, "JWT", audience, claims, 300))
        .serialize();
  }

  /**
   * An access token from realm {@code realm} as the mock provider's token endpoint issues one to
   * client {@code clientId}: for the API (audience "default"), requested by the client (azp).
   */
  static String accessToken(MockOAuth2Server idp, String realm, String clientId, String subject, Map<String, Object> claims) {
    return idp.issueToken(realm, clientId, new DefaultOAuth2TokenCallback(realm, subject, "JWT", List.of("default"),
        claims, 300)).serialize();
  }

  /**
   * What the mock provider's token endpoint really answers to an authorization-code login of
   * client gatehouse (with a nonce): {@code access_token} and {@code id_token}, the person's
   * {@code claims} in both.
   */
  static JsonNode codeFlowTokens(MockOAuth2Server idp, String realm, String subject, Map<String, Object> claims)
      throws Exception {
    idp.enqueueCallback(new DefaultOAuth2TokenCallback(realm, subject, "JWT", null, claims, 300));
    String redirect = "http://127.0.0.1/callback";
    java.net.http.HttpClient http = java.net.http.HttpClient.newBuilder()
        .followRedirects(java.net.http.HttpClient.Redirect.NEVER).build();
    URI authorize = URI.create(idp.authorizationEndpointUrl(realm) + "?client_id=" + CLIENT
        + "&response_type=code&scope=openid%20email&state=s1&nonce=n1&redirect_uri="
        + java.net.URLEncoder.encode(redirect, java.nio.charset.StandardCharsets.UTF_8));
    var login = http.send(java.net.http.HttpRequest.newBuilder(authorize).build(),
        java.net.http.HttpResponse.BodyHandlers.ofString());
    String location = login.headers().firstValue("Location").orElseThrow(() -> new AssertionError(login.body()));
    String code = location.replaceAll(".*[?&]code=([^&]+).*", "$1");
    String form = "grant_type=authorization_code&client_id=" + CLIENT + "&code=" + code + "&redirect_uri="
        + java.net.URLEncoder.encode(redirect, java.nio.charset.StandardCharsets.UTF_8);
    var tokens = http.send(java.net.http.HttpRequest.newBuilder(idp.tokenEndpointUrl(realm).uri())
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(java.net.http.HttpRequest.BodyPublishers.ofString(form)).build(),
        java.net.http.HttpResponse.BodyHandlers.ofString());
    if (tokens.statusCode() != 200) {
      throw new AssertionError("token endpoint answered " + tokens.statusCode() + ": " + tokens.body());
    }
    return JSON.readTree(tokens.body());
  }

  Gateway gateway() {
    return gateway;
  }

  GatewayConfig config() {
    return config;
  }

  URI webUrl() {
    return webUrl;
  }

  int sshPort() {
    return gateway.port();
  }

  List<JsonNode> auditLines() throws IOException {
    List<JsonNode> lines = new ArrayList<>();
    Path f = config.auditFile();
    if (Files.exists(f)) {
      for (String l : Files.readAllLines(f)) {
        if (!l.isBlank()) {
          lines.add(JSON.readTree(l));
        }
      }
    }
    return lines;
  }

  @Override
  public void close() {
    gateway.close();
  }
}
