package dev.gatehouse.gateway;

import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.sshd.common.AttributeRepository.AttributeKey;
import org.apache.sshd.common.Service;
import org.apache.sshd.common.SshException;
import org.apache.sshd.common.io.IoWriteFuture;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.server.session.AbstractServerSession;
import org.apache.sshd.server.session.ServerConnectionService;
import org.apache.sshd.server.session.ServerConnectionServiceFactory;

/**
 * Lets a refused channel open tell the client why. OpenSSH prints the description of a
 * CHANNEL_OPEN_FAILURE ({@code channel 2: open failed: administratively prohibited: <description>}),
 * but MINA (2.20) sends {@code Generic error while opening channel: N} whatever the channel's
 * exception says. A channel that refuses its open names the text with {@link #describe} before
 * failing its open future; this connection service puts it in the failure message.
 */
public final class ChannelOpenRefusals {
  private static final AttributeKey<Map<Long, String>> DESCRIPTIONS = new AttributeKey<>();

  /** The connection service factory to install in place of MINA's own. */
  public static final ServerConnectionServiceFactory FACTORY = new ServerConnectionServiceFactory() {
    @Override
    public Service create(Session session) throws IOException {
      DescribingConnectionService s = new DescribingConnectionService((AbstractServerSession) session);
      s.addPortForwardingEventListenerManager(this);
      return s;
    }
  };

  private ChannelOpenRefusals() {}

  /**
   * The description the client gets for the refused open of its channel {@code clientChannelId}
   * (the sender id of its CHANNEL_OPEN, which the failure is addressed to).
   */
  public static void describe(Session session, long clientChannelId, String description) {
    session.computeAttributeIfAbsent(DESCRIPTIONS, k -> new ConcurrentHashMap<>()).put(clientChannelId, description);
  }

  private static final class DescribingConnectionService extends ServerConnectionService {
    DescribingConnectionService(AbstractServerSession session) throws SshException {
      super(session);
    }

    @Override
    protected IoWriteFuture sendChannelOpenFailure(Buffer buffer, long sender, int reasonCode, String message, String lang)
        throws IOException {
      Map<Long, String> descriptions = getSession().getAttribute(DESCRIPTIONS);
      String described = descriptions == null ? null : descriptions.remove(sender);
      return super.sendChannelOpenFailure(buffer, sender, reasonCode, described == null ? message : described, lang);
    }
  }
}
