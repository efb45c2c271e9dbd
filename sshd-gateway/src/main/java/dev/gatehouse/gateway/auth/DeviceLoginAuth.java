package dev.gatehouse.gateway.auth;

import dev.gatehouse.keys.KeyBinding;
import dev.gatehouse.keys.oidc.DeviceGrant;
import dev.gatehouse.keys.oidc.TokenRejected;
import dev.gatehouse.recorder.AuditCode;
import java.io.IOException;
import java.security.PublicKey;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.SshException;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.server.auth.AbstractUserAuth;
import org.apache.sshd.server.auth.AsyncAuthException;
import org.apache.sshd.server.session.ServerSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keyboard-interactive, used only for the device login of a person without the CLI:
 *
 * <pre>
 *  client ── publickey (plain key, signed) ──▶ refused, key marked proven (CertificateUserAuth)
 *  client ── keyboard-interactive ──▶ device authorization at the IdP ──▶ INFO_REQUEST: URL + code
 *  client ◀─ (person approves in a browser) ── poll the token endpoint every interval (no thread waits)
 *  ID token verified ──▶ proven key bound to the identity for oidc.certificateTtl ──▶ login succeeds
 * </pre>
 *
 * Without a key proven in the same connection this method fails at once: no key is bound that did
 * not prove possession, and keyboard-interactive is never a password prompt.
 */
final class DeviceLoginAuth extends AbstractUserAuth {
  static final String NAME = "keyboard-interactive";
  private static final Logger LOG = LoggerFactory.getLogger(DeviceLoginAuth.class);

  private final DeviceLogin login;
  private DeviceGrant.Pending pending;
  private PublicKey key;

  DeviceLoginAuth(DeviceLogin login) {
    super(NAME);
    this.login = login;
  }

  @Override
  protected Boolean doAuth(Buffer buffer, boolean init) throws Exception {
    ServerSession session = getServerSession();
    if (init) {
      key = session.getAttribute(CertificateUserAuth.PROVEN_PLAIN_KEY);
      if (key == null) {
        return Boolean.FALSE;
      }
      try {
        pending = login.grant().start(login.oidc.scopes());
      } catch (IOException e) {
        LOG.warn("device login unavailable: {}", e.getMessage());
        failed(session, "device-login-unavailable", e.getMessage());
        return Boolean.FALSE;
      }
      session.resetAuthTimeout();
      Buffer req = session.createBuffer(SshConstants.SSH_MSG_USERAUTH_INFO_REQUEST);
      req.putString("Gatehouse login");
      URI shown = pending.verificationUriComplete() != null ? pending.verificationUriComplete() : pending.verificationUri();
      long minutes = Math.max(1, Duration.between(login.clock.instant(), pending.expiresAt()).toMinutes());
      req.putString("This key is not bound to anyone yet. To log in as its owner, open\n\n    " + shown
          + "\n\nand confirm the code " + pending.userCode() + " (valid " + minutes + " min).\n"
          + "This connection goes on by itself once you have approved it.\n");
      req.putString(""); // language
      req.putInt(0); // no prompts: nothing to type here
      session.writePacket(req);
      return null;
    }
    int cmd = buffer.getUByte();
    if (cmd != SshConstants.SSH_MSG_USERAUTH_INFO_RESPONSE) {
      throw new SshException("unexpected message " + SshConstants.getCommandMessageName(cmd) + " in device login");
    }
    AsyncAuthException async = new AsyncAuthException();
    schedule(session, async, pending.interval());
    throw async;
  }

  private void schedule(ServerSession session, AsyncAuthException async, Duration interval) {
    login.timers.schedule(() -> poll(session, async, interval), interval.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void poll(ServerSession session, AsyncAuthException async, Duration interval) {
    if (!session.isOpen()) {
      async.setAuthed(false);
      return;
    }
    try {
      DeviceGrant.Poll p = login.grant().poll(pending, interval);
      if (p instanceof DeviceGrant.Waiting w) {
        session.resetAuthTimeout();
        schedule(session, async, w.interval());
        return;
      }
      if (p instanceof DeviceGrant.Failed f) {
        failed(session, "device-login-" + f.reason().replace('_', '-'), f.message());
        async.setAuthed(false);
        return;
      }
      KeyBinding b = login.bind(((DeviceGrant.Approved) p).idToken(), key, ClientAddress.text(session));
      AuthenticatedUser user = new AuthenticatedUser(b.identity(), b.groups(), b.serial(), b.boundAt(), b.validBefore(),
          true, true, false, false, ClientAddress.text(session));
      login.audit.record(AuditCode.AUTH_OK, "identity", user.identity(), "groups", String.join(",", user.groups()),
          "serial", Long.toUnsignedString(user.serial()), "fingerprint", b.keyFingerprint(), "target", getUsername(),
          "client", user.clientAddress(), "via", "device-login");
      session.setAttribute(AuthenticatedUser.KEY, user);
      async.setAuthed(true);
    } catch (TokenRejected e) {
      failed(session, e.reason(), e.getMessage());
      async.setAuthed(false);
    } catch (IOException | RuntimeException e) {
      failed(session, "device-login-failed", String.valueOf(e.getMessage()));
      async.setAuthed(false);
    }
  }

  private void failed(ServerSession session, String reason, String detail) {
    session.setAttribute(AuthFailures.SEEN, Boolean.TRUE);
    login.audit.tryRecord(AuditCode.AUTH_FAILED, "reason", reason, "detail", detail, "target", getUsername(),
        "client", ClientAddress.text(session), "via", "device-login");
  }
}
