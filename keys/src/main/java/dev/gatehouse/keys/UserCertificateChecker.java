package dev.gatehouse.keys;

import dev.gatehouse.keys.CertificateCheck.Accepted;
import dev.gatehouse.keys.CertificateCheck.Rejected;
import java.io.IOException;
import java.net.InetAddress;
import java.security.PublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.OpenSshCertificate;

/**
 * Decides whether an offered public key is a user certificate the gateway accepts.
 *
 * <p>Checks everything itself, the CA signature included, although MINA's {@code
 * UserAuthPublicKey} already verifies the signature, type, validity and source-address before it
 * calls the authenticator: that check has no clock skew and no reasons we can log, and this class
 * must be safe to call on its own (e.g. from a {@code ca verify} command). MINA does not check that
 * the CA is trusted; this does.
 *
 * <p>Order of checks: cheap and key-only first; revocation (I/O) last.
 */
public final class UserCertificateChecker {
  static final String GROUPS_EXTENSION = "groups@gatehouse.dev";
  static final Duration CLOCK_SKEW = Duration.ofSeconds(60);
  private static final Pattern GROUP = Pattern.compile("[A-Za-z0-9._@-]+");

  private final CheckedSupplier<List<PublicKey>> trustedCaKeys;
  private final RevocationCheck revocations;
  private final Clock clock;
  private final KeyBindingLookup bindings;

  public UserCertificateChecker(CheckedSupplier<List<PublicKey>> trustedCaKeys, RevocationCheck revocations, Clock clock) {
    this(trustedCaKeys, revocations, clock, null);
  }

  /**
   * With {@code bindings}, a plain key bound to an identity (the no-client-install path, after a
   * device login in a connection that proved the key) is accepted like a certificate until its
   * binding expires or is revoked.
   */
  public UserCertificateChecker(CheckedSupplier<List<PublicKey>> trustedCaKeys, RevocationCheck revocations, Clock clock,
      KeyBindingLookup bindings) {
    this.trustedCaKeys = Objects.requireNonNull(trustedCaKeys, "trustedCaKeys");
    this.revocations = Objects.requireNonNull(revocations, "revocations");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.bindings = bindings;
  }

  /** Finds the binding of a plain key by its SHA256 fingerprint. */
  @FunctionalInterface
  public interface KeyBindingLookup {
    java.util.Optional<KeyBinding> find(String keyFingerprint) throws IOException;
  }

  private CertificateCheck checkBinding(PublicKey key) {
    String fp = fingerprint(key);
    java.util.Optional<KeyBinding> found;
    try {
      found = bindings.find(fp);
    } catch (IOException | RuntimeException e) {
      return new Rejected("revocation-check-failed", "key " + fp + ": cannot read key bindings: " + oneLine(e.getMessage()));
    }
    if (found.isEmpty()) {
      return new Rejected("not-a-certificate",
          "plain " + KeyUtils.getKeyType(key) + " key " + fp + " is bound to no identity; a device login can bind it");
    }
    KeyBinding b = found.get();
    Instant now = clock.instant();
    if (!now.isBefore(b.validBefore())) {
      return new Rejected("binding-expired", "key " + fp + " of " + b.identity() + ": binding expired at " + b.validBefore());
    }
    try {
      if (revocations.isRevoked(b.serial(), b.identity(), b.boundAt())) {
        return new Rejected("revoked", "key " + fp + " of " + b.identity() + " (serial " + Long.toUnsignedString(b.serial())
            + ") is revoked");
      }
    } catch (IOException | RuntimeException e) {
      return new Rejected("revocation-check-failed", "key " + fp + ": " + oneLine(e.getMessage()));
    }
    return new CertificateCheck.Accepted(b.identity(), b.groups(), b.serial(), b.boundAt(), b.validBefore(),
        true, true, false, false, fp);
  }

