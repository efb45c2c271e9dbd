package dev.gatehouse.gateway.sshtarget;

import dev.gatehouse.gateway.config.SshTargetSettings;
import dev.gatehouse.keys.CertificateAuthority;
import java.io.IOException;
import java.net.ConnectException;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.config.hosts.HostConfigEntryResolver;
import org.apache.sshd.client.future.AuthFuture;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.NamedFactory;
import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.SshException;
import org.apache.sshd.common.cipher.BuiltinCiphers;
import org.apache.sshd.common.cipher.Cipher;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.OpenSshCertificate;
import org.apache.sshd.common.keyprovider.KeyIdentityProvider;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.core.CoreModuleProperties;
import org.apache.sshd.common.AttributeRepository;
import org.apache.sshd.common.kex.KexProposalOption;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.session.SessionListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's own SSH client for {@code ssh} targets: one MINA client for all sessions (its NIO
 * workers carry every downstream connection, no thread per session). It reads nothing from the
 * gateway user's ~/.ssh: no config file, no default identities, no known_hosts — each connection
 * carries its pinned host key and logs in with a fresh key and a certificate minted for it.
 */
public final class DownstreamClient implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(DownstreamClient.class);
  private final SshClient client;
  private final CertificateAuthority ca;

  private DownstreamClient(SshClient client, CertificateAuthority ca) {
    this.client = client;
    this.ca = ca;
  }

  public static DownstreamClient start(CertificateAuthority ca, List<String> ciphers) {
    SshClient c = SshClient.setUpDefaultClient();
    c.setHostConfigEntryResolver(HostConfigEntryResolver.EMPTY);
    c.setKeyIdentityProvider(KeyIdentityProvider.EMPTY_KEYS_PROVIDER);
    c.setServerKeyVerifier(PinnedHostKey.VERIFIER);
    CoreModuleProperties.ABORT_ON_INVALID_CERTIFICATE.set(c, true);
    // MINA leaves Nagle on; the user's side turns it off (see Gateway). The login's messages and
    // every keystroke are small packets that Nagle would hold while an earlier one is unacknowledged.
    CoreModuleProperties.TCP_NODELAY.set(c, true);
    @SuppressWarnings({"unchecked", "rawtypes"})
    List<NamedFactory<Cipher>> factories = (List) BuiltinCiphers.parseCiphersList(ciphers).getParsedFactories();
    c.setCipherFactories(factories);
    c.addSessionListener(KEX_DONE);
    c.start();
    return new DownstreamClient(c, ca);
  }

  /**
   * Connects and logs in as {@code settings.user()} with a certificate whose key id is the person
   * and which is valid until {@code validBefore}. Blocking: call it off MINA's I/O threads.
   */
  public ClientSession connect(SshTargetSettings settings, String identity, Instant validBefore) throws DownstreamFailure {
    return connect(settings, identity, validBefore, new SetupTrace());
  }

  /** When the first key exchange of a downstream session completed (System.nanoTime), for {@link SetupTrace}. */
  private static final AttributeRepository.AttributeKey<Long> KEX_DONE_AT = new AttributeRepository.AttributeKey<>();

  private static final SessionListener KEX_DONE = new SessionListener() {
    @Override
    public void sessionEvent(Session session, Event event) {
      if (event == Event.KexCompleted && session.getAttribute(KEX_DONE_AT) == null) {
        session.setAttribute(KEX_DONE_AT, System.nanoTime());
      }
    }
  };

  ClientSession connect(SshTargetSettings settings, String identity, Instant validBefore, SetupTrace trace)
      throws DownstreamFailure {
    if (!validBefore.isAfter(Instant.now().plusSeconds(1))) {
      // The person's certificate or binding ends now: no certificate for the host outlives it.
      throw new DownstreamFailure("cert-expired", "the login's certificate or key binding has expired ("
          + validBefore + "); log in again", null);
    }
    PinnedHostKey pin = PinnedHostKey.parse(settings.hostKey(), settings.host());
    AttributeRepository context = AttributeRepository.ofKeyValuePair(PinnedHostKey.KEY, pin);
    long timeout = settings.connectTimeout().toMillis();
    String where = settings.user() + "@" + settings.host() + ":" + settings.port();
    ClientSession session;
    try {
      session = client.connect(settings.user(), settings.host(), settings.port(), context, null)
          .verify(timeout).getSession();
      trace.mark("tcp");
    } catch (IOException e) {
      Throwable root = rootCause(e);
      String slug = root instanceof ConnectException ? "target-refused" : "target-unreachable";
      throw new DownstreamFailure(slug, "cannot connect to " + where + ": " + root.getMessage(), e);
    }
    try {
      KeyPair key = KeyUtils.generateKeyPair(KeyPairProvider.SSH_ED25519, 256);
      OpenSshCertificate cert = ca.signTargetCertificate(key.getPublic(), identity, settings.user(), validBefore);
      session.addPublicKeyIdentity(new KeyPair(cert, key.getPrivate()));
      trace.mark("cert");
      AuthFuture auth = session.auth();
      auth.verify(timeout);
      Long kexDone = session.getAttribute(KEX_DONE_AT);
      if (kexDone != null) {
        trace.mark("kex", kexDone);
      }
      trace.mark("auth");
      if (LOG.isDebugEnabled()) {
        LOG.debug("downstream {}: kex {}, host key {}, cipher {}/{}, mac {}/{}", where,
            session.getNegotiatedKexParameter(KexProposalOption.ALGORITHMS),
            session.getNegotiatedKexParameter(KexProposalOption.SERVERKEYS),
            session.getNegotiatedKexParameter(KexProposalOption.C2SENC),
            session.getNegotiatedKexParameter(KexProposalOption.S2CENC),
            session.getNegotiatedKexParameter(KexProposalOption.C2SMAC),
            session.getNegotiatedKexParameter(KexProposalOption.S2CMAC));
      }
      return session;
    } catch (IOException | GeneralSecurityException | RuntimeException e) {
      String hostKey = pin.failure();
      session.close(true);
      if (hostKey != null) {
        throw new DownstreamFailure("target-host-key", where + ": " + hostKey, e);
      }
      // With ABORT_ON_INVALID_CERTIFICATE, MINA itself refuses a host certificate that is expired,
      // not a host certificate or names another host, during key exchange and before our verifier
      // runs: that is the host's identity failing, not the host refusing our certificate.
      String hostCertificate = hostCertificateFailure(e);
      if (hostCertificate != null) {
        throw new DownstreamFailure("target-host-key", where + ": the host's certificate was refused: " + hostCertificate, e);
      }
      throw new DownstreamFailure("target-auth-failed",
          where + " refused the gateway's certificate (does the host trust the target CA? see `gatehouse ca target-key`): "
              + rootCause(e).getMessage(), e);
    }
  }

  /** The message of a key-exchange failure over the host's certificate or signature, or null. */
  private static String hostCertificateFailure(Throwable t) {
    for (; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof SshException s
          && s.getDisconnectCode() == SshConstants.SSH2_DISCONNECT_KEY_EXCHANGE_FAILED
          && s.getMessage() != null
          && s.getMessage().startsWith("KeyExchange signature verification failed")) {
        return s.getMessage();
      }
    }
    return null;
  }

  private static Throwable rootCause(Throwable t) {
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t;
  }

  @Override
  public void close() {
    try {
      client.stop();
    } catch (RuntimeException e) {
      // Shutting down.
    }
  }
}
