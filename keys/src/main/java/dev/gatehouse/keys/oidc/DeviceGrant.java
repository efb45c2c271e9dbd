package dev.gatehouse.keys.oidc;

import com.nimbusds.jose.util.JSONObjectUtils;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The OAuth 2.0 device authorization grant (RFC 8628) as a public client: ask the identity
 * provider for a user code, show it, then poll until the person approved it in a browser
 * elsewhere. Used by the gateway for people without the CLI (keyboard-interactive login) and by
 * {@code gatehouse login --device}.
 */
public final class DeviceGrant {
  private static final Duration HTTP_TIMEOUT = Duration.ofSeconds(10);
  private static final int MAX_BODY = 64 * 1024;

  /** What the person must do, and what the poller needs. Never log {@code deviceCode}. */
  public record Pending(
      String deviceCode, String userCode, URI verificationUri, URI verificationUriComplete, Duration interval,
      Instant expiresAt, String codeVerifier) {
    @Override
    public String toString() {
      return "Pending[userCode=" + userCode + ", verificationUri=" + verificationUri + ", expiresAt=" + expiresAt + "]";
    }
  }

  /** One poll's answer. */
  public sealed interface Poll permits Approved, Waiting, Failed {}

  /** The person approved: here is the ID token (verify it before trusting anything in it). */
  public record Approved(String idToken) implements Poll {
    @Override
    public String toString() {
      return "Approved[idToken=<redacted>]";
    }
  }

  /** Not yet; poll again after {@code interval} (grown on slow_down). */
  public record Waiting(Duration interval) implements Poll {}

  /** access_denied, expired_token or another error: stop. */
  public record Failed(String reason, String message) implements Poll {}

  private final ProviderMetadata provider;
  private final String clientId;
  private final HttpClient http;
  private final Clock clock;

  public DeviceGrant(ProviderMetadata provider, String clientId, Clock clock) {
    if (provider.deviceAuthorizationEndpoint() == null) {
      throw new IllegalArgumentException(
          "the identity provider " + provider.issuer() + " announces no device_authorization_endpoint");
    }
    this.provider = provider;
    this.clientId = clientId;
    this.clock = clock;
    this.http = HttpClient.newBuilder().connectTimeout(HTTP_TIMEOUT).followRedirects(HttpClient.Redirect.NEVER).build();
  }

  public Pending start(List<String> scopes) throws IOException {
    // PKCE on the device grant too: Keycloak requires it when the client is set to S256, and
    // providers that do not use it ignore the parameters.
    String verifier = codeVerifier();
    Map<String, Object> json = post(provider.deviceAuthorizationEndpoint(),
        "client_id=" + enc(clientId) + "&scope=" + enc(String.join(" ", scopes))
            + "&code_challenge=" + enc(challenge(verifier)) + "&code_challenge_method=S256");
    if (json.containsKey("error")) {
      throw new IOException("device authorization refused: " + json.get("error")
          + (json.get("error_description") == null ? "" : " (" + json.get("error_description") + ")"));
    }
    String deviceCode = str(json, "device_code");
    String userCode = str(json, "user_code");
    String uri = str(json, "verification_uri");
    if (deviceCode == null || userCode == null || uri == null) {
      throw new IOException("device authorization answer lacks device_code, user_code or verification_uri");
    }
    String complete = str(json, "verification_uri_complete");
    long interval = num(json, "interval", 5);
    long expires = num(json, "expires_in", 600);
    return new Pending(deviceCode, userCode, URI.create(uri), complete == null ? null : URI.create(complete),
        Duration.ofSeconds(Math.max(1, interval)), clock.instant().plusSeconds(expires), verifier);
  }

  public Poll poll(Pending p, Duration currentInterval) throws IOException {
    if (!clock.instant().isBefore(p.expiresAt())) {
      return new Failed("expired_token", "the login code expired");
    }
    Map<String, Object> json = post(provider.tokenEndpoint(),
        "grant_type=" + enc("urn:ietf:params:oauth:grant-type:device_code")
            + "&device_code=" + enc(p.deviceCode()) + "&client_id=" + enc(clientId)
            + "&code_verifier=" + enc(p.codeVerifier()));
    Object error = json.get("error");
    if (error == null) {
      String idToken = str(json, "id_token");
      return idToken == null
          ? new Failed("no_id_token", "the identity provider returned no ID token (is the 'openid' scope granted?)")
          : new Approved(idToken);
    }
    return switch (error.toString()) {
      case "authorization_pending" -> new Waiting(currentInterval);
      case "slow_down" -> new Waiting(currentInterval.plusSeconds(5));
      case "access_denied" -> new Failed("access_denied", "the login was denied at the identity provider");
      case "expired_token" -> new Failed("expired_token", "the login code expired");
      default -> new Failed(error.toString(), "the identity provider answered " + error);
    };
  }

  private Map<String, Object> post(URI url, String form) throws IOException {
    HttpRequest req = HttpRequest.newBuilder(url).timeout(HTTP_TIMEOUT)
        .header("Content-Type", "application/x-www-form-urlencoded").header("Accept", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(form)).build();
    HttpResponse<java.io.InputStream> resp;
    byte[] body;
    try {
      resp = http.send(req, HttpResponse.BodyHandlers.ofInputStream());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while calling " + url);
    }
    // Bounded before it is read: never more than MAX_BODY + 1 bytes in memory.
    try (java.io.InputStream in = resp.body()) {
      body = in.readNBytes(MAX_BODY + 1);
    }
    if (body.length > MAX_BODY) {
      throw new IOException(url + " answered more than " + MAX_BODY + " bytes");
    }
    try {
      return JSONObjectUtils.parse(new String(body, StandardCharsets.UTF_8));
    } catch (java.text.ParseException e) {
      throw new IOException(url + " answered HTTP " + resp.statusCode() + " without JSON", e);
    }
  }

  private static String codeVerifier() {
    byte[] b = new byte[32];
    new java.security.SecureRandom().nextBytes(b);
    return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }

  private static String challenge(String verifier) {
    try {
      byte[] d = java.security.MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
      return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(d);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 missing", e);
    }
  }

  private static String str(Map<String, Object> m, String k) {
    Object v = m.get(k);
    return v == null ? null : v.toString();
  }

  private static long num(Map<String, Object> m, String k, long dflt) {
    Object v = m.get(k);
    return v instanceof Number n ? n.longValue() : dflt;
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
