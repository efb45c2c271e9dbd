package dev.gatehouse.gateway.auth;

import dev.gatehouse.recorder.AuditCode;
import java.security.PublicKey;
import java.util.HashSet;
import java.util.Set;
import org.apache.sshd.common.AttributeRepository.AttributeKey;
import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.server.auth.AbstractUserAuth;
import org.apache.sshd.server.session.ServerSession;

/**
 * Keyboard-interactive, used only for the device login of a person without the CLI:
 *
 * <pre>
 *  client ── publickey (plain key, signed) ──▶ refused, key marked proven (CertificateUserAuth)
 *  client ── keyboard-interactive ──▶ admitted under the limits (PendingDeviceLogins), at most once
 *         per connection ──▶ device authorization at the IdP, asynchronously (MINA waits on an
 *         AsyncAuthException; no thread does)
 *  client ◀─ INFO_REQUEST: what is bound (key, address, target, lifetime), URL and code
 *  (person approves in a browser) ── the IdP is polled every interval until a fixed deadline
 *  ID token verified ──▶ proven key bound to the identity for oidc.certificateTtl ──▶ login succeeds
 * </pre>
 *
 * Without a key proven in the same connection this method fails at once: no key is bound that did
 * not prove possession, and keyboard-interactive is never a password prompt. Every refusal is
 * audited with a reason slug and told to the client in a banner line.
 */
final class DeviceLoginAuth extends AbstractUserAuth {
  static final String NAME = "keyboard-interactive";
  /** Refusals already audited on this connection (a client may retry keyboard-interactive). */
  private static final AttributeKey<Set<String>> AUDITED = new AttributeKey<>();

  private final DeviceLogin login;
  private DeviceLoginAttempt attempt;

  DeviceLoginAuth(DeviceLogin login) {
    super(NAME);
    this.login = login;
  }

  @Override
  protected Boolean doAuth(Buffer buffer, boolean init) throws Exception {
    ServerSession session = getServerSession();
    if (init) {
      PublicKey key = session.getAttribute(CertificateUserAuth.PROVEN_PLAIN_KEY);
      if (key == null) {
        return Boolean.FALSE;
      }
      String fingerprint = KeyUtils.getFingerPrint(key);
      if (session.getAttribute(DeviceLoginAttempt.KEY) != null) {
        refuse(session, fingerprint, "device-login-once", "this connection already had its device login code; connect again");
        return Boolean.FALSE;
      }
      PendingDeviceLogins.Admission admission =
          login.pending.admit(AddressBucket.of(ClientAddress.of(session)), fingerprint);
      if (admission instanceof PendingDeviceLogins.Refused r) {
        refuse(session, fingerprint, r.reason(), r.message());
        return Boolean.FALSE;
      }
      String keyState = session.getAttribute(CertificateUserAuth.PROVEN_KEY_STATE);
      DeviceLoginAttempt a = new DeviceLoginAttempt(login, session, key, keyState == null ? "" : keyState,
          getUsername(), ((PendingDeviceLogins.Admitted) admission).ticket());
      attempt = a;
      session.setAttribute(DeviceLoginAttempt.KEY, a);
      session.addCloseFutureListener(f -> a.abandon());
      throw a.start();
    }
    int cmd = buffer.getUByte();
    if (attempt == null) {
      return Boolean.FALSE;
    }
    if (cmd != SshConstants.SSH_MSG_USERAUTH_INFO_RESPONSE) {
      attempt.abandon();
      return Boolean.FALSE;
    }
    var next = attempt.answered();
    if (next == null) {
      return Boolean.FALSE;
    }
    throw next;
  }

  /** MINA drops this method (another request came, or it ended): the waiting login ends too. */
  @Override
  public void destroy() {
    if (attempt != null) {
      attempt.abandon();
    }
  }

  private void refuse(ServerSession session, String fingerprint, String reason, String message) {
    session.setAttribute(AuthFailures.SEEN, Boolean.TRUE);
    if (session.computeAttributeIfAbsent(AUDITED, k -> new HashSet<>()).add(reason)) {
      login.audit.tryRecord(AuditCode.AUTH_FAILED, "reason", reason, "detail", message, "target", getUsername(),
          "client", ClientAddress.text(session), "via", "device-login", "fingerprint", fingerprint);
    }
    try {
      Buffer banner = session.createBuffer(SshConstants.SSH_MSG_USERAUTH_BANNER);
      banner.putString("gatehouse: device login refused: " + message + "\r\n");
      banner.putString(""); // language
      session.writePacket(banner);
    } catch (java.io.IOException e) {
      // The client is gone; the refusal stands.
    }
  }
}
