package dev.gatehouse.gateway.kube;

import dev.gatehouse.gateway.approval.ApprovalDesk;
import dev.gatehouse.gateway.approval.ApprovalGate;
import dev.gatehouse.gateway.config.TargetConfig;
import dev.gatehouse.kube.ProxySession;
import dev.gatehouse.kube.ReviewedRequest;
import dev.gatehouse.policy.Approvers;
import dev.gatehouse.policy.KubePolicy;
import dev.gatehouse.policy.KubeRequest;
import dev.gatehouse.policy.Verdict;
import dev.gatehouse.recorder.StatementMarker;
import dev.gatehouse.recorder.approval.ApprovalKind;
import dev.gatehouse.recorder.approval.ApprovalRequest;
import dev.gatehouse.recorder.approval.NewApprovalRequest;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Kubernetes request the policy sends to review, settled through the {@link ApprovalDesk} as a
 * PostgreSQL statement is: the proxy holds the request (kubectl waits on its HTTP answer) until an
 * approver decides.
 *
 * <pre>
 *  review ─▶ an unused approval of exactly this request (method, path, query, Content-Type, body) for this rule
 *         │  by this person? ─ yes ─▶ forward
 *         └▶ no approvers ─▶ refused (77)
 *         └▶ new request (audit GH3002I, webhook, marker "review RULE (request ID): DELETE pods/web-1 in namespace app …"),
 *              its text the request whole (ReviewedRequest)
 *              ├ GATEHOUSE_NOWAIT=1 ─▶ refused now, "approval pending: request ID" (76); a retry while it is
 *              │    pending gets the same request; approved: the retry runs; denied/expired: told once (75)
 *              └ "waiting for approval (request ID ...)" to the user ─▶ wait until
 *                  approved ─▶ marker "approved by …", forward │ denied / expired / cancelled ─▶ refused (75)
 *                  kubectl ended (Ctrl-C) or the session ended ─▶ cancelled
 * </pre>
 */
final class KubeReviews implements ProxySession.Reviews {
  private static final Logger LOG = LoggerFactory.getLogger(KubeReviews.class);
  static final int EXIT_BLOCKED = 77;
  static final int EXIT_APPROVAL_REFUSED = 75;
  static final int EXIT_APPROVAL_PENDING = 76;

  /**
   * A review that ends in a refusal: the verdict the proxy answers with, the one line and exit code
   * of the exec path, and the status an agent's tool result names (blocked, pending, denied,
   * expired, cancelled).
   */
  record Refused(Verdict.Block verdict, String line, int exitCode, String status) {}

  /** What the session is told. */
  interface Outcomes {
    /** A line for the user while kubectl waits ({@code gatehouse: waiting for approval (request 7F3A ...)}). */
    void notice(String line);

    /** The review ended in a refusal; the proxy answers the client with {@code refused.verdict()} next. */
    void refused(Refused refused);
  }

  private final ApprovalDesk desk;
  private final TargetConfig target;
  private final KubePolicy policy;
  private final ApprovalGate.Session session;
  private final boolean noWait;
  private final Outcomes outcomes;
  private final Set<String> waiting = ConcurrentHashMap.newKeySet();

  KubeReviews(ApprovalDesk desk, TargetConfig target, KubePolicy policy, ApprovalGate.Session session, boolean noWait,
      Outcomes outcomes) {
    this.desk = desk;
    this.target = target;
    this.policy = policy;
    this.session = session;
    this.noWait = noWait;
    this.outcomes = outcomes;
  }

  /** Refusals of this kubectl run by request: kubectl asks again for a refused stream (SPDY after WebSocket). */
  private final java.util.Map<String, Refused> refusedThisRun = new ConcurrentHashMap<>();

  /** A new kubectl run starts: what the last one was refused may be asked anew. */
  void newRun() {
    refusedThisRun.clear();
  }

  @Override
  public Verdict decide(KubeRequest request, Verdict.Review review, ReviewedRequest reviewed)
      throws InterruptedException {
    Refused before = refusedThisRun.get(reviewed.key());
    if (before != null) {
      outcomes.refused(before);
      return before.verdict();
    }
    return judge(review, reviewed);
  }

