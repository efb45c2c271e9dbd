package dev.gatehouse.gateway;

import java.security.KeyPair;
import java.security.PublicKey;
import java.time.Duration;
import java.util.List;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.auth.pubkey.PublicKeyAuthenticationReporter;
import org.apache.sshd.client.auth.pubkey.PublicKeyIdentity;
import org.apache.sshd.client.auth.pubkey.UserAuthPublicKey;
import org.apache.sshd.client.auth.pubkey.UserAuthPublicKeyFactory;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.SshException;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.OpenSshCertificate;
import org.apache.sshd.common.keyprovider.FileKeyPairProvider;

/**
 * MINA's SSH client, for the one attack OpenSSH will not make: offering a certificate OpenSSH
 * refuses to send (a host certificate). The server's host key must be a certificate from the
 * gateway's host CA, as with OpenSSH and the @cert-authority line.
 */
final class MinaLogin {
  private MinaLogin() {}

  /** True if the gateway accepted {@code key}'s certificate for {@code user}. */
  static boolean tryLogin(GatewayFixture gw, SshClientKey key, String user) throws Exception {
    PublicKey hostCa = gw.ca().hostCertificate().getCaPubKey();
    KeyPair plain = new FileKeyPairProvider(key.key()).loadKeys(null).iterator().next();
    KeyPair withCert = new KeyPair(GatewayFixture.readPublicKey(key.certificate()), plain.getPrivate());
    try (SshClient client = SshClient.setUpDefaultClient()) {
      client.setServerKeyVerifier((session, remote, serverKey) ->
          serverKey instanceof OpenSshCertificate c
              && c.getType() == OpenSshCertificate.Type.HOST
              && KeyUtils.compareKeys(c.getCaPubKey(), hostCa));
      // MINA's client, like OpenSSH, skips certificates that are not user certificates; an
      // attacker's client does not, so this one offers every identity as it is.
      client.setUserAuthFactories(List.of(new UserAuthPublicKeyFactory() {
        @Override
        public UserAuthPublicKey createUserAuth(ClientSession session) {
          return new UserAuthPublicKey(getSignatureFactories()) {
            @Override
            protected PublicKeyIdentity resolveAttemptedPublicKeyIdentity(
                ClientSession s, String service, PublicKeyAuthenticationReporter reporter) {
              return keys != null && keys.hasNext() ? keys.next() : null;
            }
          };
        }
      }));
      client.start();
      try (ClientSession session = client.connect(user, "127.0.0.1", gw.port())
          .verify(Duration.ofSeconds(10)).getSession()) {
        session.addPublicKeyIdentity(withCert);
        try {
          session.auth().verify(Duration.ofSeconds(10));
          return true;
        } catch (SshException e) {
          return false;
        }
      }
    }
  }
}
