package dev.gatehouse.keys.login;

import com.nimbusds.jose.util.JSONObjectUtils;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The gateway's issuance endpoints as the login client calls them: {@code GET /v1/config} and
 * {@code POST /v1/certificates}. The ID token goes only to an https URL, or plain http on loopback.
 */
final class GatewayClient {
  static final Duration TIMEOUT = Duration.ofSeconds(15);
  private static final int MAX_BODY = 256 * 1024;

  private final URI base;
  private final HttpClient http;

  GatewayClient(URI gateway) throws LoginFailed {
    this.base = normalize(gateway);
    this.http = HttpClient.newBuilder().connectTimeout(TIMEOUT).followRedirects(HttpClient.Redirect.NEVER).build();
  }

  URI base() {
    return base;
  }

  static URI normalize(URI gateway) throws LoginFailed {
    String scheme = gateway.getScheme() == null ? "" : gateway.getScheme().toLowerCase(java.util.Locale.ROOT);
    if (!gateway.isAbsolute() || gateway.getHost() == null || !(scheme.equals("https") || scheme.equals("http"))) {
      throw new LoginFailed("--gateway must be an https URL such as https://bastion.example.com, not " + gateway);
    }
    if (scheme.equals("http") && !Loopback.isLoopback(gateway.getHost())) {
      throw new LoginFailed("--gateway " + gateway + " is plain http; the ID token goes only to https (or a loopback address)");
    }
    String s = gateway.toString();
    while (s.endsWith("/")) {
      s = s.substring(0, s.length() - 1);
    }
    return URI.create(s);
  }

  /** What {@code GET /v1/config} answered. */
  record GatewayConfig(
      URI issuer, String clientId, List<String> scopes, String sshHost, int sshPort, String knownHosts) {}

  /** What {@code POST /v1/certificates} answered. */
  record Grant(String certificate, String identity, List<String> groups, Instant validBefore, String serial) {}

  GatewayConfig config() throws LoginFailed {
    Map<String, Object> doc = send(HttpRequest.newBuilder(base.resolve(base.getPath() + "/v1/config")).GET(), "GET /v1/config");
    String issuer = string(doc, "issuer");
    String clientId = string(doc, "clientId");
    if (issuer == null || clientId == null) {
      throw new LoginFailed("the gateway " + base + " has no OIDC login configured (no issuer or clientId in /v1/config)");
    }
    String sshHost = string(doc, "sshHost");
    Object port = doc.get("sshPort");
    String knownHosts = string(doc, "knownHosts");
    if (sshHost == null || !(port instanceof Number n) || n.intValue() <= 0 || n.intValue() > 65535 || knownHosts == null) {
      throw new LoginFailed("the gateway's /v1/config lacks sshHost, a valid sshPort or knownHosts");
    }
    if (!sshHost.matches("[A-Za-z0-9.:\\[\\]_-]+") || knownHosts.contains("\n")) {
      throw new LoginFailed("the gateway's /v1/config names an unusable sshHost or knownHosts line");
    }
    URI issuerUri;
    try {
      issuerUri = new URI(issuer);
    } catch (java.net.URISyntaxException e) {
      throw new LoginFailed("the gateway's issuer is not a URL: " + issuer);
    }
    return new GatewayConfig(issuerUri, clientId, strings(doc.get("scopes")), sshHost, n.intValue(), knownHosts);
  }

  Grant certificate(String idToken, String publicKeyLine) throws LoginFailed {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("idToken", idToken);
    body.put("publicKey", publicKeyLine);
    Map<String, Object> doc = send(
        HttpRequest.newBuilder(base.resolve(base.getPath() + "/v1/certificates"))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(JSONObjectUtils.toJSONString(body))),
        "POST /v1/certificates");
    String certificate = string(doc, "certificate");
    String identity = string(doc, "identity");
    String validBefore = string(doc, "validBefore");
    if (certificate == null || identity == null || validBefore == null) {
      throw new LoginFailed("the gateway answered without a certificate");
    }
    try {
      return new Grant(certificate, identity, strings(doc.get("groups")), Instant.parse(validBefore), string(doc, "serial"));
    } catch (DateTimeParseException e) {
      throw new LoginFailed("the gateway answered an unreadable validBefore: " + validBefore);
    }
  }

  private Map<String, Object> send(HttpRequest.Builder request, String what) throws LoginFailed {
    HttpResponse<java.io.InputStream> response;
    byte[] bytes;
    try {
      response = http.send(request.timeout(TIMEOUT).header("Accept", "application/json").build(),
          HttpResponse.BodyHandlers.ofInputStream());
      // Bounded before it is read: never more than MAX_BODY + 1 bytes in memory.
      try (java.io.InputStream in = response.body()) {
        bytes = in.readNBytes(MAX_BODY + 1);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LoginFailed("interrupted during " + what, new InterruptedIOException());
    } catch (IOException e) {
      throw new LoginFailed("cannot reach the gateway at " + base + " (" + what + "): " + describe(e), e);
    }
    if (bytes.length > MAX_BODY) {
      throw new LoginFailed(what + " answered more than " + MAX_BODY + " bytes");
    }
    Map<String, Object> doc;
    try {
      doc = JSONObjectUtils.parse(new String(bytes, java.nio.charset.StandardCharsets.UTF_8));
    } catch (ParseException e) {
      throw new LoginFailed(what + " at " + base + " answered HTTP " + response.statusCode() + " without JSON; is this a Gatehouse gateway?");
    }
    if (response.statusCode() != 200) {
      String error = string(doc, "error");
      String message = string(doc, "message");
      throw new LoginFailed("the gateway refused " + what + " (HTTP " + response.statusCode() + ")"
          + (error == null ? "" : ": " + error) + (message == null ? "" : ": " + message));
    }
    return doc;
  }

  private static String string(Map<String, Object> doc, String key) {
    return doc.get(key) instanceof String s && !s.isBlank() ? s : null;
  }

  private static List<String> strings(Object value) {
    List<String> out = new ArrayList<>();
    if (value instanceof List<?> list) {
      for (Object o : list) {
        if (o instanceof String s) {
          out.add(s);
        }
      }
    }
    return List.copyOf(out);
  }

  static String describe(Exception e) {
    return e.getMessage() == null || e.getMessage().isBlank() ? e.getClass().getSimpleName() : e.getMessage();
  }
}
