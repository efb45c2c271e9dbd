package dev.gatehouse.gateway.auth;

import dev.gatehouse.gateway.Audit;
import dev.gatehouse.gateway.config.DeviceLoginSettings;
import dev.gatehouse.gateway.config.OidcConfig;
import dev.gatehouse.keys.CertificateLedger;
import dev.gatehouse.keys.KeyBinding;
import dev.gatehouse.keys.oidc.DeviceGrant;
import dev.gatehouse.keys.oidc.IdTokenVerifier;
import dev.gatehouse.keys.oidc.ProviderHttp;
import dev.gatehouse.keys.oidc.TokenRejected;
import dev.gatehouse.keys.oidc.VerifiedToken;
import dev.gatehouse.recorder.AuditCode;
import java.io.IOException;
import java.security.PublicKey;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import org.apache.sshd.common.config.keys.KeyUtils;

/**
 * What the keyboard-interactive device login needs from the gateway: the identity provider's
 * device grant, the token verifier, the ledger that stores key bindings, and the limits.
 *
 * <p>Nothing here runs on MINA's I/O threads or on the gateway's control loop: calls to the
 * identity provider are asynchronous on {@link ProviderHttp}'s own two threads with one deadline
 * per exchange, and the rest (scheduling polls, verifying the ID token, binding the key) runs on
 * {@link #work}, two threads of its own. A provider that hangs, trickles or floods delays device
 * logins only.
 */
public final class DeviceLogin implements AutoCloseable {
  private static final Pattern GROUP = Pattern.compile("[A-Za-z0-9._@-]+");

  final OidcConfig oidc;
  final DeviceLoginSettings settings;
  final IdTokenVerifier verifier;
  final CertificateLedger ledger;
  final Audit audit;
  final Clock clock;
  /** Polls, token checks, key binding. Its queue holds at most one task per waiting login. */
  final ScheduledExecutorService work;
  final ProviderHttp http;
  final PendingDeviceLogins pending;
  private volatile DeviceGrant grant;

  public DeviceLogin(OidcConfig oidc, IdTokenVerifier verifier, CertificateLedger ledger, Audit audit, Clock clock) {
    this.oidc = oidc;
    this.settings = oidc.deviceLogin();
    this.verifier = verifier;
    this.ledger = ledger;
    this.audit = audit;
    this.clock = clock;
    AtomicInteger n = new AtomicInteger();
    ScheduledThreadPoolExecutor pool = new ScheduledThreadPoolExecutor(2, r -> {
      Thread t = new Thread(r, "gh-device-login-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    pool.setRemoveOnCancelPolicy(true); // a login that ends leaves no timer behind
    this.work = pool;
    this.http = new ProviderHttp(ProviderHttp.DEFAULT_DEADLINE);
    this.pending = new PendingDeviceLogins(settings.maxPending(), settings.maxPendingPerAddress());
  }

  /** Device logins waiting for their person now. */
  public int waiting() {
    return pending.waiting();
  }

  /** The device grant, after discovery (fetched the first time, on {@link #work}). */
  CompletableFuture<DeviceGrant> grant() {
    DeviceGrant g = grant;
    if (g != null) {
      return CompletableFuture.completedFuture(g);
    }
    return CompletableFuture.supplyAsync(() -> {
      try {
        DeviceGrant made = new DeviceGrant(verifier.metadata(), oidc.clientId(), clock, http);
        grant = made;
        return made;
      } catch (IOException e) {
        throw new CompletionException(e);
      } catch (IllegalArgumentException e) {
        throw new CompletionException(new IOException(e.getMessage(), e));
      }
    }, work);
  }

  /**
   * Verifies the ID token and binds the proven key to its identity for oidc.certificateTtl
   * (replacing an expired or revoked binding of the same key). Blocking: call it on {@link #work}.
   */
  KeyBinding bind(String idToken, PublicKey key, String client, String target) throws TokenRejected, IOException {
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
        now.plus(oidc.certificateTtl()), "device login oidc:" + token.issuer() + " sub=" + token.subject(), client);
    ledger.bindKey(b);
    audit.record(AuditCode.KEY_BOUND, "serial", Long.toUnsignedString(b.serial()), "identity", b.identity(),
        "groups", String.join(",", groups), "fingerprint", b.keyFingerprint(), "validBefore", b.validBefore().toString(),
        "subject", token.subject(), "issuer", token.issuer(), "client", client, "target", target);
    return b;
  }

  @Override
  public void close() {
    work.shutdownNow();
    http.close();
  }
}
