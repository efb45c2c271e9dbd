package dev.gatehouse.gateway.auth;

import dev.gatehouse.gateway.Audit;
import dev.gatehouse.recorder.AuditCode;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.sshd.common.AttributeRepository.AttributeKey;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.session.SessionListener;

/**
 * Limits before login and the audit of logins that never happened.
 *
 * <p>Counts unauthenticated connections per source address ({@link AddressBucket}: all loopback
 * addresses are one, IPv6 by /64) and closes one that goes over {@code maxConnectionsPerAddress}. A connection that closes without authenticating and without a
 * refused certificate (a client that only offered a password, plain keys it never signed with, or
 * that timed out) is audited with a reason too: every failure leaves a line.
 */
final class AuthFailures implements SessionListener {
  static final AttributeKey<Boolean> SEEN = new AttributeKey<>();
  /** The user name of the last authentication request (MINA sets getUsername() only on success). */
  static final AttributeKey<String> REQUESTED_USER = new AttributeKey<>();
  private static final AttributeKey<String> COUNTED = new AttributeKey<>();
  private static final AttributeKey<Boolean> OVER_LIMIT = new AttributeKey<>();

  private final Audit audit;
  private final int maxPerAddress;
  /** Unauthenticated connections per address bucket; compute() keeps count and removal atomic. */
  private final Map<String, Integer> pending = new ConcurrentHashMap<>();

  AuthFailures(Audit audit, int maxPerAddress) {
    this.audit = audit;
    this.maxPerAddress = maxPerAddress;
  }

  @Override
  public void sessionCreated(Session session) {
    String addr = ClientAddress.text(session);
    String bucket = AddressBucket.of(ClientAddress.of(session));
    int n = pending.merge(bucket, 1, Integer::sum);
    session.setAttribute(COUNTED, bucket);
    if (n > maxPerAddress) {
      session.setAttribute(OVER_LIMIT, Boolean.TRUE);
      audit.tryRecord(
          AuditCode.CONNECTION_REFUSED,
          "reason", "too-many-connections",
          "client", addr,
          "limit", maxPerAddress);
      session.close(true);
    }
  }

  @Override
  public void sessionEvent(Session session, Event event) {
    if (event == Event.Authenticated) {
      release(session);
    }
  }

  @Override
  public void sessionClosed(Session session) {
    boolean wasPending = release(session);
    if (wasPending
        && session.getAttribute(AuthenticatedUser.KEY) == null
        && session.getAttribute(SEEN) == null
        && session.getAttribute(OVER_LIMIT) == null) {
      String user = session.getAttribute(REQUESTED_USER);
      audit.tryRecord(
          AuditCode.AUTH_FAILED,
          "reason", user == null ? "no-auth-attempt" : "no-certificate-offered",
          "target", user,
          "client", ClientAddress.text(session));
    }
  }

  private boolean release(Session session) {
    String addr = session.removeAttribute(COUNTED);
    if (addr == null) {
      return false;
    }
    pending.computeIfPresent(addr, (k, n) -> n <= 1 ? null : n - 1);
    return true;
  }
}
