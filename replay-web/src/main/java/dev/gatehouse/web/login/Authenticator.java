package dev.gatehouse.web.login;

import dev.gatehouse.keys.oidc.AccessTokenVerifier;
import dev.gatehouse.keys.oidc.TokenRejected;
import dev.gatehouse.keys.oidc.VerifiedToken;
import dev.gatehouse.web.WebConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
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
 *
 * <p>Every request also asks the gateway's revocations: a {@code ca revoke --identity} ends that
 * identity's browser sessions started until then and refuses its access tokens issued until then,
 * from the next request on (the session is dropped; refusal slug {@code revoked}).
 */
public final class Authenticator {
  public static final String SESSION_COOKIE = "gh_session";
  public static final String LOGIN_COOKIE = "gh_login";
  public static final String CSRF_HEADER = "X-CSRF-Token";
  public static final String REVOKED = "revoked";
  public static final String REVOCATION_CHECK_FAILED = "revocation-check-failed";

  private final Supplier<WebConfig> config;
  private final WebSessions sessions;
  private final AccessTokenVerifier accessTokens;
  private final Revocations revocations;
  private final Clock clock;

  public Authenticator(Supplier<WebConfig> config, WebSessions sessions, AccessTokenVerifier accessTokens,
      Revocations revocations, Clock clock) {
    this.config = config;
    this.sessions = sessions;
    this.accessTokens = accessTokens;
    this.revocations = revocations;
    this.clock = clock;
  }

  /**
   * The caller, or null when the request carries no credentials (or a session that ended).
   *
   * @throws LoginRefused for a bearer token that does not verify (its reason slug), a revoked
   *     session or token ({@value #REVOKED}), two different session cookies ({@code ambiguous-cookie})
   */
  public Caller caller(Request request) throws LoginRefused {
    List<String> authorization = request.getHeaders().getValuesList(HttpHeader.AUTHORIZATION);
    if (!authorization.isEmpty()) {
      if (authorization.size() > 1) {
        throw new LoginRefused("unsupported-authorization", "more than one Authorization header");
      }
      if (accessTokens == null) {
        throw new LoginRefused("unsupported-authorization", "this gateway has no oidc: bearer tokens cannot be checked");
      }
      String value = authorization.get(0);
      if (!value.regionMatches(true, 0, "Bearer ", 0, 7)) {
        throw new LoginRefused("unsupported-authorization", "only Bearer tokens are accepted");
      }
      VerifiedToken t;
      try {
        t = accessTokens.verify(value.substring(7).strip());
      } catch (TokenRejected e) {
        throw new LoginRefused(e.reason(), e.getMessage());
      }
      checkNotRevoked(t.identity(), t.issuedAt());
      return new Caller(t.identity(), t.groups(), roles(t.groups()), null, true, null, t.issuedAt(), t.expiresAt(), false);
    }
    return browser(request);
  }

  /** The browser session of the request (the cookie only), or null; refusals as {@link #caller}. */
  public Caller browser(Request request) throws LoginRefused {
    if (ambiguous(request, SESSION_COOKIE)) {
      throw new LoginRefused("ambiguous-cookie",
          "the request carries more than one " + SESSION_COOKIE + " cookie; clear this site's cookies and log in again");
    }
    return sessionCaller(sessions.find(cookie(request, SESSION_COOKIE)));
  }

  /**
   * The caller of a live browser session, or null. An operator's session (one-time link) ends
   * once {@code web.localLogin} is off (a reload): it holds every role, so it must not outlive
   * the setting that allowed it.
   */
  private Caller sessionCaller(WebSession s) throws LoginRefused {
    if (s == null) {
      return null;
    }
    try {
      checkNotRevoked(s.identity(), s.created());
    } catch (LoginRefused e) {
      sessions.remove(s.id());
      throw e;
    }
    if (s.operator()) {
      if (!config.get().localLogin()) {
        sessions.remove(s.id());
        return null;
      }
      return new Caller(s.identity(), s.groups(), Set.of(WebConfig.AUDITOR, WebConfig.APPROVER), s.csrf(), false,
          s.id(), s.created(), null, true);
    }
    return new Caller(s.identity(), s.groups(), roles(s.groups()), s.csrf(), false, s.id(), s.created(), null, false);
  }

  /**
   * After a reload: when {@code web.localLogin} is now off, every operator session ends at once
   * (they hold every role and must not outlive the setting, not even until a browser's next
   * request: a reload off and on again must not bring them back). Live views of an operator see it
   * at their next access check ({@link #stillValid}). Returns how many ended.
   */
  public int configChanged() {
    return config.get().localLogin() ? 0 : sessions.removeIf(WebSession::operator);
  }

  /**
   * Refuses a credential of {@code identity} from {@code since} that a revocation covers (and,
   * failing closed, when the revocations cannot be read).
   */
  public void checkNotRevoked(String identity, Instant since) throws LoginRefused {
    boolean revoked;
    try {
      revoked = revocations.revoked(identity, since);
    } catch (IOException e) {
      throw new LoginRefused(REVOCATION_CHECK_FAILED, "the revocations cannot be read: " + e.getMessage(), identity);
    }
    if (revoked) {
      throw new LoginRefused(REVOKED, "access of " + identity + " was revoked; log in again", identity);
    }
  }

  /**
   * Whether the credential a caller was admitted with still holds: its browser session lives (not
   * logged out, idle or past its maximum), its token has not expired, its identity is not revoked.
   * For what outlasts its request (a live view).
   */
  public boolean stillValid(Caller caller) {
    if (caller.operator() && !config.get().localLogin()) {
      return false; // the setting that let the operator in is off
    }
    if (caller.bearer()) {
      if (!clock.instant().isBefore(caller.until())) {
        return false;
      }
    } else if (sessions.find(caller.sessionId()) == null) {
      return false;
    }
    try {
      checkNotRevoked(caller.identity(), caller.since());
      return true;
    } catch (LoginRefused e) {
      // The session itself is dropped by the browser's next request, which also audits why.
      return false;
    }
  }

  /** Bearer callers need no CSRF token; cookie callers must send theirs in {@value #CSRF_HEADER}. */
  public static boolean csrfOk(Caller caller, Request request) {
    if (caller.bearer()) {
      return true;
    }
    List<String> sent = request.getHeaders().getValuesList(CSRF_HEADER);
    return sent.size() == 1 && MessageDigest.isEqual(sent.get(0).getBytes(StandardCharsets.UTF_8),
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

  /**
   * The value of cookie {@code name}; null when absent, or when the request carries it twice with
   * different values (a cookie planted for a narrower path or a sibling domain comes first, so
   * "the first one" could be someone else's).
   */
  public static String cookie(Request request, String name) {
    String found = null;
    for (HttpCookie c : Request.getCookies(request)) {
      if (c.getName().equals(name)) {
        if (found != null && !found.equals(c.getValue())) {
          return null;
        }
        found = c.getValue();
      }
    }
    return found;
  }

  private static boolean ambiguous(Request request, String name) {
    return cookie(request, name) == null
        && Request.getCookies(request).stream().anyMatch(c -> c.getName().equals(name));
  }
}