  private Verdict judge(Verdict.Review review, ReviewedRequest reviewed) throws InterruptedException {
    // The approver sees what the approval is bound to: method, path and query, Content-Type, body.
    String text = reviewed.text();
    String approvalKey = reviewed.key();
    Approvers approvers = policy.approversOf(review.rule()).or(target::approverRule).orElse(null);
    if (approvers == null || desk == null) {
      String why = review.reason() + " (target " + target.name() + " names no approvers, so it cannot be approved)";
      return refuse(approvalKey, review, why, "gatehouse: needs approval (rule " + review.rule() + "): " + why, EXIT_BLOCKED);
    }
    try {
      var reuse = desk.useStatementApproval(session.identity(), target.name(), approvalKey, review.rule(), text,
          session.sessionId());
      if (reuse.isPresent()) {
        session.marker(approved(reuse.get(), text));
        return Verdict.ALLOW;
      }
      String who = String.join(", ", approvers.groups()) + (approvers.min() > 1 ? ", " + approvers.min() + " of them" : "");
      if (noWait) {
        // A retry that does not wait: the request it made already, not one more per poll.
        var earlier = desk.earlierRequest(session.identity(), target.name(), approvalKey, review.rule());
        if (earlier.isPresent()) {
          return earlierOutcome(earlier.get(), approvalKey, review, text, who);
        }
      }
      // A waiting session is tied to its request (if it dies, the request is cancelled); a NOWAIT
      // request outlives its session by design: the agent retries in a new one.
      ApprovalRequest r = desk.request(new NewApprovalRequest(ApprovalKind.STATEMENT, session.identity(), target.name(),
          text, approvalKey, review.rule(), review.reason(), approvers.groups(), approvers.min(),
          noWait ? null : session.sessionId(), desk.ttl(), null), session.sessionId());
      session.marker("review " + review.rule() + " (request " + r.id() + "): " + StatementMarker.text(text));
      session.requested(r);
      if (noWait) {
        return pending(approvalKey, review, r, who);
      }
      outcomes.notice("gatehouse: waiting for approval (request " + r.id() + ", approvers: " + who + ") — Ctrl-C to cancel");
      ApprovalRequest done = await(r);
      return switch (done.state()) {
        case APPROVED -> {
          if (desk.use(done, session.sessionId(), text)) {
            session.marker(approved(done, text));
            yield Verdict.ALLOW;
          }
          String why = "approval " + r.id() + " could not be used";
          yield refuse(approvalKey, review, why, "gatehouse: " + why, EXIT_APPROVAL_REFUSED, "expired");
        }
        case DENIED -> {
          String why = ApprovalGate.denial(done);
          yield refuse(approvalKey, review, why, "gatehouse: " + why, EXIT_APPROVAL_REFUSED, "denied");
        }
        case CANCELLED -> {
          String why = "approval request " + r.id() + " cancelled";
          yield refuse(approvalKey, review, why, "gatehouse: " + why, EXIT_APPROVAL_REFUSED, "cancelled");
        }
        default -> {
          String why = "approval request " + r.id() + " expired without a decision";
          yield refuse(approvalKey, review, why, "gatehouse: " + why, EXIT_APPROVAL_REFUSED, "expired");
        }
      };
    } catch (IOException e) {
      LOG.error("session {}: approvals store failed; refusing the request", session.sessionId(), e);
      String why = review.reason() + " (the approvals store is unavailable)";
      return refuse(approvalKey, review, why, "gatehouse: needs approval (rule " + review.rule() + "): " + why, EXIT_BLOCKED);
    }
  }

  private Verdict pending(String approvalKey, Verdict.Review review, ApprovalRequest r, String who) {
    String why = "approval pending: request " + r.id() + " (approvers: " + who
        + "); run the same command again once it is approved";
    return refuse(approvalKey, review, why, "gatehouse: " + why, EXIT_APPROVAL_PENDING, "pending");
  }

  /** A retry that found its earlier request: still pending (the same request), or its refusal, told once. */
  private Verdict earlierOutcome(ApprovalRequest r, String approvalKey, Verdict.Review review, String text, String who) {
    if (r.state() == dev.gatehouse.recorder.approval.ApprovalState.PENDING) {
      session.marker("review " + review.rule() + " (request " + r.id() + ", still pending): " + StatementMarker.text(text));
      session.requested(r);
      return pending(approvalKey, review, r, who);
    }
    String why = switch (r.state()) {
      case DENIED -> ApprovalGate.denial(r);
      case CANCELLED -> "approval request " + r.id() + " cancelled";
      default -> "approval request " + r.id() + " expired without a decision";
    };
    return refuse(approvalKey, review, why, "gatehouse: " + why, EXIT_APPROVAL_REFUSED, r.state().wireName());
  }

  private Verdict refuse(String approvalKey, Verdict.Review review, String why, String line, int exitCode) {
    return refuse(approvalKey, review, why, line, exitCode, "blocked");
  }

  private Verdict refuse(String approvalKey, Verdict.Review review, String why, String line, int exitCode,
      String status) {
    Verdict.Block b = new Verdict.Block(review.rule(), why);
    Refused r = new Refused(b, line, exitCode, status);
    refusedThisRun.put(approvalKey, r);
    outcomes.refused(r);
    return b;
  }

  private ApprovalRequest await(ApprovalRequest r) throws IOException, InterruptedException {
    var pending = desk.await(r.id());
    waiting.add(r.id());
    try {
      // The desk expires the request at its expiry; the margin only guards against a stuck store.
      long waitMs = Math.max(0, Duration.between(Instant.now(), r.expiresAt()).toMillis()) + 10_000;
      return pending.get(waitMs, TimeUnit.MILLISECONDS);
    } catch (TimeoutException | ExecutionException | java.util.concurrent.CancellationException e) {
      desk.cancel(r.id(), "wait-ended");
      return desk.find(r.id()).orElse(r);
    } catch (InterruptedException e) {
      desk.cancel(r.id(), "interrupted");
      throw e;
    } finally {
      waiting.remove(r.id());
    }
  }

  /** kubectl ended (Ctrl-C) or the session did: requests still waiting are cancelled. */
  void cancelWaiting(String reason) {
    for (String id : waiting) {
      desk.cancel(id, reason);
    }
  }

  private static String approved(ApprovalRequest a, String text) {
    return "approved by " + String.join(", ", a.approvers()) + " (request " + a.id() + "): " + StatementMarker.text(text);
  }
}
