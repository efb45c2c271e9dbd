package dev.gatehouse.gateway.auth;

import dev.gatehouse.gateway.ChannelOpenRefusals;
import dev.gatehouse.gateway.Audit;
import dev.gatehouse.gateway.config.SshSettings;
import dev.gatehouse.keys.UserCertificateChecker;
import java.io.IOException;
import java.security.PublicKey;
import java.util.List;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.core.CoreModuleProperties;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.auth.AbstractUserAuthFactory;
import org.apache.sshd.server.auth.UserAuth;
import org.apache.sshd.server.auth.UserAuthFactory;
import org.apache.sshd.server.auth.pubkey.UserAuthPublicKey;
import org.apache.sshd.server.auth.pubkey.UserAuthPublicKeyFactory;
import org.apache.sshd.server.session.ServerSession;

/**
 * Installs certificate-only login on a MINA server: publickey is the only method that can log in;
 * keyboard-interactive is offered without prompts, for the device login with {@code oidc} and
 * otherwise only to tell a client that ran out of keys why (passwords, host-based and GSSAPI are
 * never advertised). The limits before login are set, and every failure is audited.
 */
public final class CertificateLogin {
  private CertificateLogin() {}

  /**
   * @param deviceLogin when not null (oidc configured), people without the CLI may log in with a
   *     plain key plus a device login at the identity provider (keyboard-interactive, no prompts)
   */
  public static void install(
      SshServer server, SshSettings ssh, UserCertificateChecker checker, Audit audit, DeviceLogin deviceLogin) {
    UserAuthFactory certificates =
        new UserAuthPublicKeyFactory() {
          @Override
          public UserAuthPublicKey createUserAuth(ServerSession session) throws IOException {
            return new CertificateUserAuth(checker, audit, deviceLogin != null);
          }
        };
    if (deviceLogin == null) {
      // Keyboard-interactive that never prompts: only to tell a client that ran out of keys why
      // its plain key was refused (PlainKeyNoticeAuth).
      UserAuthFactory notice =
          new AbstractUserAuthFactory(PlainKeyNoticeAuth.NAME) {
            @Override
            public UserAuth createUserAuth(ServerSession session) {
              return new PlainKeyNoticeAuth();
            }
          };
      server.setUserAuthFactories(List.of(certificates, notice));
    } else {
      UserAuthFactory device =
          new AbstractUserAuthFactory(DeviceLoginAuth.NAME) {
            @Override
            public UserAuth createUserAuth(ServerSession session) {
              return new DeviceLoginAuth(deviceLogin);
            }
          };
      server.setUserAuthFactories(List.of(certificates, device));
    }
    // Notes the requested user name of failed logins for the audit (see AuthFailures); refused
    // channel opens tell the client why (see ChannelOpenRefusals).
    server.setServiceFactories(List.of(UserNameRecordingAuthService.FACTORY, ChannelOpenRefusals.FACTORY));
    // Reached only through CertificateUserAuth, after the checker accepted this very key.
    server.setPublickeyAuthenticator(CertificateLogin::isVetted);
    server.setPasswordAuthenticator(null);
    server.setKeyboardInteractiveAuthenticator(null);
    server.setGSSAuthenticator(null);
    server.setHostBasedAuthenticator(null);
    // A device login sets its own connection's timeout, once, to its fixed deadline.
    CoreModuleProperties.AUTH_TIMEOUT.set(server, ssh.authTimeout());
    CoreModuleProperties.MAX_AUTH_REQUESTS.set(server, ssh.maxAuthAttempts());
    server.addSessionListener(new AuthFailures(audit, ssh.maxConnectionsPerAddress()));
  }

  private static boolean isVetted(String username, PublicKey key, ServerSession session) {
    PublicKey vetted = session.getAttribute(CertificateUserAuth.VETTED_KEY);
    return vetted != null && KeyUtils.compareKeys(vetted, key);
  }
}
