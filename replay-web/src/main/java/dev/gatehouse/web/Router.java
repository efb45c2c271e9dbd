package dev.gatehouse.web;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gatehouse.recorder.AuditCode;
import dev.gatehouse.recorder.SessionRecord;
import dev.gatehouse.recorder.SessionState;
import dev.gatehouse.recorder.approval.ApprovalState;
import dev.gatehouse.web.login.Authenticator;
import dev.gatehouse.web.login.Caller;
import dev.gatehouse.web.login.LoginRefused;
import dev.gatehouse.web.login.OidcLogin;
import dev.gatehouse.web.login.WebSession;
import dev.gatehouse.web.login.WebSessions;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.EnumSet;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.jetty.http.HttpCookie;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.websocket.server.ServerWebSocketContainer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every path of the web side, and the rules every request passes: who the caller is (bearer token
 * or browser session), CSRF on every state change by a browser, then the endpoint's own visibility
 * rule. Paths it does not know are left to the next handler (certificate issuance, /healthz).
 */
final class Router extends Handler.Abstract {
  private static final Logger LOG = LoggerFactory.getLogger(Router.class);
  private static final Pattern SESSION = Pattern.compile("/api/sessions/([^/]+)(/recording|/live|/terminate)?");
  private static final Pattern APPROVAL = Pattern.compile("/api/approvals/([^/]+)/(approve|deny)");
  static final String LIVE_PROTOCOL = "v2.asciicast";
  private static final Pattern SESSION_PAGE = Pattern.compile("/sessions/[^/]+");

  private final ReplayWebContext ctx;
  private final Metrics metrics;
  private final WebSessions webSessions;
  private final Authenticator auth;
  private final OidcLogin login;
  private final LocalLoginEndpoint localLogin;
  private final SessionsApi sessions;
  private final ApprovalsApi approvals;
  private final ScheduledExecutorService scheduler;

  Router(ReplayWebContext ctx, Metrics metrics, ScheduledExecutorService scheduler, Clock clock) {
    this.ctx = ctx;
    this.metrics = metrics;
    this.scheduler = scheduler;
    this.webSessions = new WebSessions(() -> ctx.config().sessionIdle(), () -> ctx.config().sessionMax(), clock);
    this.auth = new Authenticator(ctx::config, webSessions, ctx.accessTokens(), ctx::revoked, clock);
    this.login = new OidcLogin(ctx::config, ctx.idTokens(), clock);
    this.localLogin = new LocalLoginEndpoint(ctx, webSessions,
        id -> cookie(Authenticator.SESSION_COOKIE, id, "/", ctx.config().sessionMax().toSeconds()));
    this.sessions = new SessionsApi(ctx);
    this.approvals = new ApprovalsApi(ctx);
  }

  /** See {@link Authenticator#configChanged}. */
  int configChanged() {
    return auth.configChanged();
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) throws Exception {
    String path = Request.getPathInContext(request);
    String method = request.getMethod();
    try {
      if (path.startsWith("/api/") || path.equals("/api")) {
        return api(path, method, request, response, callback);
      }
      if (path.startsWith("/auth/")) {
        return authPath(path, method, request, response, callback);
      }
      if (path.equals("/metrics") && HttpMethod.GET.is(method)) {
        return metrics(response, callback);
      }
      if (path.startsWith("/assets/") && (HttpMethod.GET.is(method) || HttpMethod.HEAD.is(method))) {
        return Pages.asset(path.substring("/assets/".length()), response, callback);
      }
      String page = page(path);
      if (page != null && (HttpMethod.GET.is(method) || HttpMethod.HEAD.is(method))) {
        Caller caller = pageCaller(request);
        if (caller == null) {
          String query = request.getHttpURI().getQuery();
          String back = path + (query == null ? "" : "?" + query);
          return Replies.redirect(response, callback,
              "/auth/login?return=" + URLEncoder.encode(back, StandardCharsets.UTF_8));
        }
        return Pages.page(page, response, callback);
      }
      return false;
    } catch (IOException e) {
      LOG.error("{} {}: {}", method, path, e.toString());
      return Replies.error(response, callback, 500, "internal-error", "the server could not answer; see its log");
    }
  }

  private static String page(String path) {
    if (path.equals("/") || path.equals("/index.html")) {
      return "index.html";
    }
    if (path.equals("/approvals")) {
      return "approvals.html";
    }
    if (SESSION_PAGE.matcher(path).matches()) {
      return "session.html";
    }
    return null;
  }

  /** Pages only need a browser session; a bad or revoked one (audited) simply means logging in again. */
  private Caller pageCaller(Request request) {
    try {
      return auth.browser(request);
    } catch (LoginRefused e) {
      authFailed(request, e.slug(), e.identity(), "cookie");
      return null;
    }
  }

  // ---- /api ------------------------------------------------------------------------------

