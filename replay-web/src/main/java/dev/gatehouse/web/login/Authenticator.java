package dev.gatehouse.web.login;

import dev.gatehouse.keys.oidc.AccessTokenVerifier;
import dev.gatehouse.keys.oidc.TokenRejected;
import dev.gatehouse.keys.oidc.VerifiedToken;
import dev.gatehouse.web.WebConfig;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.eclipse.jetty.http.HttpCookie;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;

/**
 * Finds the caller of a request: {@code Authorization: Bearer} (a JWT access token from {@code
 * oidc.issuer} issued to {@code oidc.clientId}) wins over the {@code gh_session} cookie. Roles are
 * computed from the groups and {@code web.roles} on every request; the operator's session (a
 * one-time link, {@link LoginLinks}) holds every role. Without {@code oidc} there is no bearer token
 * to check: an {@code Authorization} header is refused.
 */
public final class Authenticator {
  public static final String SESSION_COOKIE = "gh_session";
  public static final String LOGIN_COOKIE = "gh_login";
  public static final String CSRF_HEADER = "X-CSRF-Token";

  private final Supplier<WebConfig> config;
  private final WebSessions sessions;
  private final AccessTokenVerifier accessTokens;

  public Authenticator(Supplier<WebConfig> config, WebSessions sessions, AccessTokenVerifier accessTokens) {
    this.config = config;
    this.sessions = sessions;
    this.accessTokens = accessTokens;
  }

  /**
   * The caller, or null when the request carries no credentials (or a session that ended).
   *
   * @throws LoginRefused for a bearer token that does not verify (its reason slug)
   */
  public Caller caller(Request request) throws LoginRefused {
    String authorization = request.getHeaders().get(HttpHeader.AUTHORIZATION);
    if (authorization != null && accessTokens == null) {
      throw new LoginRefused("unsupported-authorization", "this gateway has no oidc: bearer tokens cannot be checked");
    }
    if (authorization != null) {
      if (!authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
        throw new LoginRefused("unsupported-authorization", "only Bearer tokens are accepted");
      }
      VerifiedToken t;
      try {
        t = accessTokens.verify(authorization.substring(7).strip());
      } catch (TokenRejected e) {
        throw new LoginRefused(e.reason(), e.getMessage());
      }
      return new Caller(t.identity(), t.groups(), roles(t.groups()), null, true);
    }
    return sessionCaller(sessions.find(cookie(request, SESSION_COOKIE)));
  }

  /**
   * The caller of a live browser session, or null. An operator's session (one-time link) ends
   * once {@code web.localLogin} is off (a reload): it holds every role, so it must not outlive
   * the setting that allowed it.
   */
  public Caller sessionCaller(WebSession s) {
    if (s == null) {
      return null;
    }
    if (s.operator()) {
      if (!config.get().localLogin()) {
        sessions.remove(s.id());
        return null;
      }
      return new Caller(s.identity(), s.groups(), Set.of(WebConfig.AUDITOR, WebConfig.APPROVER), s.csrf(), false, true);
    }
    return new Caller(s.identity(), s.groups(), roles(s.groups()), s.csrf(), false);
  }

  /** Bearer callers need no CSRF token; cookie callers must send theirs in {@value #CSRF_HEADER}. */
  public static boolean csrfOk(Caller caller, Request request) {
    if (caller.bearer()) {
      return true;
    }
    String sent = request.getHeaders().get(CSRF_HEADER);
    return sent != null && MessageDigest.isEqual(sent.getBytes(StandardCharsets.UTF_8),
        caller.csrf().getBytes(StandardCharsets.UTF_8));
  }

  public Set<String> roles(List<String> groups) {
    Set<String> roles = new LinkedHashSet<>();
    for (Map.Entry<String, List<String>> e : config.get().roles().entrySet()) {
      if (e.getValue().stream().anyMatch(groups::contains)) {
        roles.add(e.getKey());
      }
    }
    return roles;
  }

  public static String cookie(Request request, String name) {
    for (HttpCookie c : Request.getCookies(request)) {
      if (c.getName().equals(name)) {
        return c.getValue();
      }
    }
    return null;
  }
}
