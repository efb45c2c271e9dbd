package dev.gatehouse.keys.oidc;

import com.nimbusds.jose.util.JSONObjectUtils;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.regex.Pattern;

/**
 * The OAuth 2.0 device authorization grant (RFC 8628) as a public client: ask the identity
 * provider for a user code, show it, then poll until the person approved it in a browser
 * elsewhere. Used by the gateway for people without the CLI (keyboard-interactive login) and by
 * {@code gatehouse login --device}.
 *
 * <p>Every call goes through {@link ProviderHttp} (one deadline for the whole exchange, answers
 * capped, no redirects); the asynchronous forms hold no thread while the provider thinks. What
 * the person is shown (user code, URLs) must be printable ASCII, so a provider's answer cannot
 * write escape sequences to a terminal.
 */
public final class DeviceGrant {
  private static final Duration HTTP_TIMEOUT = ProviderHttp.DEFAULT_DEADLINE;
  private static final int MAX_BODY = 64 * 1024;
  /** A poll interval beyond this is treated as this: the login window is minutes long. */
  static final long MAX_INTERVAL_S = 60;
  private static final Pattern USER_CODE = Pattern.compile("[\\x21-\\x7e]{1,64}");
  private static final Pattern PRINTABLE = Pattern.compile("[\\x21-\\x7e]+");

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
  private final ProviderHttp http;
  private final Clock clock;

  /** With its own {@link ProviderHttp} (the CLI). */
  public DeviceGrant(ProviderMetadata provider, String clientId, Clock clock) {
    this(provider, clientId, clock, new ProviderHttp(HTTP_TIMEOUT));
  }

  /** On a shared {@link ProviderHttp}: its deadline bounds every call (the gateway). */
  public DeviceGrant(ProviderMetadata provider, String clientId, Clock clock, ProviderHttp http) {
    if (provider.deviceAuthorizationEndpoint() == null) {
      throw new IllegalArgumentException(
          "the identity provider " + provider.issuer() + " announces no device_authorization_endpoint");
    }
    this.provider = provider;
    this.clientId = clientId;
    this.clock = clock;
    this.http = http;
  }

  /** Asks for a user code; blocks at most the HTTP deadline. */
  public Pending start(List<String> scopes) throws IOException {
    return ProviderHttp.await(startAsync(scopes));
  }

  /**
   * Asks for a user code without waiting: the future fails with a {@link
   * java.util.concurrent.CompletionException} carrying an IOException.
   */
  public CompletableFuture<Pending> startAsync(List<String> scopes) {
    // PKCE on the device grant too: Keycloak requires it when the client is set to S256, and
    // providers that do not use it ignore the parameters.
    String verifier = codeVerifier();
    return http.postForm(provider.deviceAuthorizationEndpoint(),
            "client_id=" + enc(clientId) + "&scope=" + enc(String.join(" ", scopes))
                + "&code_challenge=" + enc(challenge(verifier)) + "&code_challenge_method=S256", MAX_BODY)
        .thenApply(answer -> unchecked(() -> pending(json(provider.deviceAuthorizationEndpoint(), answer), verifier)));
  }

  private Pending pending(Map<String, Object> json, String verifier) throws IOException {
    if (json.containsKey("error")) {
      throw new IOException("device authorization refused: " + shown(json.get("error"))
          + (json.get("error_description") == null ? "" : " (" + shown(json.get("error_description")) + ")"));
    }
    String deviceCode = str(json, "device_code");
    String userCode = str(json, "user_code");
    String uri = str(json, "verification_uri");
    if (deviceCode == null || userCode == null || uri == null) {
      throw new IOException("device authorization answer lacks device_code, user_code or verification_uri");
    }
    // Shown on the person's terminal: plain printable text only, never escape sequences.
    if (!USER_CODE.matcher(userCode).matches()) {
      throw new IOException("device authorization answer has an unusable user_code");
    }
    String complete = str(json, "verification_uri_complete");
    long interval = num(json, "interval", 5);
    long expires = num(json, "expires_in", 600);
    if (expires <= 0) {
      throw new IOException("device authorization answer has expires_in " + expires);
    }
    return new Pending(deviceCode, userCode, shownUri(uri, "verification_uri"),
        complete == null ? null : shownUri(complete, "verification_uri_complete"),
        Duration.ofSeconds(Math.min(Math.max(1, interval), MAX_INTERVAL_S)), clock.instant().plusSeconds(expires),
        verifier);
  }

