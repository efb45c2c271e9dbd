package dev.gatehouse.gateway.auth;

import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.server.auth.AbstractUserAuth;

/**
 * Keyboard-interactive without {@code oidc}: never prompts and never succeeds; it exists so that
 * a person whose plain key was refused is told why ({@link RefusalBanner#PLAIN_KEY}) once their
 * client has run out of keys. OpenSSH tries keyboard-interactive only after every key and
 * certificate it has, so a plain key followed by its good certificate shows nothing. Clients in
 * batch mode skip keyboard-interactive and see only "Permission denied".
 */
final class PlainKeyNoticeAuth extends AbstractUserAuth {
  static final String NAME = "keyboard-interactive";

  PlainKeyNoticeAuth() {
    super(NAME);
  }

  @Override
  protected Boolean doAuth(Buffer buffer, boolean init) {
    if (init && getServerSession().getAttribute(RefusalBanner.PLAIN_KEY_REFUSED) != null
        && getServerSession().getAttribute(RefusalBanner.FOREIGN_CERTIFICATE) == null) {
      RefusalBanner.send(getServerSession(), RefusalBanner.PLAIN_KEY);
    }
    return Boolean.FALSE;
  }
}
