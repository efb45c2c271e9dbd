package dev.gatehouse.web;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gatehouse.recorder.AuditCode;
import dev.gatehouse.web.login.LoginLinks;
import dev.gatehouse.web.login.LoginRefused;
import dev.gatehouse.web.login.WebSession;
import dev.gatehouse.web.login.WebSessions;
import java.io.IOException;
import java.util.function.Function;
import org.eclipse.jetty.http.HttpCookie;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /auth/local?token=…}: the one-time operator link ({@code web.localLogin}).
 *
 * <pre>
 *  gatehouse serve / gatehouse web login-link ──▶ store: SHA-256 of 256 random bits, 10 minutes, unused
 *  browser ──GET /auth/local?token=T──▶ LoginLinks.redeem(T): the one UPDATE that marks it used
 *          ◀──302 / + gh_session (operator@local, every web role)       GH1003I local-login
 *          ◀──401 page (or JSON) naming the slug                          GH1004W local-login-failed
 * </pre>
 *
 * The answer to a refused link is a page for a browser and {@code {"error": slug}} for a client
 * that asks for JSON. The token is never logged or audited; the audit line names the link by
 * {@code linkId}, as the line that made it does.
 */
final class LocalLoginEndpoint {
  private static final Logger LOG = LoggerFactory.getLogger(LocalLoginEndpoint.class);
  static final String VIA = "web-local";
  static final String OFF = "local-login-off";

  private final ReplayWebContext ctx;
  private final WebSessions sessions;
  private final Function<String, HttpCookie> sessionCookie;

  /** {@code sessionCookie} makes the {@code gh_session} cookie for a session id, as every login sets it. */
  LocalLoginEndpoint(ReplayWebContext ctx, WebSessions sessions, Function<String, HttpCookie> sessionCookie) {
    this.ctx = ctx;
    this.sessions = sessions;
    this.sessionCookie = sessionCookie;
  }

  boolean handle(String token, Request request, Response response, Callback callback) {
    String client = Request.getRemoteAddr(request);
    if (!ctx.config().localLogin()) {
      ctx.audit(AuditCode.LOCAL_LOGIN_FAILED, "reason", OFF, "via", VIA, "client", client);
      return refuse(request, response, callback, 404, OFF, "operator links are off on this gateway (web.localLogin)");
    }
    LoginLinks.Redeemed link;
    try {
      link = ctx.loginLinks().redeem(token);
    } catch (LoginRefused e) {
      ctx.audit(AuditCode.LOCAL_LOGIN_FAILED, "reason", e.slug(), "via", VIA, "client", client,
          "linkId", LoginLinks.wellFormed(token) ? LoginLinks.linkIdOf(token) : null);
      return refuse(request, response, callback, 401, e.slug(),
          e.getMessage() + ". Run gatehouse web login-link on the bastion for a new link.");
    } catch (IOException e) {
      LOG.error("operator link: the store cannot be read: {}", e.getMessage());
      return refuse(request, response, callback, 503, "store-unavailable", "the gateway's store cannot be read; see its log");
    }
    WebSession s = sessions.createOperator(LoginLinks.OPERATOR);
    try {
      ctx.auditOrFail(AuditCode.LOCAL_LOGIN, "identity", s.identity(), "via", VIA, "client", client,
          "linkId", link.linkId(), "issuedBy", link.issuedBy());
    } catch (IOException e) {
      // A login that cannot be audited does not happen.
      sessions.remove(s.id());
      LOG.error("operator link: login refused, the audit log cannot be written: {}", e.getMessage());
      return refuse(request, response, callback, 503, "audit-unavailable", "the audit log cannot be written; see the gateway's log");
    }
    Response.addCookie(response, sessionCookie.apply(s.id()));
    return Replies.redirect(response, callback, "/");
  }

  private static boolean refuse(Request request, Response response, Callback callback, int status, String slug,
      String message) {
    if (wantsJson(request)) {
      ObjectNode o = Replies.JSON.createObjectNode();
      o.put("error", slug);
      o.put("message", message);
      return Replies.json(response, callback, status, o);
    }
    return Replies.page(response, callback, status, "Login link refused (" + slug + ")", message);
  }

  /** A script asks for JSON; a browser's navigation asks for text/html first. */
  private static boolean wantsJson(Request request) {
    String accept = request.getHeaders().get(HttpHeader.ACCEPT);
    return accept != null && accept.contains("application/json") && !accept.contains("text/html");
  }
}
