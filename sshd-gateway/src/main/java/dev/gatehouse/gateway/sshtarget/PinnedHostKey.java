package dev.gatehouse.gateway.sshtarget;

import java.net.SocketAddress;
import java.security.PublicKey;
import java.time.Instant;
import org.apache.sshd.client.keyverifier.ServerKeyVerifier;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.AttributeRepository.AttributeKey;
import org.apache.sshd.common.config.keys.AuthorizedKeyEntry;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.OpenSshCertificate;
import org.apache.sshd.common.config.keys.PublicKeyEntryResolver;

/**
 * The one host key (or host CA) a target's config pins. Never trust on first use: a host that
 * presents anything else is refused and the reason kept for the user's one-line error.
 *
 * <p>Forms: {@code ssh-ed25519 AAAA...} (the host's key; a host certificate over that key is
 * accepted too) or {@code @cert-authority PATTERNS ssh-ed25519 AAAA...} (a host certificate signed
 * by that CA, valid now, whose principals name the configured host). MINA has already verified the
 * certificate's own signature during key exchange (ABORT_ON_INVALID_CERTIFICATE is set).
 */
final class PinnedHostKey {
  static final AttributeKey<PinnedHostKey> KEY = new AttributeKey<>();

  private final PublicKey key;
  private final boolean certificateAuthority;
  private final String host;
  // Why this connection's host was refused. Kept here (one PinnedHostKey per connect) rather than
  // as a session attribute: MINA may clear a failed session's attributes while it closes, before
  // the connecting thread reads them, which turned a host key mismatch into "auth failed".
  private volatile String failure;

  private PinnedHostKey(PublicKey key, boolean certificateAuthority, String host) {
    this.key = key;
    this.certificateAuthority = certificateAuthority;
    this.host = host;
  }

  static PinnedHostKey parse(String line, String host) {
    String text = line.trim();
    boolean ca = false;
    if (text.startsWith("@cert-authority")) {
      String[] parts = text.split("\\s+", 3);
      if (parts.length < 3) {
        throw new IllegalArgumentException("ssh.hostKey: '@cert-authority' needs PATTERNS and a key");
      }
      text = parts[2];
      ca = true;
    }
    try {
      AuthorizedKeyEntry entry = AuthorizedKeyEntry.parseAuthorizedKeyEntry(text);
      if (entry == null) {
        throw new IllegalArgumentException("ssh.hostKey: not an OpenSSH public key");
      }
      return new PinnedHostKey(entry.resolvePublicKey(null, PublicKeyEntryResolver.FAILING), ca, host);
    } catch (java.io.IOException | java.security.GeneralSecurityException | RuntimeException e) {
      throw new IllegalArgumentException("ssh.hostKey: not an OpenSSH public key (" + e.getMessage() + ")", e);
    }
  }

  /** Why the presented key is not the pinned one, or null when it is. */
  String mismatch(PublicKey presented) {
    if (certificateAuthority) {
      if (!(presented instanceof OpenSshCertificate cert)) {
        return "the host presented a plain key, but its config pins a host CA";
      }
      if (cert.getType() != OpenSshCertificate.Type.HOST) {
        return "the host presented a user certificate";
      }
      if (!KeyUtils.compareKeys(cert.getCaPubKey(), key)) {
        return "the host certificate is signed by another CA (" + KeyUtils.getFingerPrint(cert.getCaPubKey()) + ")";
      }
      if (!OpenSshCertificate.isValidNow(cert)) {
        return "the host certificate is outside its validity (" + Instant.now() + ")";
      }
      if (cert.getPrincipals() == null || !cert.getPrincipals().contains(host)) {
        return "the host certificate does not name " + host;
      }
      return null;
    }
    PublicKey plain = presented instanceof OpenSshCertificate c ? c.getCertPubKey() : presented;
    return KeyUtils.compareKeys(plain, key)
        ? null
        : "host key mismatch: got " + KeyUtils.getFingerPrint(plain) + ", pinned " + KeyUtils.getFingerPrint(key);
  }

  /** The client-wide verifier: judges each connection by the pin its connect() carried. */
  static final ServerKeyVerifier VERIFIER =
      (ClientSession session, SocketAddress remote, PublicKey serverKey) -> {
        PinnedHostKey pin =
            session.getConnectionContext() == null ? null : session.getConnectionContext().getAttribute(KEY);
        if (pin == null) {
          return false;
        }
        String why = pin.mismatch(serverKey);
        if (why != null) {
          pin.failure = why;
          return false;
        }
        return true;
      };

  /** Why the verifier refused the host on this connection, or null. */
  String failure() {
    return failure;
  }
}
