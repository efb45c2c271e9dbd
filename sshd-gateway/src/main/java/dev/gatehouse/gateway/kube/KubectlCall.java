package dev.gatehouse.gateway.kube;

import dev.gatehouse.gateway.GatewayServices;
import dev.gatehouse.gateway.approval.ApprovalGate;
import dev.gatehouse.gateway.auth.AuthenticatedUser;
import dev.gatehouse.gateway.config.TargetConfig;
import dev.gatehouse.gateway.sandbox.Sandbox;
import dev.gatehouse.gateway.sandbox.SocketDirectories;
import dev.gatehouse.kube.KubeProxy;
import dev.gatehouse.kube.ProxySession;
import dev.gatehouse.policy.KubeRequest;
import dev.gatehouse.policy.Verdict;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One kubectl run for a caller without a terminal (an agent's {@code kubectl} tool call), on the
 * same path as {@code ssh prod-k8s@gw 'kubectl …'}: the arguments against {@link
 * KubectlCommandLine}'s allow-list (they are words already: no shell reading), then real kubectl in
 * the sandbox as the target's runAs user, its kubeconfig naming the target's API proxy with a token
 * of this call, and the proxy judging every request. A review never waits: the first one makes an
 * approval request (or finds the one the same call made before) and is refused as pending.
 *
 * <pre>
 *  args ─▶ KubectlCommandLine.parse(words) ─ refused ─▶ {@link NotAllowed}
 *       ─▶ token on KubeProxy (ProxySession: policy, KubeReviews NOWAIT) + kubeconfig in a call directory
 *       ─▶ caller starts {@link #launch()} (pipes), reads its output ─▶ {@link #refusal()} ─▶ {@link #close()}
 * </pre>
 *
 * The caller runs the child (its output budget is the caller's); this class owns the proxy side.
 */
public final class KubectlCall implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(KubectlCall.class);

  /** Where the call's API requests are told: an audit line each, and markers in the recording. */
  public interface Log {
    /** One API request, judged (and answered, or refused). {@code marker} false for discovery and health checks. */
    void request(String request, String verdict, String rule, String reason, int status, long millis, boolean marker);

    /** A marker in the recording (an exec stream opened). */
    void marker(String text);
  }

  /** The arguments cannot run: outside the allow-list ({@code kubectl-allow-list}), or no command at all. */
  public static final class NotAllowed extends Exception {
    private static final long serialVersionUID = 1L;
    private final boolean malformed;

    NotAllowed(KubectlCommandLine.Refused r) {
      super(r.getMessage(), null, false, false);
      this.malformed = r.syntax();
    }

    /** True when the arguments are no kubectl command at all (bad arguments rather than a policy refusal). */
    public boolean malformed() {
      return malformed;
    }

    public String rule() {
      return malformed ? "kubectl-shell-syntax" : "kubectl-allow-list";
    }
  }

  /**
   * A request of this run the proxy refused: {@code status} blocked, pending, denied, expired or
   * cancelled, with the rule and the reason.
   */
  public record Refusal(String status, String rule, String reason) {}

  private final KubeProxy proxy;
  private final String token;
  private final Path dir;
  private final Sandbox.Launch launch;
  private final AtomicReference<Refusal> refusal = new AtomicReference<>();

  private KubectlCall(KubeProxy proxy, String token, Path dir, Sandbox.Launch launch) {
    this.proxy = proxy;
    this.token = token;
    this.dir = dir;
    this.launch = launch;
  }

  /**
   * Checks {@code args} and readies kubectl for them: a token on the target's proxy and the
   * kubeconfig. {@code session} is where approval requests are tied and marked.
   */
  public static KubectlCall open(GatewayServices services, TargetConfig target, AuthenticatedUser user,
      ApprovalGate.Session session, List<String> args, Log log) throws NotAllowed, IOException {
    KubectlCommandLine.Parsed parsed;
    try {
      parsed = KubectlCommandLine.parse(args);
    } catch (KubectlCommandLine.Refused r) {
      throw new NotAllowed(r);
    }
    KubeProxy proxy = services.kube().proxy(target);
    var policy = services.kube().policyFor(target);
    Map<Verdict.Block, KubeReviews.Refused> reviewRefusals = new ConcurrentHashMap<>();
    // A call does not wait: a review is a pending request, the same call again runs once approved.
    KubeReviews reviews = new KubeReviews(services.approvals(), target, policy, session, true, new KubeReviews.Outcomes() {
      @Override
      public void notice(String line) {}

      @Override
      public void refused(KubeReviews.Refused r) {
        reviewRefusals.put(r.verdict(), r);
      }
    });
    AtomicReference<KubectlCall> self = new AtomicReference<>();
    String token = proxy.open(new ProxySession(user.identity(), user.groups(), policy, e -> {
      KubeRequest r = e.request();
      Verdict v = e.verdict();
      boolean quiet = v instanceof Verdict.Allow && (r.discovery() || r.health());
      log.request(r.describe(), v.label(), v.rule(), v.reason(), e.status(), e.millis(), !quiet);
      if (!e.forwarded() && v instanceof Verdict.Block b) {
        KubeReviews.Refused review = reviewRefusals.remove(b);
        Refusal seen = review != null ? new Refusal(review.status(), b.rule(), b.reason())
            : new Refusal("blocked", b.rule(), b.reason());
        // The first refusal is the call's answer (kubectl stops at it).
        self.get().refusal.compareAndSet(null, seen);
      }
    }, reviews, (r, pod, container, command, tty) -> {
      log.marker(KubectlSession.streamMarker(r, pod, container, command));
      return null;
    }));
    Path dir = null;
    try {
      dir = SocketDirectories.create();
      KubectlSession.writeKubeconfig(services, target, proxy, token, dir);
      Sandbox.Launch launch = services.sandbox().kubectl(services.runAsUsers().get(target.name()), dir,
          parsed.argv(), false);
      KubectlCall call = new KubectlCall(proxy, token, dir, launch);
      self.set(call);
      return call;
    } catch (IOException | RuntimeException e) {
      proxy.close(token);
      deleteQuietly(dir);
      throw e;
    }
  }

  /** kubectl in the sandbox, for pipes (no terminal). */
  public Sandbox.Launch launch() {
    return launch;
  }

  /** kubectl's whole environment. */
  public Map<String, String> env() {
    return KubectlSession.kubectlEnv();
  }

  /** The request of this run the proxy refused first, or null. */
  public Refusal refusal() {
    return refusal.get();
  }

  /** Ends the token (kubectl's requests after this are refused) and removes the kubeconfig. */
  @Override
  public void close() {
    proxy.close(token);
    deleteQuietly(dir);
  }

  private static void deleteQuietly(Path dir) {
    if (dir == null) {
      return;
    }
    try {
      Files.deleteIfExists(dir.resolve("kubeconfig"));
      Files.deleteIfExists(dir);
    } catch (IOException e) {
      LOG.debug("removing a kubectl call's kubeconfig: {}", e.toString());
    }
  }
}
