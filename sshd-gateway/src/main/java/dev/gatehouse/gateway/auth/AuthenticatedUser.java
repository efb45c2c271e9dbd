package dev.gatehouse.gateway.auth;

import dev.gatehouse.keys.CertificateCheck;
import java.time.Instant;
import java.util.List;
import org.apache.sshd.common.AttributeRepository.AttributeKey;
import org.apache.sshd.common.session.Session;

/** Who is on an authenticated SSH connection, from their certificate. */
public record AuthenticatedUser(
    String identity,
    List<String> groups,
    long serial,
    Instant validAfter,
    Instant validBefore,
    boolean permitPty,
    boolean permitPortForwarding,
    boolean permitAgentForwarding,
    boolean permitX11Forwarding,
    String clientAddress) {

  /** Set on the SSH session once the certificate login succeeded; absent before. */
  public static final AttributeKey<AuthenticatedUser> KEY = new AttributeKey<>();

  static AuthenticatedUser from(CertificateCheck.Accepted a, String clientAddress) {
    return new AuthenticatedUser(
        a.identity(),
        a.groups(),
        a.serial(),
        a.validAfter(),
        a.validBefore(),
        a.permitPty(),
        a.permitPortForwarding(),
        a.permitAgentForwarding(),
        a.permitX11Forwarding(),
        clientAddress);
  }

  /** The user of an authenticated session; fails loudly if called before authentication. */
  public static AuthenticatedUser of(Session session) {
    AuthenticatedUser u = session.getAttribute(KEY);
    if (u == null) {
      throw new IllegalStateException("session " + session + " is not authenticated by certificate");
    }
    return u;
  }
}
