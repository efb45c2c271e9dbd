package dev.gatehouse.gateway.psql;

import dev.gatehouse.gateway.ChannelOpenRefusals;
import dev.gatehouse.gateway.GatewayServices;
import dev.gatehouse.gateway.WriteCompletions;
import dev.gatehouse.gateway.approval.ApprovalGate;
import dev.gatehouse.gateway.auth.AuthenticatedUser;
import dev.gatehouse.gateway.config.TargetConfig;
import dev.gatehouse.gateway.config.TargetType;
import dev.gatehouse.gateway.kube.KubeTunnel;
import dev.gatehouse.gateway.postgres.ClientInbox;
import dev.gatehouse.gateway.postgres.PgProxySession;
import dev.gatehouse.gateway.postgres.PostgresTargets;
import dev.gatehouse.gateway.routing.RecordedSession;
import dev.gatehouse.recorder.AuditCode;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Optional;
import java.util.function.Supplier;
import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.channel.Channel;
import org.apache.sshd.common.channel.ChannelFactory;
import org.apache.sshd.common.channel.ChannelOutputStream;
import org.apache.sshd.common.channel.ChannelPipedInputStream;
import org.apache.sshd.common.channel.ChannelPipedOutputStream;
import org.apache.sshd.common.channel.exception.SshChannelOpenException;
import org.apache.sshd.common.future.CloseFuture;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.client.future.DefaultOpenFuture;
import org.apache.sshd.client.future.OpenFuture;
import org.apache.sshd.server.channel.AbstractServerChannel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code ssh -N -L 15432:prod-db:5432 prod-db@gw}: a direct-tcpip channel whose destination host
 * names a postgres target (or a kubernetes target: then {@link KubeTunnel} relays it into the API
 * proxy) this person may use goes into the same wire proxy as psql on the
 * bastion (same policy, masking, audit, recording of statement markers) — the gateway opens no
 * TCP connection to "prod-db". The destination port is ignored; every other forward is refused.
 *
 * <pre>
 *  native client ─▶ ssh -L ─▶ direct-tcpip channel ─▶ PgProxySession ─▶ PostgreSQL (target's own credentials)
 * </pre>
 */
public final class ForwardedPostgres extends AbstractServerChannel {
  private static final Logger LOG = LoggerFactory.getLogger(ForwardedPostgres.class);

  /** The channel factory: installs next to the session channel. */
  public static ChannelFactory factory(Supplier<GatewayServices> services) {
    return new ChannelFactory() {
      @Override
      public String getName() {
        return "direct-tcpip";
      }

      @Override
      public Channel createChannel(Session session) {
        return new ForwardedPostgres(services.get());
      }
    };
  }

  private final GatewayServices services;
  private ChannelPipedInputStream fromClient;
  private ChannelPipedOutputStream pipe;
  private OutputStream toClient;
  private Recorded session;
  /** Held while the client's bytes are delivered, and while their destination changes. */
  private final Object delivering = new Object();
  /** After the proxy's startup: the client's bytes go here, handled on this channel's I/O thread. */
  private volatile ClientInbox inbox;
  /** The client sent EOF (guarded by delivering). */
  private boolean endOfInput;

  private ForwardedPostgres(GatewayServices services) {
    super("", java.util.List.of(), null);
    this.services = services;
  }

  @Override
  protected OpenFuture doInit(Buffer buffer) {
    String host = buffer.getString();
    int port = buffer.getInt();
    buffer.getString(); // originator address
    buffer.getInt(); // originator port
    OpenFuture f = new DefaultOpenFuture(this, this);
    AuthenticatedUser user = getSession().getAttribute(AuthenticatedUser.KEY);
    String refusal = refusal(user, host);
    if (refusal != null) {
      services.audit().tryRecord(AuditCode.CONNECTION_REFUSED, "reason", "forward-refused", "identity",
          user == null ? null : user.identity(), "destination", host + ":" + port, "detail", refusal);
      // The one line the user sees: OpenSSH prints it after "open failed: administratively prohibited:".
      ChannelOpenRefusals.describe(getSession(), getRecipient(), "gatehouse: " + refusal);
      f.setException(new SshChannelOpenException(getChannelId(), SshConstants.SSH_OPEN_ADMINISTRATIVELY_PROHIBITED,
          refusal));
      return f;
    }
    TargetConfig target = services.config().target(host).orElseThrow();
    if (target.type() == TargetType.KUBERNETES) {
      return kube(f, target, user);
    }
    try {
      fromClient = new ChannelPipedInputStream(this, getLocalWindow());
      pipe = new ChannelPipedOutputStream(fromClient);
      toClient = WriteCompletions.onWritingThread(
          new ChannelOutputStream(this, getRemoteWindow(), LOG, SshConstants.SSH_MSG_CHANNEL_DATA, true));
      session = new Recorded(services, target, user, this);
      if (!session.open()) {
        ChannelOpenRefusals.describe(getSession(), getRecipient(),
            "gatehouse: session refused: the recording cannot be written; tell the bastion's operator");
        f.setException(new SshChannelOpenException(getChannelId(), SshConstants.SSH_OPEN_CONNECT_FAILED,
            "the recording cannot be written"));
        return f;
      }
      // The confirmation goes out on this signal (MINA's connection service listens for it).
      signalChannelOpenSuccess();
      f.setOpened();
      services.pumps().execute(() -> session.run());
    } catch (RuntimeException e) {
      signalChannelOpenFailure(e);
      f.setException(e);
    }
    return f;
  }

  /** The kubernetes API proxy's forward: the channel's bytes relayed to the proxy as this person. */
  private OpenFuture kube(OpenFuture f, TargetConfig target, AuthenticatedUser user) {
    try {
      fromClient = new ChannelPipedInputStream(this, getLocalWindow());
      pipe = new ChannelPipedOutputStream(fromClient);
      toClient = new ChannelOutputStream(this, getRemoteWindow(), LOG, SshConstants.SSH_MSG_CHANNEL_DATA, true);
      KubeTunnel tunnel = new KubeTunnel(services, target, user, fromClient, toClient, () -> close(false));
      if (!tunnel.open()) {
        f.setException(new SshChannelOpenException(getChannelId(), SshConstants.SSH_OPEN_CONNECT_FAILED,
            "the recording cannot be written"));
        return f;
      }
      signalChannelOpenSuccess();
      f.setOpened();
      services.pumps().execute(tunnel::run);
    } catch (RuntimeException e) {
      signalChannelOpenFailure(e);
      f.setException(e);
    }
    return f;
  }

  /** Why this forward is refused, or null: only into a proxied target this person may use. */
  private String refusal(AuthenticatedUser user, String host) {
    if (user == null) {
      return "not authenticated";
    }
    if (!user.permitPortForwarding()) {
      return "the certificate does not permit port forwarding";
    }
    Optional<TargetConfig> t = services.config().target(host);
    if (t.isEmpty() || (t.get().type() != TargetType.POSTGRES && t.get().type() != TargetType.KUBERNETES)) {
      return "forwarding goes to a postgres target by name: ssh -L PORT:TARGET:5432 TARGET@gw";
    }
    if (!t.get().allow().permits(user.identity(), user.groups())) {
      return user.identity() + " may not use target '" + host + "'";
    }
    return null;
  }

  @Override
  protected void doWriteData(byte[] data, int off, long len) throws IOException {
    synchronized (delivering) {
      ClientInbox in = inbox;
      if (in != null) {
        in.receive(data, off, (int) len); // acknowledges the window itself
        return;
      }
      pipe.write(data, off, (int) len);
    }
  }

  /**
   * The proxy's startup is read from the pipe on a pump thread; after it, each message the client
   * sends is handled on the thread that delivers it (no hand-off per statement), and only what may
   * wait goes to the pump thread: see {@link ClientInbox}.
   */
  private final PgProxySession.Pusher pusher = new PgProxySession.Pusher() {
    @Override
    public ClientInbox attach(java.util.function.Supplier<ClientInbox> make) {
      synchronized (delivering) {
        ClientInbox in = make.get();
        inbox = in;
        if (endOfInput) {
          in.endOfInput();
        }
        return in;
      }
    }

    @Override
    public void acknowledge(long bytes) {
      try {
        getLocalWindow().release(bytes);
      } catch (IOException | RuntimeException e) {
        LOG.debug("forwarded channel {}: window not re-opened: {}", getChannelId(), e.toString());
        close(false);
      }
    }
  };

  @Override
  protected void doWriteExtendedData(byte[] data, int off, long len) throws IOException {
    throw new UnsupportedOperationException("direct-tcpip channels carry no extended data");
  }

  @Override
  public void handleEof() throws IOException {
    super.handleEof();
    synchronized (delivering) {
      endOfInput = true;
      ClientInbox in = inbox;
      if (in != null) {
        in.endOfInput();
      }
    }
    pipe.close();
  }

  @Override
  protected void preClose() {
    Recorded s = session;
    if (s != null && s.proxy != null) {
      s.proxy.shutdown(); // a statement held for approval is waiting on no read: end it now
    }
    if (pipe != null) {
      try {
        pipe.close();
      } catch (IOException e) {
        // closing anyway
      }
    }
    super.preClose();
  }

  /** One forwarded connection as a recorded session: statement markers, no screen. */
  private static final class Recorded extends RecordedSession {
    private final ForwardedPostgres channel;
    private volatile PgProxySession proxy;

    Recorded(GatewayServices services, TargetConfig target, AuthenticatedUser user, ForwardedPostgres channel) {
      super(services, target, user, "forwarded connection (ssh -L)");
      this.channel = channel;
    }

    boolean open() {
      return openRecording(80, 24, "dumb");
    }

    @Override
    protected String indexedCommand() {
      return null; // the recording's title says "forwarded connection"; the client sent no command
    }

    void run() {
      started();
      try {
        PostgresTargets.Access access = services.postgres().open(target);
        // A forwarded client has no SetEnv of its own: a review holds the statement (NOTICE, then
        // the result or an error), the client's CancelRequest cancels the request.
        ApprovalGate gate = new ApprovalGate(access.gate(), services.approvals(), target,
            services.postgres().policyFor(target), approvalSession(), false);
        proxy = new PgProxySession(channel.fromClient, channel.toClient, target.postgres(), gate, access.masker(),
            statementLog("ssh -L"), services.cancels());
        proxy.pushed(channel.pusher);
        proxy.run();
      } catch (IOException | RuntimeException e) {
        LOG.warn("forwarded session {} to {} ended: {}", id(), target.name(), e.toString());
      } finally {
        finishRecording(0, null);
        channel.close(false);
      }
    }


    @Override
    protected void tellUser(byte[] line) {
      // A forwarded connection has no screen: the client sees the connection close.
    }

    @Override
    protected boolean userHasTerminal() {
      return false;
    }

    @Override
    protected void stopTarget() {
      PgProxySession p = proxy;
      if (p != null) {
        p.shutdown(); // ends a statement held for approval too
      }
      channel.close(false);
    }
  }
}
