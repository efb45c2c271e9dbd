package dev.gatehouse.gateway.auth;

import dev.gatehouse.gateway.Audit;
import dev.gatehouse.keys.CertificateCheck;
import dev.gatehouse.keys.UserCertificateChecker;
import dev.gatehouse.recorder.AuditCode;
import java.security.PublicKey;
import java.security.SignatureException;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.sshd.common.AttributeRepository.AttributeKey;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.OpenSshCertificate;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.server.auth.pubkey.UserAuthPublicKey;
import org.apache.sshd.server.session.ServerSession;

/**
 * Publickey authentication that accepts only user certificates from a trusted CA.
 *
 * <p>MINA's own {@link UserAuthPublicKey} verifies a certificate's signature against the CA key
 * carried <em>inside</em> the certificate and then asks the authenticator; it never asks whether
 * that CA is ours, and it refuses expired certificates before we could audit why. So every
 * offered key is judged here first by {@link UserCertificateChecker} (trusted CA, type, validity,
 * principals, revocation, source-address, critical options), each refusal is audited once with
 * its reason slug, and only an accepted certificate reaches MINA for the proof-of-possession
 * signature check.
 */
final class CertificateUserAuth extends UserAuthPublicKey {
  /** Reasons already audited on this connection: a client probes then signs; audit once. */
  private static final AttributeKey<Set<String>> AUDITED = new AttributeKey<>();

  static final AttributeKey<PublicKey> VETTED_KEY = new AttributeKey<>();

  /**
   * A plain key whose possession this connection proved (signature verified), refused as a
   * login but offered the device login, which may bind it to the person who approves it.
   */
  static final AttributeKey<PublicKey> PROVEN_PLAIN_KEY = new AttributeKey<>();

  /** Why the proven key did not log in: not-a-certificate (unbound), binding-expired or revoked. */
  static final AttributeKey<String> PROVEN_KEY_STATE = new AttributeKey<>();

  /**
   * Refusals of a plain key that a device login can cure: no binding yet, or one that expired or
   * was revoked (a new login at the identity provider replaces it).
   */
  private static final Set<String> REBINDABLE = Set.of("not-a-certificate", "binding-expired", "revoked");

  private final UserCertificateChecker checker;
  private final Audit audit;
  private final boolean deviceLogin;

  CertificateUserAuth(UserCertificateChecker checker, Audit audit, boolean deviceLogin) {
    this.checker = checker;
    this.audit = audit;
    this.deviceLogin = deviceLogin;
  }

  @Override
  public Boolean doAuth(Buffer buffer, boolean init) throws Exception {
    ServerSession session = getServerSession();
    int start = buffer.rpos();
    PublicKey key;
    try {
      buffer.getBoolean();
      buffer.getString();
      key = buffer.getPublicKey();
    } catch (RuntimeException e) {
      refuse(session, "malformed-key", "unparsable public key blob");
      return Boolean.FALSE;
    } finally {
      buffer.rpos(start);
    }
    CertificateCheck check = checker.check(key, ClientAddress.of(session));
    if (check instanceof CertificateCheck.Rejected r) {
      if (deviceLogin && REBINDABLE.contains(r.reason()) && !(key instanceof OpenSshCertificate)
          && session.getAttribute(PROVEN_PLAIN_KEY) == null) {
        return proveForDeviceLogin(session, key, r, buffer, init);
      }
      refuse(session, r.reason(), r.detail());
      tell(session, key, r);
      return Boolean.FALSE;
    }
    CertificateCheck.Accepted accepted = (CertificateCheck.Accepted) check;
    session.setAttribute(VETTED_KEY, key);
    Boolean result;
    try {
      result = super.doAuth(buffer, init);
    } catch (SignatureException e) {
      refuse(session, "bad-signature", "proof-of-possession signature did not verify");
      throw e;
    }
    if (Boolean.TRUE.equals(result)) {
      AuthenticatedUser user = AuthenticatedUser.from(accepted, ClientAddress.text(session));
      // Fail closed: a login that cannot be audited does not happen.
      audit.record(
          AuditCode.AUTH_OK,
          "identity", user.identity(),
          "groups", String.join(",", user.groups()),
          "serial", Long.toUnsignedString(user.serial()),
          "fingerprint", accepted.keyFingerprint(),
          "target", getUsername(),
          "client", user.clientAddress());
      session.setAttribute(AuthenticatedUser.KEY, user);
    }
    return result;
  }