  private boolean api(String path, String method, Request request, Response response, Callback callback)
      throws IOException {
    Caller caller;
    try {
      caller = auth.caller(request);
    } catch (LoginRefused e) {
      boolean bearer = request.getHeaders().contains(HttpHeader.AUTHORIZATION);
      authFailed(request, e.slug(), e.identity(), bearer ? "bearer" : "cookie");
      if (e.slug().equals(Authenticator.REVOCATION_CHECK_FAILED)) {
        return Replies.error(response, callback, 503, e.slug(), "the revocations cannot be read; try again later");
      }
      if (bearer) {
        response.getHeaders().put(HttpHeader.WWW_AUTHENTICATE, "Bearer error=\"invalid_token\"");
        return Replies.error(response, callback, 401, "invalid-token", e.slug(), "the bearer token was refused: " + e.slug());
      }
      // The browser's session ended (revoked) or cannot be told apart: the page sends it to the login.
      return Replies.error(response, callback, 401, e.slug(), e.getMessage());
    }
    if (caller == null) {
      return Replies.error(response, callback, 401, "login-required", "log in at /auth/login");
    }
    boolean changes = !(HttpMethod.GET.is(method) || HttpMethod.HEAD.is(method) || HttpMethod.OPTIONS.is(method));
    if (changes && !Authenticator.csrfOk(caller, request)) {
      authFailed(request, "csrf", caller.identity(), "cookie");
      return Replies.error(response, callback, 403, "csrf", "missing or wrong " + Authenticator.CSRF_HEADER + " header");
    }
    if (path.equals("/api/me") && HttpMethod.GET.is(method)) {
      return me(caller, response, callback);
    }
    if (path.equals("/api/sessions") && HttpMethod.GET.is(method)) {
      return sessions.list(caller, request, response, callback);
    }
    if (path.equals("/api/approvals") && HttpMethod.GET.is(method)) {
      return approvals.list(caller, request, response, callback);
    }
    Matcher a = APPROVAL.matcher(path);
    if (a.matches() && HttpMethod.POST.is(method)) {
      return approvals.decide(caller, a.group(1), a.group(2).equals("approve"), request, response, callback);
    }
    Matcher m = SESSION.matcher(path);
    if (m.matches()) {
      String id = m.group(1);
      String sub = m.group(2);
      if (sub == null && HttpMethod.GET.is(method)) {
        return sessions.detail(caller, id, response, callback);
      }
      if ("/recording".equals(sub) && (HttpMethod.GET.is(method) || HttpMethod.HEAD.is(method))) {
        Optional<SessionRecord> s = sessions.visible(caller, id);
        if (s.isEmpty()) {
          return SessionsApi.notFound(response, callback);
        }
        return RecordingDownload.send(s.get(), sessions.recordingFile(s.get()), request, response, callback);
      }
      if ("/live".equals(sub) && HttpMethod.GET.is(method)) {
        return live(caller, id, request, response, callback);
      }
      if ("/terminate".equals(sub) && HttpMethod.POST.is(method)) {
        return sessions.terminate(caller, id, request, response, callback);
      }
    }
    return Replies.error(response, callback, 404, "not-found", "no such endpoint");
  }

  private boolean me(Caller caller, Response response, Callback callback) {
    ObjectNode o = Replies.JSON.createObjectNode();
    o.put("identity", caller.identity());
    ArrayNode g = o.putArray("groups");
    caller.groups().forEach(g::add);
    ArrayNode r = o.putArray("roles");
    caller.roles().forEach(r::add);
    o.put("csrf", caller.csrf());
    o.put("logoutUrl", "/auth/logout");
    return Replies.json(response, callback, 200, o);
  }

  private boolean live(Caller caller, String id, Request request, Response response, Callback callback)
      throws IOException {
    if (!caller.bearer() && !sameOrigin(request)) {
      authFailed(request, "cross-origin", caller.identity(), "cookie");
      return Replies.error(response, callback, 403, "cross-origin", "the live view must be opened from this site");
    }
    Optional<SessionRecord> found = sessions.visible(caller, id);
    if (found.isEmpty()) {
      return SessionsApi.notFound(response, callback);
    }
    SessionRecord s = found.get();
    if (s.state() != SessionState.ACTIVE) {
      return Replies.error(response, callback, 409, "not-live", "session " + s.id() + " has ended; replay its recording");
    }
    Path file = sessions.recordingFile(s);
    if (file == null) {
      return Replies.error(response, callback, 404, "recording-missing", "the recording file of this session is missing");
    }
    ServerWebSocketContainer container = ServerWebSocketContainer.get(request.getContext());
    boolean upgraded = container != null && container.upgrade((rq, rs, cb) -> {
      // asciinema-player offers v1.alis, v2.asciicast, v3.asciicast and raw; what LiveTail sends is v2.asciicast.
      if (rq.getSubProtocols().contains(LIVE_PROTOCOL)) {
        rs.setAcceptedSubProtocol(LIVE_PROTOCOL);
      }
      return new LiveTail(file, () -> ctx.search().find(s.id()).orElse(null), () -> auth.stillValid(caller), scheduler);
    }, request, response, callback);
    if (!upgraded) {
      return Replies.error(response, callback, 400, "websocket-required", "open this URL as a WebSocket");
    }
    return true;
  }

