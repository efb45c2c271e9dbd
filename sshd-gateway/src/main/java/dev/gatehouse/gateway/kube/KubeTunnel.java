package dev.gatehouse.gateway.kube;

import dev.gatehouse.gateway.GatewayServices;
import dev.gatehouse.gateway.auth.AuthenticatedUser;
import dev.gatehouse.gateway.config.TargetConfig;
import dev.gatehouse.gateway.routing.RecordedSession;
import dev.gatehouse.kube.KubeProxy;
import dev.gatehouse.kube.ProxySession;
import dev.gatehouse.policy.KubeRequest;
import dev.gatehouse.policy.Verdict;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.util.concurrent.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code ssh -N -L 16443:prod-k8s:443 prod-k8s@gw}: one forwarded connection of the user's own
 * kubectl (k9s, Lens...) as a recorded session. Its bytes are relayed to the target's API proxy
 * behind a PROXY v2 header carrying this session's token, so the SSH channel's identity is the
 * person the proxy judges; the user's kubeconfig has no credentials at all.
 *
 * <pre>
 *  kubectl ─HTTP─▶ ssh -L ─▶ direct-tcpip channel ─▶ KubeTunnel ─PROXY v2 + token─▶ KubeProxy ─▶ API server
 * </pre>
 */
public final class KubeTunnel extends RecordedSession {
  private static final Logger LOG = LoggerFactory.getLogger(KubeTunnel.class);
  private final InputStream fromClient;
  private final OutputStream toClient;
  private final Runnable closeChannel;
  private volatile Socket socket;
  private volatile KubeReviews reviews;
  /** Held while the recording closes, and while a proxy report writes into it. */
  private final Object ending = new Object();

  public KubeTunnel(GatewayServices services, TargetConfig target, AuthenticatedUser user, InputStream fromClient,
      OutputStream toClient, Runnable closeChannel) {
    super(services, target, user, "forwarded connection (ssh -L)");
    this.fromClient = fromClient;
    this.toClient = toClient;
    this.closeChannel = closeChannel;
  }

  public boolean open() {
    return openRecording(80, 24, "dumb");
  }

  public void run() {
    started();
    KubeProxy proxy = null;
    String token = null;
    try {
      proxy = services.kube().proxy(target);
      var policy = services.kube().policyFor(target);
      // A forward has no screen: a held request is told in the recording and the audit only; the
      // user's kubectl waits for the approver's decision.
      KubeReviews reviews = new KubeReviews(services.approvals(), target, policy, approvalSession(), false,
          new KubeReviews.Outcomes() {
            @Override
            public void notice(String line) {
              LOG.info("forwarded session {}: {}", id(), line);
            }

            @Override
            public void refused(KubeReviews.Refused r) {
              // the client gets the proxy's 403 with the reason
            }
          });
      this.reviews = reviews;
      token = proxy.open(new ProxySession(user.identity(), user.groups(), policy, this::completed, reviews,
          this::streamOpened, this::forwardOpened));
      Socket s = new Socket();
      socket = s;
      s.connect(proxy.tunnelAddress(), 5000);
      OutputStream up = s.getOutputStream();
      up.write(KubeProxy.tunnelHeader(token));
      up.flush();
      Future<?> down = services.pumps().submit(() -> copy(socketIn(s), toClient));
      copy(fromClient, up);
      s.shutdownOutput();
      down.get();
    } catch (IOException | RuntimeException e) {
      LOG.warn("forwarded session {} to {} ended: {}", id(), target.name(), e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (java.util.concurrent.ExecutionException e) {
      LOG.debug("forwarded session {}: relay ended: {}", id(), e.getCause().toString());
    } finally {
      if (proxy != null) {
        proxy.close(token);
      }
      KubeReviews rv = reviews;
      if (rv != null) {
        rv.cancelWaiting("session-ended");
      }
      closeSocket();
      synchronized (ending) {
        finishRecording(0, null);
      }
      closeChannel.run();
    }
  }

  private static InputStream socketIn(Socket s) {
    try {
      return s.getInputStream();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static void copy(InputStream in, OutputStream out) {
    byte[] buf = new byte[32 * 1024];
    try {
      int n;
      while ((n = in.read(buf)) > 0) {
        out.write(buf, 0, n);
        out.flush();
      }
    } catch (IOException e) {
      // the other side went away: the session ends
    }
  }

  private void completed(ProxySession.Exchange e) {
    KubeRequest r = e.request();
    Verdict v = e.verdict();
    boolean quiet = v instanceof Verdict.Allow && (r.discovery() || r.health());
    synchronized (ending) {
      requestJudged(r.describe(), v.label(), v.rule(), v.reason(), e.status(), e.millis(), "ssh -L",
          !quiet && !isFinished());
    }
  }

  /**
   * An exec or attach through the forward: the user's terminal is on their own machine, so the
   * recording takes the stream from the proxy — the container's output and the client's resizes —
   * after a marker naming pod, container and command.
   */
  private ProxySession.Stream streamOpened(KubeRequest r, String pod, String container, java.util.List<String> command,
      boolean tty) {
    synchronized (ending) {
      if (isFinished()) {
        return null;
      }
      mark(KubectlSession.streamMarker(r, pod, container, command));
    }
    return new ProxySession.Stream() {
      @Override
      public void output(byte[] b, int off, int len) {
        synchronized (ending) {
          if (!isFinished()) {
            try {
              touch();
              recording.output(b, off, len);
            } catch (IOException e) {
              recordingFailed(e);
            }
          }
        }
      }

      @Override
      public void resize(int columns, int rows) {
        synchronized (ending) {
          if (!isFinished()) {
            try {
              recording.resize(columns, rows);
            } catch (IOException e) {
              recordingFailed(e);
            }
          }
        }
      }

      @Override
      public void closed() {
        synchronized (ending) {
          if (!isFinished()) {
            mark(r.subresource() + " ended: pod " + dev.gatehouse.recorder.VisibleText.inline(pod));
          }
        }
      }
    };
  }

  /**
   * A port-forward through the forward: the bytes it carries are a connection's (a database's
   * protocol, TLS), not a terminal, so they are counted, not recorded — an audit line when it ends,
   * and a marker while the recording is open.
   */
  private ProxySession.Forward forwardOpened(KubeRequest r, String pod) {
    synchronized (ending) {
      if (!isFinished()) {
        mark("portforward pod " + dev.gatehouse.recorder.VisibleText.inline(pod)
            + (r.namespace().isEmpty() ? "" : " in namespace " + dev.gatehouse.recorder.VisibleText.inline(r.namespace()))
            + " opened (bytes counted, not recorded)");
      }
    }
    return (toPod, fromPod, millis) -> {
      // Written even after the session ended (kubectl's end often ends both): the audit outlives the recording.
      services.audit().tryRecord(dev.gatehouse.recorder.AuditCode.PORT_FORWARD_ENDED, "sessionId", id(),
          "identity", user.identity(), "target", target.name(), "request", r.describe(), "bytesToPod", toPod,
          "bytesFromPod", fromPod, "durationMs", millis, "via", "ssh -L");
      synchronized (ending) {
        if (!isFinished()) {
          mark("portforward ended: pod " + dev.gatehouse.recorder.VisibleText.inline(pod) + ", " + toPod
              + " bytes to the pod, " + fromPod + " from it");
        }
      }
    };
  }

  private void closeSocket() {
    Socket s = socket;
    if (s != null) {
      try {
        s.close();
      } catch (IOException e) {
        // closing anyway
      }
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
    closeSocket();
    closeChannel.run();
  }
}
