package dev.gatehouse.gateway.auth;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.sshd.common.Service;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.server.session.ServerSession;
import org.apache.sshd.server.session.ServerUserAuthService;
import org.apache.sshd.server.session.ServerUserAuthServiceFactory;

/**
 * MINA's user-auth service, noting the user name of every request before MINA handles it. MINA sets
 * {@code session.getUsername()} only once a login succeeded, so without this a client that tried
 * only "none" or "password" (never a certificate) left an audit line with neither its target nor
 * the right reason.
 */
final class UserNameRecordingAuthService extends ServerUserAuthService {
  static final ServerUserAuthServiceFactory FACTORY =
      new ServerUserAuthServiceFactory() {
        @Override
        public Service create(Session session) throws IOException {
          return new UserNameRecordingAuthService(session);
        }
      };

  private UserNameRecordingAuthService(Session session) throws IOException {
    super(session);
  }

  @Override
  protected boolean handleUserAuthRequestMessage(
      ServerSession session, Buffer buffer, AtomicReference<Boolean> authHolder) throws Exception {
    int start = buffer.rpos();
    try {
      session.setAttribute(AuthFailures.REQUESTED_USER, buffer.getString());
    } catch (RuntimeException e) {
      // Malformed request: MINA rejects it below.
    } finally {
      buffer.rpos(start);
    }
    return super.handleUserAuthRequestMessage(session, buffer, authHolder);
  }
}