  /** A browser's WebSocket carries Origin: it must be this site's (publicUrl, or the Host it used). */
  private boolean sameOrigin(Request request) {
    String origin = request.getHeaders().get(HttpHeader.ORIGIN);
    if (origin == null) {
      return false;
    }
    if (origin.equals(ctx.config().origin())) {
      return true;
    }
    String host = request.getHeaders().get(HttpHeader.HOST);
    String scheme = request.isSecure() ? "https" : "http";
    return host != null && origin.equals(scheme + "://" + host);
  }

  // ---- /auth -----------------------------------------------------------------------------

  private boolean authPath(String path, String method, Request request, Response response, Callback callback) {
    try {
      return authPath(path, method, QueryString.of(request), request, response, callback);
    } catch (QueryString.Malformed e) {
      if (path.equals("/auth/callback")) {
        // A login answer that cannot be read is a refused login.
        authFailed(request, "malformed-request", null, "login");
      }
      return Replies.page(response, callback, 400, "Bad request", e.getMessage());
    }
  }

  private boolean authPath(String path, String method, QueryString q, Request request, Response response,
      Callback callback) throws QueryString.Malformed {
    switch (path) {
      case "/auth/login" -> {
        if (!HttpMethod.GET.is(method)) {
          return false;
        }
        if (LoginPage.shows(ctx.config(), q.get(LoginPage.WITH))) {
          return LoginPage.send(ctx.config(), q.get("return"), response, callback);
        }
        OidcLogin.Begin begin;
        try {
          begin = login.begin(q.get("return"));
        } catch (LoginRefused e) {
          return Replies.page(response, callback, 503, "Login unavailable", e.getMessage());
        }
        Response.addCookie(response, cookie(Authenticator.LOGIN_COOKIE, begin.cookie(), "/auth/", 600));
        return Replies.redirect(response, callback, begin.authorizationUrl().toString());
      }
      case "/auth/callback" -> {
        if (!HttpMethod.GET.is(method)) {
          return false;
        }
        Response.addCookie(response, cookie(Authenticator.LOGIN_COOKIE, "", "/auth/", 0));
        OidcLogin.Done done;
        try {
          done = login.complete(q.get("state"), Authenticator.cookie(request, Authenticator.LOGIN_COOKIE),
              q.get("code"), q.get("error"));
          // An ID token from before a revocation of its identity buys no session after it.
          auth.checkNotRevoked(done.token().identity(), done.token().issuedAt());
        } catch (LoginRefused e) {
          authFailed(request, e.slug(), e.identity(), "login");
          return Replies.page(response, callback, 401, "Login refused", e.getMessage());
        }
        WebSession s = webSessions.create(done.token().identity(), done.token().groups());
        ctx.audit(AuditCode.AUTH_OK, "identity", s.identity(), "via", "web", "client", Request.getRemoteAddr(request),
            "groups", String.join(",", s.groups()));
        Response.addCookie(response, cookie(Authenticator.SESSION_COOKIE, s.id(), "/",
            ctx.config().sessionMax().toSeconds()));
        return Replies.redirect(response, callback, done.returnPath());
      }
      case "/auth/local" -> {
        if (!HttpMethod.GET.is(method)) {
          return false;
        }
        return localLogin.handle(q.get("token"), request, response, callback);
      }
      case "/auth/logout" -> {
        if (!HttpMethod.POST.is(method)) {
          return false;
        }
        Caller caller = pageCaller(request);
        if (caller != null && !Authenticator.csrfOk(caller, request)) {
          authFailed(request, "csrf", caller.identity(), "cookie");
          return Replies.error(response, callback, 403, "csrf", "missing or wrong " + Authenticator.CSRF_HEADER + " header");
        }
        webSessions.remove(Authenticator.cookie(request, Authenticator.SESSION_COOKIE));
        Response.addCookie(response, cookie(Authenticator.SESSION_COOKIE, "", "/", 0));
        ObjectNode o = Replies.JSON.createObjectNode();
        o.put("status", "logged-out");
        o.put("redirect", "/");
        return Replies.json(response, callback, 200, o);
      }
      default -> {
        return false;
      }
    }
  }

  private HttpCookie cookie(String name, String value, String path, long maxAge) {
    return HttpCookie.build(name, value)
        .path(path)
        .httpOnly(true)
        .secure(ctx.config().secureCookies())
        .sameSite(HttpCookie.SameSite.LAX)
        .maxAge(maxAge)
        .build();
  }

  private void authFailed(Request request, String slug, String identity, String via) {
    ctx.audit(AuditCode.AUTH_FAILED, "reason", slug, "via", "web-" + via, "identity", identity,
        "client", Request.getRemoteAddr(request), "path", Request.getPathInContext(request));
  }

  // ---- /metrics --------------------------------------------------------------------------

  private boolean metrics(Response response, Callback callback) throws IOException {
    long pending = 0;
    if (ctx.approvals() != null) {
      pending = ctx.approvals().list(EnumSet.of(ApprovalState.PENDING), 100_000).size();
    }
    String text = metrics.render(ctx.live().active(), pending, ctx.search().recordingBytes());
    Replies.common(response, Replies.API_CSP);
    return Replies.text(response, callback, 200, "text/plain; version=0.0.4; charset=utf-8", text);
  }
}
