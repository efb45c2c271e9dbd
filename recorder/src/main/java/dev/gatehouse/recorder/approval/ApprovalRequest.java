package dev.gatehouse.recorder.approval;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * A request for a human's approval: of one statement ({@link ApprovalKind#STATEMENT}, bound to the
 * requester, the target and the statement's key, single use) or of access to a target for
 * {@code accessDuration} ({@link ApprovalKind#ACCESS}).
 *
 * <p>{@code usableUntil} is set on approval: a statement approval may be used once until then (the
 * held statement runs at once; an agent that asked with {@code GATEHOUSE_NOWAIT} retries); an
 * access approval opens sessions until then. {@code usedAt}/{@code usedBySession} record the use.
 */
public record ApprovalRequest(
    String id,
    ApprovalKind kind,
    ApprovalState state,
    String requester,
    String target,
    String statement,
    String statementKey,
    String rule,
    String reason,
    Instant createdAt,
    Instant expiresAt,
    List<String> approverGroups,
    int approversNeeded,
    String sessionId,
    Duration accessDuration,
    Instant decidedAt,
    Instant usableUntil,
    Instant usedAt,
    String usedBySession,
    List<ApprovalDecision> decisions) {

  public ApprovalRequest {
    approverGroups = List.copyOf(approverGroups);
    decisions = List.copyOf(decisions);
  }

  /** Identities that approved, in order. */
  public List<String> approvers() {
    return decisions.stream().filter(ApprovalDecision::approved).map(ApprovalDecision::approver).toList();
  }

  /** The last decision that was a denial, if any. */
  public ApprovalDecision denial() {
    return decisions.stream().filter(d -> !d.approved()).reduce((a, b) -> b).orElse(null);
  }
}