  /** One poll of the token endpoint; blocks at most the HTTP deadline. */
  public Poll poll(Pending p, Duration currentInterval) throws IOException {
    return ProviderHttp.await(pollAsync(p, currentInterval));
  }

  /** One poll without waiting; an IOException (in a CompletionException) means the call itself failed. */
  public CompletableFuture<Poll> pollAsync(Pending p, Duration currentInterval) {
    if (!clock.instant().isBefore(p.expiresAt())) {
      return CompletableFuture.completedFuture(new Failed("expired_token", "the login code expired"));
    }
    return http.postForm(provider.tokenEndpoint(),
            "grant_type=" + enc("urn:ietf:params:oauth:grant-type:device_code")
                + "&device_code=" + enc(p.deviceCode()) + "&client_id=" + enc(clientId)
                + "&code_verifier=" + enc(p.codeVerifier()), MAX_BODY)
        .thenApply(answer -> unchecked(() -> answer(json(provider.tokenEndpoint(), answer), currentInterval)));
  }

  private static Poll answer(Map<String, Object> json, Duration currentInterval) {
    Object error = json.get("error");
    if (error == null) {
      String idToken = str(json, "id_token");
      return idToken == null
          ? new Failed("no_id_token", "the identity provider returned no ID token (is the 'openid' scope granted?)")
          : new Approved(idToken);
    }
    return switch (error.toString()) {
      case "authorization_pending" -> new Waiting(currentInterval);
      // RFC 8628 3.5: slow_down adds 5 seconds to this and every later interval.
      case "slow_down" -> new Waiting(currentInterval.plusSeconds(5).compareTo(Duration.ofSeconds(MAX_INTERVAL_S)) > 0
          ? Duration.ofSeconds(MAX_INTERVAL_S) : currentInterval.plusSeconds(5));
      case "access_denied" -> new Failed("access_denied", "the login was denied at the identity provider");
      case "expired_token" -> new Failed("expired_token", "the login code expired");
      default -> new Failed(slug(error.toString()), "the identity provider answered " + shown(error));
    };
  }

  private static Map<String, Object> json(URI url, ProviderHttp.Answer answer) throws IOException {
    try {
      return JSONObjectUtils.parse(answer.text());
    } catch (java.text.ParseException e) {
      throw new IOException(url + " answered HTTP " + answer.status() + " without JSON", e);
    }
  }

  private interface IoSupplier<T> {
    T get() throws IOException;
  }

  private static <T> T unchecked(IoSupplier<T> s) {
    try {
      return s.get();
    } catch (IOException e) {
      throw new CompletionException(e);
    }
  }

  /** A URL the person will open: absolute http(s), printable ASCII, of a sane length. */
  private static URI shownUri(String text, String field) throws IOException {
    if (text.length() > 2048 || !PRINTABLE.matcher(text).matches()) {
      throw new IOException("device authorization answer has an unusable " + field);
    }
    try {
      URI u = new URI(text);
      if (!u.isAbsolute() || !("https".equals(u.getScheme()) || "http".equals(u.getScheme())) || u.getHost() == null) {
        throw new IOException("device authorization answer's " + field + " is not an http(s) URL");
      }
      return u;
    } catch (java.net.URISyntaxException e) {
      throw new IOException("device authorization answer's " + field + " is not a URL", e);
    }
  }

  /** Provider text for a message: printable, at most 100 characters. */
  private static String shown(Object value) {
    String s = String.valueOf(value).replaceAll("[^\\x20-\\x7e]", "?");
    return s.length() > 100 ? s.substring(0, 100) + "..." : s;
  }

  private static String slug(String error) {
    String s = error.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9]+", "_");
    return s.length() > 40 ? s.substring(0, 40) : s;
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