  public CertificateCheck check(PublicKey offeredKey, InetAddress clientAddress) {
    if (!(offeredKey instanceof OpenSshCertificate cert)) {
      if (bindings != null && offeredKey != null) {
        return checkBinding(offeredKey);
      }
      return new Rejected(
          "not-a-certificate",
          "plain " + (offeredKey == null ? "null" : KeyUtils.getKeyType(offeredKey)) + " key "
              + fingerprint(offeredKey) + "; only certificates from the gatehouse user CA are accepted");
    }
    String who = describe(cert);

    PublicKey ca = cert.getCaPubKey();
    List<PublicKey> trusted;
    try {
      trusted = trustedCaKeys.get();
    } catch (IOException | RuntimeException e) {
      // Fail closed: with no list of trusted CAs no CA is trusted.
      return new Rejected("unknown-ca", who + ": cannot read the trusted user CA keys: " + oneLine(e.getMessage()));
    }
    if (ca == null || trusted.stream().noneMatch(t -> KeyUtils.compareKeys(t, ca))) {
      return new Rejected("unknown-ca", who + " signed by untrusted CA " + fingerprint(ca));
    }
    if (!OpenSshCertificateSigner.signatureIsValid(cert)) {
      return new Rejected(
          "bad-signature", who + ": CA signature (" + cert.getSignatureAlgorithm() + ") does not verify");
    }
    if (cert.getType() != OpenSshCertificate.Type.USER) {
      return new Rejected("not-a-user-certificate", who + " is a " + cert.getType() + " certificate", true);
    }

    Instant now = clock.instant();
    long nowSecond = now.getEpochSecond();
    // Unsigned: valid-before "forever" is 2^64-1.
    if (Long.compareUnsigned(cert.getValidAfter(), nowSecond + CLOCK_SKEW.toSeconds()) > 0) {
      return new Rejected("cert-not-yet-valid", who + " valid from " + instant(cert.getValidAfter()) + ", now " + now, true);
    }
    if (Long.compareUnsigned(nowSecond, cert.getValidBefore()) >= 0) {
      return new Rejected("cert-expired", who + " expired " + instant(cert.getValidBefore()) + ", now " + now, true);
    }

    List<String> principals = OpenSshCertificateSigner.principals(cert);
    if (principals.isEmpty()) {
      // OpenSSH would let a principal-less certificate log in as anyone; we never do.
      return new Rejected("no-principals", who + " has no principals", true);
    }
    String identity = cert.getId();
    if (identity == null || identity.isBlank() || !principals.contains(identity)) {
      return new Rejected("principal-mismatch", who + ": key id is not one of the principals " + principals, true);
    }

    for (OpenSshCertificate.CertificateOption option : cert.getCriticalOptions()) {
      String name = option.getName();
      if ("source-address".equals(name)) {
        SourceAddresses allowed;
        try {
          allowed = SourceAddresses.parse(option.getData());
        } catch (IllegalArgumentException e) {
          return new Rejected("malformed-certificate", who + ": " + oneLine(e.getMessage()), true);
        }
        if (!allowed.contains(clientAddress)) {
          return new Rejected(
              "source-address",
              who + " is limited to source-address " + allowed + ", client "
                  + (clientAddress == null ? "unknown" : clientAddress.getHostAddress()), true);
        }
      } else {
        // Includes force-command: the gateway decides what runs in a session and has no use for
        // a command pinned in the certificate; refusing is safer than silently ignoring it.
        return new Rejected("unknown-critical-option", who + " has critical option " + oneLine(name), true);
      }
    }

    Map<String, String> extensions = cert.getExtensionsMap();
    List<String> groups = new ArrayList<>();
    if (extensions.containsKey(GROUPS_EXTENSION)) {
      String value = extensions.get(GROUPS_EXTENSION);
      if (value != null && !value.isEmpty()) {
        for (String group : value.split(",", -1)) {
          if (!GROUP.matcher(group).matches()) {
            return new Rejected(
                "malformed-certificate", who + ": " + GROUPS_EXTENSION + " has an invalid group name", true);
          }
          groups.add(group);
        }
      }
    }

    long serial = cert.getSerial();
    Instant validAfter = instant(cert.getValidAfter());
    try {
      if (revocations.isRevoked(serial, identity, validAfter)) {
        return new Rejected("revoked", who + " is revoked", true);
      }
    } catch (IOException | RuntimeException e) {
      return new Rejected("revocation-check-failed", who + ": " + oneLine(e.getMessage()), true);
    }

    return new Accepted(
        identity,
        groups,
        serial,
        validAfter,
        instant(cert.getValidBefore()),
        extensions.containsKey("permit-pty"),
        extensions.containsKey("permit-port-forwarding"),
        extensions.containsKey("permit-agent-forwarding"),
        extensions.containsKey("permit-X11-forwarding"),
        fingerprint(cert.getCertPubKey()));
  }

  /** Epoch seconds as unsigned, "forever" (anything past Instant.MAX) as Instant.MAX. */
  static Instant instant(long epochSecondUnsigned) {
    if (epochSecondUnsigned < 0 || epochSecondUnsigned > Instant.MAX.getEpochSecond()) {
      return Instant.MAX;
    }
    return Instant.ofEpochSecond(epochSecondUnsigned);
  }

  private static String describe(OpenSshCertificate cert) {
    return "certificate id=\"" + oneLine(cert.getId()) + "\" serial=" + Long.toUnsignedString(cert.getSerial())
        + " key=" + fingerprint(cert.getCertPubKey());
  }

  static String fingerprint(PublicKey key) {
    return key == null ? "none" : KeyUtils.getFingerPrint(key);
  }

  /** Audit details are single lines; certificate fields are attacker-chosen text. */
  private static String oneLine(String text) {
    if (text == null) {
      return "";
    }
    StringBuilder out = new StringBuilder(Math.min(text.length(), 200));
    for (int i = 0; i < text.length() && out.length() < 200; i++) {
      char c = text.charAt(i);
      out.append(Character.isISOControl(c) ? '?' : c);
    }
    return out.toString();
  }
}
