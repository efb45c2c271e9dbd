package dev.gatehouse.gateway.auth;

import dev.gatehouse.gateway.Audit;
import dev.gatehouse.gateway.config.OidcConfig;
import dev.gatehouse.keys.CertificateLedger;
import dev.gatehouse.keys.KeyBinding;
import dev.gatehouse.keys.oidc.DeviceGrant;
import dev.gatehouse.keys.oidc.IdTokenVerifier;
import dev.gatehouse.keys.oidc.TokenRejected;
import dev.gatehouse.keys.oidc.VerifiedToken;
import dev.gatehouse.recorder.AuditCode;
import java.io.IOException;
import java.security.PublicKey;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.regex.Pattern;
import org.apache.sshd.common.config.keys.KeyUtils;

/**
 * What the keyboard-interactive device login needs from the gateway: the identity provider's
 * device grant, the token verifier, and the ledger that stores key bindings.
 */
public final class DeviceLogin {
  private static final Pattern GROUP = Pattern.compile("[A-Za-z0-9._@-]+");

  final OidcConfig oidc;
  final IdTokenVerifier verifier;
  final CertificateLedger ledger;
  final Audit audit;
  final ScheduledExecutorService timers;
  final Clock clock;
  private volatile DeviceGrant grant;

  public DeviceLogin(OidcConfig oidc, IdTokenVerifier verifier, CertificateLedger ledger, Audit audit,
      ScheduledExecutorService timers, Clock clock) {
    this.oidc = oidc;
    this.verifier = verifier;
    this.ledger = ledger;
    this.audit = audit;
    this.timers = timers;
    this.clock = clock;
  }

  DeviceGrant grant() throws IOException {
    DeviceGrant g = grant;
    if (g == null) {
      try {
        g = new DeviceGrant(verifier.metadata(), oidc.clientId(), clock);
      } catch (IllegalArgumentException e) {
        throw new IOException(e.getMessage(), e);
      }
      grant = g;
    }
    return g;
  }

  /** Verifies the ID token and binds the proven key to its identity for oidc.certificateTtl. */
  KeyBinding bind(String idToken, PublicKey key, String client) throws TokenRejected, IOException {
    VerifiedToken token = verifier.verify(idToken);
    // A token from before a revocation of its identity binds no key after it.
    if (ledger.isIdentityRevoked(token.identity(), token.issuedAt())) {
      throw new TokenRejected(TokenRejected.REVOKED, "access of " + token.identity() + " was revoked");
    }
    List<String> groups = new ArrayList<>();
    for (String g : token.groups()) {
      String name = g.startsWith("/") ? g.substring(1) : g;
      if (GROUP.matcher(name).matches()) {
        groups.add(name);
      }
    }
    Instant now = clock.instant();
    KeyBinding b = new KeyBinding(ledger.nextSerial(), KeyUtils.getFingerPrint(key), token.identity(), groups, now,
        now.plus(oidc.certificateTtl()), "device login oidc:" + token.issuer() + " sub=" + token.subject());
    ledger.bindKey(b);
    audit.record(AuditCode.KEY_BOUND, "serial", Long.toUnsignedString(b.serial()), "identity", b.identity(),
        "groups", String.join(",", groups), "fingerprint", b.keyFingerprint(), "validBefore", b.validBefore().toString(),
        "subject", token.subject(), "issuer", token.issuer(), "client", client);
    return b;
  }
}
