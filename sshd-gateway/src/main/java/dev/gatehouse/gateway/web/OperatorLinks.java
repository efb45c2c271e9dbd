package dev.gatehouse.gateway.web;

import dev.gatehouse.gateway.config.GatewayConfig;
import dev.gatehouse.recorder.AuditCode;
import dev.gatehouse.recorder.AuditLog;
import dev.gatehouse.web.login.LoginLinks;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Makes the one-time operator link ({@code web.localLogin}) that {@code gatehouse serve} prints at
 * start and {@code gatehouse web login-link} prints on demand: audited first ({@code GH1005I}, the
 * link's id, never the link), then stored, so no link works that the audit log does not know.
 * Whoever can run this with the gateway's store (or read what {@code serve} prints) is the
 * operator: that is the whole of the link's authority.
 */
public final class OperatorLinks {
  private OperatorLinks() {}

  /** A link to open in a browser, and when it stops working. */
  public record OperatorLink(String url, Instant expiresAt) {
    @Override
    public String toString() {
      return "OperatorLink[expires " + expiresAt + "]"; // the URL is a password
    }
  }

  /**
   * Makes a link for the web listener of {@code config}.
   *
   * @param webPort the port the listener has (or will have): a listen port 0 is known only to the
   *     running gateway
   * @param via who asks, for the audit line: {@code serve}, {@code cli:<login>}
   */
  public static OperatorLink issue(GatewayConfig config, int webPort, String via) throws IOException {
    LoginLinks links = new LoginLinks(config.databaseFile(), Clock.systemUTC());
    LoginLinks.Link link = links.mint();
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("identity", LoginLinks.OPERATOR);
    fields.put("linkId", link.linkId());
    fields.put("expiresAt", link.expiresAt().toString());
    fields.put("via", via);
    try (AuditLog log = AuditLog.open(config.auditFile())) {
      log.append(AuditCode.LOCAL_LOGIN_LINK, fields);
    }
    links.store(link, via);
    return new OperatorLink(config.web().baseUrl(webPort) + "/auth/local?token=" + link.token(), link.expiresAt());
  }
}
