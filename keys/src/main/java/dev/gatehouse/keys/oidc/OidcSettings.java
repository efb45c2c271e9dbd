package dev.gatehouse.keys.oidc;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The {@code oidc.*} keys that token verification needs. Validated on construction; each message
 * names the key.
 *
 * @param issuer {@code oidc.issuer}: compared exactly with the token's {@code iss} and with the
 *     discovery document's {@code issuer}; https, except on a loopback address (127.0.0.0/8, ::1,
 *     localhost); no query or fragment
 * @param clientId {@code oidc.clientId}: must be among the token's audiences
 * @param identityClaim {@code oidc.identityClaim}, default {@code email}
 * @param groupsClaim {@code oidc.groupsClaim}, default {@code groups}; a dotted path such as
 *     {@code realm_access.roles} reaches into nested objects
 * @param maxTokenAge {@code oidc.maxTokenAge}, default 5m: how long after its {@code iat} a token
 *     is still fresh enough to be exchanged
 * @param clockSkew {@code oidc.clockSkew}, default 60s: tolerance on exp, nbf and iat
 */
public record OidcSettings(
    URI issuer, String clientId, String identityClaim, String groupsClaim, Duration maxTokenAge, Duration clockSkew) {

  public static final String DEFAULT_IDENTITY_CLAIM = "email";
  public static final String DEFAULT_GROUPS_CLAIM = "groups";
  public static final Duration DEFAULT_MAX_TOKEN_AGE = Duration.ofMinutes(5);
  public static final Duration DEFAULT_CLOCK_SKEW = Duration.ofSeconds(60);
  static final Duration MAX_MAX_TOKEN_AGE = Duration.ofHours(24);
  static final Duration MAX_CLOCK_SKEW = Duration.ofMinutes(5);

  private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
  private static final Pattern CLAIM_PATH = Pattern.compile("[^.\\s]+(\\.[^.\\s]+)*");

  public OidcSettings {
    requireIssuerUrl("oidc.issuer", issuer);
    if (issuer.getRawQuery() != null || issuer.getRawFragment() != null) {
      throw new IllegalArgumentException("oidc.issuer must not have a query or fragment: " + issuer);
    }
    if (clientId == null || clientId.isBlank()) {
      throw new IllegalArgumentException("oidc.clientId is required");
    }
    identityClaim = claimPath("oidc.identityClaim", identityClaim, DEFAULT_IDENTITY_CLAIM);
    groupsClaim = claimPath("oidc.groupsClaim", groupsClaim, DEFAULT_GROUPS_CLAIM);
    maxTokenAge = maxTokenAge == null ? DEFAULT_MAX_TOKEN_AGE : maxTokenAge;
    if (maxTokenAge.isNegative() || maxTokenAge.isZero() || maxTokenAge.compareTo(MAX_MAX_TOKEN_AGE) > 0) {
      throw new IllegalArgumentException("oidc.maxTokenAge must be positive and at most 24h, not " + maxTokenAge);
    }
    clockSkew = clockSkew == null ? DEFAULT_CLOCK_SKEW : clockSkew;
    if (clockSkew.isNegative() || clockSkew.compareTo(MAX_CLOCK_SKEW) > 0) {
      throw new IllegalArgumentException("oidc.clockSkew must be between 0 and 5m, not " + clockSkew);
    }
  }

  /** Issuer and client id; the other keys take their defaults. */
  public OidcSettings(URI issuer, String clientId) {
    this(issuer, clientId, null, null, null, null);
  }

  /** The issuer without a trailing slash, as discovery appends its path to it. */
  URI discoveryUrl() {
    String base = issuer.toString();
    while (base.endsWith("/")) {
      base = base.substring(0, base.length() - 1);
    }
    return URI.create(base + "/.well-known/openid-configuration");
  }

  /**
   * An absolute http(s) URL that is https unless its host is a loopback address. The host is not
   * resolved: only the literal name {@code localhost} and loopback IP literals count, so
   * {@code localhost.example.com} does not.
   */
  static void requireIssuerUrl(String key, URI url) {
    if (url == null) {
      throw new IllegalArgumentException(key + " is required");
    }
    String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
    if (!url.isAbsolute() || url.getHost() == null || !(scheme.equals("https") || scheme.equals("http"))) {
      throw new IllegalArgumentException(key + " must be an absolute https URL, not " + url);
    }
    if (scheme.equals("http") && !isLoopback(url.getHost())) {
      throw new IllegalArgumentException(
          key + " must use https (plain http only on a loopback address such as 127.0.0.1), not " + url);
    }
  }

  static boolean isLoopback(String host) {
    String h = host.toLowerCase(Locale.ROOT);
    if (h.startsWith("[") && h.endsWith("]")) {
      h = h.substring(1, h.length() - 1);
    }
    if (h.equals("localhost")) {
      return true;
    }
    if (IPV4.matcher(h).matches()) {
      String[] octets = h.split("\\.");
      for (String octet : octets) {
        if (Integer.parseInt(octet) > 255) {
          return false;
        }
      }
      return Integer.parseInt(octets[0]) == 127;
    }
    if (!h.contains(":")) {
      return false; // a DNS name: never resolved here
    }
    try {
      return InetAddress.getByName(h).isLoopbackAddress(); // an IPv6 literal: parsed, never looked up
    } catch (UnknownHostException e) {
      return false;
    }
  }

  private static String claimPath(String key, String value, String defaultValue) {
    if (value == null || value.isBlank()) {
      return defaultValue;
    }
    if (!CLAIM_PATH.matcher(value).matches()) {
      throw new IllegalArgumentException(
          key + " must be a claim name or a dotted path such as realm_access.roles, not '" + value + "'");
    }
    return value;
  }
}
