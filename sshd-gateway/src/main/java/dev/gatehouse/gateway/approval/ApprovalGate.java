package dev.gatehouse.gateway.approval;

import dev.gatehouse.gateway.config.TargetConfig;
import dev.gatehouse.gateway.postgres.ForwardingStatementGate;
import dev.gatehouse.gateway.postgres.StatementGate;
import dev.gatehouse.policy.ApprovalKey;
import dev.gatehouse.policy.Approvers;
import dev.gatehouse.policy.SqlPolicy;
import dev.gatehouse.policy.StandardConformingStrings;
import dev.gatehouse.recorder.StatementMarker;
import dev.gatehouse.recorder.VisibleText;
import dev.gatehouse.recorder.approval.ApprovalKind;
import dev.gatehouse.recorder.approval.ApprovalRequest;
import dev.gatehouse.recorder.approval.NewApprovalRequest;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One session's statement gate with approvals: the policy judges; a {@code review} is settled
 * here.
 *
 * <pre>
 *  review ─▶ an unused approval of this statement (its ApprovalKey) for this rule by this person on this target? ─ yes ─▶ run it
 *         └▶ no approvers configured ─▶ refused (77)
 *         └▶ new request (audit GH3002I, webhook, marker)
 *              ├ GATEHOUSE_NOWAIT=1 ─▶ "approval pending: request 7F3A" (76); a retry while it is pending
 *              │    gets the same request; once approved the retry runs; denied/expired: told once (75)
 *              └ NOTICE "waiting for approval …" ─▶ wait (no thread of its own) until
 *                  approved ─▶ marker "approved by …", run │ denied / expired ─▶ ERROR (75)
 *                  Ctrl-C (CancelRequest) or the session ends ─▶ cancelled
 * </pre>
 */
public final class ApprovalGate extends ForwardingStatementGate {
  private static final Logger LOG = LoggerFactory.getLogger(ApprovalGate.class);

  /** What the gate needs of its session. */
  public interface Session {
    String sessionId();

    String identity();

    /** A marker in the session's recording. */
    void marker(String text);

    /** A request was made for a review of this session (an agent's tool result names it). */
    default void requested(ApprovalRequest request) {}
  }

  private final ApprovalDesk desk;
  private final TargetConfig target;
  /** The approvers a policy rule names for itself (else the target's). */
  private final java.util.function.Function<String, java.util.Optional<Approvers>> ruleApprovers;
  private final Session session;
  private final boolean noWait;

  public ApprovalGate(
      StatementGate policy, ApprovalDesk desk, TargetConfig target, SqlPolicy sqlPolicy, Session session, boolean noWait) {
    this(policy, desk, target,
        rule -> sqlPolicy == null ? java.util.Optional.empty() : sqlPolicy.approversOf(rule), session, noWait);
  }

  private ApprovalGate(StatementGate policy, ApprovalDesk desk, TargetConfig target,
      java.util.function.Function<String, java.util.Optional<Approvers>> ruleApprovers, Session session, boolean noWait) {
    super(policy);
    this.desk = desk;
    this.target = target;
    this.ruleApprovers = ruleApprovers;
    this.session = session;
    this.noWait = noWait;
  }

  /**
   * The gate for texts that are not SQL (a shell command): it only settles reviews, each bound to
   * the key the caller gives ({@link #settle(String, String, Decision, Hold)}).
   */
  public static ApprovalGate forCommands(ApprovalDesk desk, TargetConfig target,
      java.util.function.Function<String, java.util.Optional<Approvers>> ruleApprovers, Session session, boolean noWait) {
    return new ApprovalGate(sql -> new Decision(Decision.REVIEW, "unclassified", "not judged here"), desk, target,
        ruleApprovers, session, noWait);
  }

  @Override
  public StatementGate forConnection() {
    return new ApprovalGate(inner.forConnection(), desk, target, ruleApprovers, session, noWait);
  }

  @Override
  public Decision settle(String sql, StandardConformingStrings standardStrings, Decision review, Hold hold) {
    // The approval is bound to the statement as the server reads it (ApprovalKey), never to a
    // cleaned-up copy of its text; a row-limit approval also to the count the approver was shown.
    String key = ApprovalKey.of(sql, standardStrings);
    String rows = dev.gatehouse.gateway.postgres.RowLimit.approvalBinding(review);
    return settle(sql, rows == null ? key : key + "\n" + rows, review, hold);
  }

