package dev.gatehouse.web;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What the web side needs from the gateway's configuration.
 *
 * @param publicUrl what browsers and the identity provider see (no trailing slash); the login
 *     redirect is {@code publicUrl + /auth/callback}
 * @param secureCookies cookies get {@code Secure} (TLS on the listener, or an https publicUrl)
 * @param issuer the OIDC provider of the browser login; null without {@code oidc} (then {@code
 *     clientId} is null too and only the one-time operator link logs in)
 * @param clientSecret null for a public client (PKCE only)
 * @param roles web role ({@code auditor}, {@code approver}) to the groups that hold it
 * @param sessionIdle a browser session ends after this long without a request
 * @param sessionMax and after this long in any case
 * @param localLogin {@code web.localLogin}: one-time operator links ({@code /auth/local}) log in
 */
public record WebConfig(
    URI publicUrl, boolean secureCookies, URI issuer, String clientId, String clientSecret, List<String> scopes,
    Map<String, List<String>> roles, Duration sessionIdle, Duration sessionMax, boolean localLogin) {
  public static final String AUDITOR = "auditor";
  public static final String APPROVER = "approver";
  public static final Duration DEFAULT_SESSION_IDLE = Duration.ofMinutes(30);
  public static final Duration DEFAULT_SESSION_MAX = Duration.ofHours(12);

  public WebConfig {
    Objects.requireNonNull(publicUrl, "publicUrl");
    if ((issuer == null) != (clientId == null)) {
      throw new IllegalArgumentException("issuer and clientId: both or neither");
    }
    String u = publicUrl.toString();
    while (u.endsWith("/")) {
      u = u.substring(0, u.length() - 1);
    }
    publicUrl = URI.create(u);
    scopes = scopes == null || scopes.isEmpty() ? List.of("openid", "email", "profile") : List.copyOf(scopes);
    roles = roles == null ? Map.of() : Map.copyOf(roles);
    sessionIdle = sessionIdle == null ? DEFAULT_SESSION_IDLE : sessionIdle;
    sessionMax = sessionMax == null ? DEFAULT_SESSION_MAX : sessionMax;
  }

  /** Whether the OIDC browser login (and bearer tokens) are configured. */
  public boolean oidc() {
    return issuer != null;
  }

  /** {@code scheme://host[:port]} of the public URL, what a browser sends as Origin. */
  public String origin() {
    return publicUrl.getScheme() + "://" + publicUrl.getRawAuthority();
  }
}
