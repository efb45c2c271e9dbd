package dev.gatehouse.web;

import dev.gatehouse.web.login.LoginLinks;
import dev.gatehouse.web.login.ReturnPath;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * {@code GET /auth/login} when there is something to choose or explain: the logins this gateway
 * offers. With {@code oidc} alone the login goes straight to the identity provider (no page); with
 * {@code web.localLogin} the page says how the operator gets a link, and with both it also offers
 * the identity provider ({@code /auth/login?with=oidc}). A static page: no script, the pages' CSP.
 */
final class LoginPage {
  /** The query parameter that picks the identity provider on a page that offers both. */
  static final String WITH = "with";

  private LoginPage() {}

  /** Whether {@code /auth/login?with=…} shows this page rather than going to the identity provider. */
  static boolean shows(WebConfig c, String with) {
    return !c.oidc() || (c.localLogin() && !"oidc".equals(with));
  }

  static boolean send(WebConfig c, String returnPath, Response response, Callback callback) {
    StringBuilder b = new StringBuilder();
    b.append("<!doctype html><html lang=\"en\"><meta charset=utf-8>")
        .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
        .append("<title>Log in · Gatehouse</title><link rel=\"stylesheet\" href=\"/assets/app.css\">")
        .append("<main class=\"login\"><h1>Log in to Gatehouse</h1>");
    if (c.oidc()) {
      String back = URLEncoder.encode(ReturnPath.of(returnPath), StandardCharsets.UTF_8);
      b.append("<section id=\"login-oidc\"><p><a class=\"button primary\" href=\"/auth/login?")
          .append(WITH).append("=oidc&amp;return=").append(Replies.escape(back))
          .append("\">Log in with ").append(Replies.escape(c.issuer().getHost()))
          .append("</a></p></section>");
    }
    if (c.localLogin()) {
      b.append("<section id=\"login-local\"><h2>Operator</h2>")
          .append("<p>The bastion's operator logs in as <code>").append(LoginLinks.OPERATOR)
          .append("</code> with a one-time link. <code>gatehouse serve</code> prints one when it starts;")
          .append(" for a new one, run this on the bastion and open the link it prints:</p>")
          .append("<pre>gatehouse web login-link</pre>")
          .append("<p>A link works once, for ").append(LoginLinks.TTL.toMinutes()).append(" minutes.</p></section>");
    }
    if (!c.oidc() && !c.localLogin()) {
      b.append("<p>No login is configured on this gateway: set <code>oidc</code> or <code>web.localLogin</code>.</p>");
    }
    b.append("</main></html>\n");
    Replies.common(response, Replies.PAGE_CSP);
    return Replies.text(response, callback, 200, "text/html; charset=utf-8", b.toString());
  }
}