  /**
   * No-client-install path: let MINA check that the client holds the plain key (PK_OK, then the
   * signature), remember the proven key for the keyboard-interactive device login, and still
   * refuse this method — a plain key alone never logs in.
   *
   * <p>The proof must leave the connection as it found it, because OpenSSH offers a plain key
   * before the certificate beside it and that certificate must still log in: only the first plain
   * key of a connection is proven (later ones are refused at once, so a full agent does not spend
   * ssh.maxAuthAttempts on proofs), and the key is taken off MINA's list of keys already used to
   * authenticate ({@link UserAuthPublicKey#AUTHENTICATED_KEYS}), which would otherwise make MINA
   * silently refuse every later key with the same public half — the certificate of this very key.
   * The device login itself starts only in keyboard-interactive, which clients try after the
   * last key and certificate they have.
   */
  private Boolean proveForDeviceLogin(
      ServerSession session, PublicKey key, CertificateCheck.Rejected r, Buffer buffer, boolean init) throws Exception {
    session.setAttribute(VETTED_KEY, key);
    Boolean result;
    try {
      result = super.doAuth(buffer, init);
    } catch (SignatureException e) {
      refuse(session, "bad-signature", "proof-of-possession signature did not verify");
      throw e;
    } finally {
      session.removeAttribute(VETTED_KEY);
    }
    if (Boolean.TRUE.equals(result)) {
      // A proof, not a login: MINA recorded the key as used; undo that (see above).
      List<PublicKey> used = session.getAttribute(UserAuthPublicKey.AUTHENTICATED_KEYS);
      if (used != null) {
        used.removeIf(k -> KeyUtils.compareKeys(k, key));
      }
      session.setAttribute(PROVEN_PLAIN_KEY, key);
      session.setAttribute(PROVEN_KEY_STATE, r.reason());
      refuse(session, r.reason(), r.detail() + "; possession proven, device login offered");
      return Boolean.FALSE;
    }
    return result; // null: PK_OK sent, the client signs next
  }

  private void refuse(ServerSession session, String reason, String detail) {
    Set<String> done = session.computeAttributeIfAbsent(AUDITED, k -> new HashSet<>());
    session.setAttribute(AuthFailures.SEEN, Boolean.TRUE);
    if (done.add(reason)) {
      audit.tryRecord(
          AuditCode.AUTH_FAILED,
          "reason", reason,
          "detail", detail,
          "target", getUsername(),
          "client", ClientAddress.text(session));
    }
  }

  /**
   * The person's one line (RefusalBanner): at once for a refused certificate of ours; for a plain
   * key without oidc only when the client has run out of keys (PlainKeyNoticeAuth), since OpenSSH
   * offers the plain key before its certificate and a line on every good login would be noise.
   */
  private static void tell(ServerSession session, PublicKey key, CertificateCheck.Rejected r) {
    if (r.ourCertificate() && key instanceof OpenSshCertificate cert) {
      RefusalBanner.send(session, RefusalBanner.forCertificate(r.reason(), cert, ClientAddress.of(session),
          Instant.now()));
    } else if (key instanceof OpenSshCertificate) {
      // Another CA's certificate (or a forged one) learns nothing, not even the plain-key line.
      session.setAttribute(RefusalBanner.FOREIGN_CERTIFICATE, Boolean.TRUE);
    } else if (r.reason().equals("not-a-certificate")) {
      session.setAttribute(RefusalBanner.PLAIN_KEY_REFUSED, Boolean.TRUE);
    }
  }

  static String fingerprint(PublicKey key) {
    return KeyUtils.getFingerPrint(key);
  }
}