  /**
   * Settles a review of {@code sql} (a statement or a command), whose approval is bound to {@code
   * key} and to the review's rule: an approval given for one key, or for another rule's review of
   * the same text, is never used for this one.
   */
  public Decision settle(String sql, String key, Decision review, Hold hold) {
    Approvers approvers = ruleApprovers.apply(review.rule()).or(target::approverRule).orElse(null);
    if (approvers == null || desk == null) {
      return new Decision(Decision.REVIEW, review.rule(), review.reason()
          + " (target " + target.name() + " names no approvers, so it cannot be approved)");
    }
    try {
      var reuse = desk.useStatementApproval(session.identity(), target.name(), key, review.rule(), sql,
          session.sessionId());
      if (reuse.isPresent()) {
        session.marker(approvedMarker(reuse.get(), sql));
        // The approved request's reason: a row-limit approval is for the count it names.
        return new Decision(Decision.ALLOW, reuse.get().rule(), reuse.get().reason());
      }
      String who = String.join(", ", approvers.groups()) + (approvers.min() > 1 ? ", " + approvers.min() + " of them" : "");
      if (noWait) {
        // A retry of a call that does not wait: the request it made already, not one more per poll.
        var earlier = desk.earlierRequest(session.identity(), target.name(), key, review.rule());
        if (earlier.isPresent()) {
          return earlierOutcome(earlier.get(), sql, review, who);
        }
      }
      // A waiting session is tied to its request (if it dies, the request is cancelled); a NOWAIT
      // request outlives its session by design: the agent retries in a new one.
      ApprovalRequest r = desk.request(new NewApprovalRequest(ApprovalKind.STATEMENT, session.identity(),
          target.name(), sql, key, review.rule(), review.reason(), approvers.groups(), approvers.min(),
          noWait ? null : session.sessionId(), desk.ttl(), null), session.sessionId());
      session.marker("review " + review.rule() + " (request " + r.id() + "): " + StatementMarker.text(sql));
      session.requested(r);
      if (noWait) {
        return new Decision(Decision.PENDING, review.rule(), "approval pending: request " + r.id()
            + " (approvers: " + who + "); run the same statement again once it is approved");
      }
      hold.notice("waiting for approval (request " + r.id() + ", approvers: " + who + ") — Ctrl-C to cancel");
      ApprovalRequest done = await(r, hold);
      return switch (done.state()) {
        case APPROVED -> {
          if (desk.use(done, session.sessionId(), sql)) {
            session.marker(approvedMarker(done, sql));
            yield Decision.allow();
          }
          yield new Decision(Decision.EXPIRED, review.rule(), "approval " + r.id() + " could not be used");
        }
        case DENIED -> new Decision(Decision.DENIED, review.rule(), denial(done));
        case CANCELLED -> new Decision(Decision.CANCELLED, review.rule(), "approval request " + r.id() + " cancelled");
        default -> new Decision(Decision.EXPIRED, review.rule(),
            "approval request " + r.id() + " expired without a decision");
      };
    } catch (IOException e) {
      LOG.error("session {}: approvals store failed; refusing the statement", session.sessionId(), e);
      return new Decision(Decision.REVIEW, review.rule(), review.reason() + " (the approvals store is unavailable)");
    }
  }

  /**
   * A retry that found its earlier request: still pending (the same request, no new one), or its
   * denial, expiry or cancellation, told once.
   */
  private Decision earlierOutcome(ApprovalRequest r, String sql, Decision review, String who) {
    return switch (r.state()) {
      case PENDING -> {
        session.marker("review " + review.rule() + " (request " + r.id() + ", still pending): " + StatementMarker.text(sql));
        session.requested(r);
        yield new Decision(Decision.PENDING, review.rule(), "approval pending: request " + r.id()
            + " (approvers: " + who + "); run the same statement again once it is approved");
      }
      case DENIED -> new Decision(Decision.DENIED, review.rule(), denial(r));
      case CANCELLED -> new Decision(Decision.CANCELLED, review.rule(), "approval request " + r.id() + " cancelled");
      default -> new Decision(Decision.EXPIRED, review.rule(), "approval request " + r.id() + " expired without a decision");
    };
  }

  /** "denied by bob (request 7F3A): not today"; the approver's words reach the requester: as data. */
  public static String denial(ApprovalRequest r) {
    var d = r.denial();
    return "denied by " + (d == null ? "an approver" : VisibleText.inline(d.approver())) + " (request " + r.id() + ")"
        + (d == null || d.comment() == null ? "" : ": " + VisibleText.inline(d.comment()));
  }

  private ApprovalRequest await(ApprovalRequest r, Hold hold) throws IOException {
    var pending = desk.await(r.id());
    try (AutoCloseable ignored = hold.onCancel(() -> desk.cancel(r.id(), "client-cancelled"))) {
      // The desk expires the request at its expiry; the margin only guards against a stuck store.
      long waitMs = Math.max(0, Duration.between(Instant.now(), r.expiresAt()).toMillis()) + 10_000;
      return pending.get(waitMs, TimeUnit.MILLISECONDS);
    } catch (TimeoutException | ExecutionException | java.util.concurrent.CancellationException e) {
      desk.cancel(r.id(), "wait-ended");
      return desk.find(r.id()).orElse(r);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      desk.cancel(r.id(), "interrupted");
      return desk.find(r.id()).orElse(r);
    } catch (Exception e) { // closing the cancel hook
      return desk.find(r.id()).orElse(r);
    }
  }

  /** The marker of a statement run under an approval: the text that runs, not the approved one. */
  static String approvedMarker(ApprovalRequest a, String sql) {
    return "approved by " + String.join(", ", a.approvers()) + " (request " + a.id() + "): " + StatementMarker.text(sql);
  }
}
