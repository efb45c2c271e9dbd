package dev.gatehouse.keys.login;

import com.nimbusds.jose.util.JSONObjectUtils;
import dev.gatehouse.keys.oidc.ProviderHttp;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.URI;
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
 * Each exchange, body included, ends within {@link #TIMEOUT}; answers are capped at 256 KiB.
 */
final class GatewayClient {
  static final Duration TIMEOUT = Duration.ofSeconds(15);
  private static final int MAX_BODY = 256 * 1024;

  /** Shared by every client in the process; its threads end when idle. No redirects. */
  private static final ProviderHttp HTTP = new ProviderHttp(TIMEOUT);

  private final URI base;

  GatewayClient(URI gateway) throws LoginFailed {
    this.base = normalize(gateway);
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
    Map<String, Object> doc = send(base.resolve(base.getPath() + "/v1/config"), null, "GET /v1/config");
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
    Map<String, Object> doc = send(base.resolve(base.getPath() + "/v1/certificates"), JSONObjectUtils.toJSONString(body),
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

  private Map<String, Object> send(URI url, String postJsonOrNull, String what) throws LoginFailed {
    ProviderHttp.Answer response;
    try {
      // One deadline for the whole exchange and a capped body (ProviderHttp): a gateway, or
      // anything posing as one, that trickles its answer cannot hold login past TIMEOUT.
      response = ProviderHttp.await(postJsonOrNull == null
          ? HTTP.get(url, MAX_BODY)
          : HTTP.post(url, Map.of("Content-Type", "application/json"), postJsonOrNull, MAX_BODY));
    } catch (InterruptedIOException e) {
      Thread.currentThread().interrupt();
      throw new LoginFailed("interrupted during " + what, e);
    } catch (IOException e) {
      throw new LoginFailed("cannot reach the gateway at " + base + " (" + what + "): " + describe(e), e);
    }
    byte[] bytes = response.body();
    Map<String, Object> doc;
    try {
      doc = JSONObjectUtils.parse(new String(bytes, java.nio.charset.StandardCharsets.UTF_8));
    } catch (ParseException e) {
      throw new LoginFailed(what + " at " + base + " answered HTTP " + response.status() + " without JSON; is this a Gatehouse gateway?");
    }
    if (response.status() != 200) {
      String error = string(doc, "error");
      String message = string(doc, "message");
      throw new LoginFailed("the gateway refused " + what + " (HTTP " + response.status() + ")"
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
