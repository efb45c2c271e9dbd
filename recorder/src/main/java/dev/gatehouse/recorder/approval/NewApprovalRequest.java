package dev.gatehouse.recorder.approval;

import java.time.Duration;
import java.util.List;

/**
 * What a session asks for; the store gives it an id, times and state.
 *
 * @param statement the statement exactly as it was sent (empty for access requests)
 * @param statementKey what a later statement must match to use the approval (the policy's {@code
 *     ApprovalKey} of the statement); empty for access requests. The store compares keys only.
 * @param rule the rule whose review asked for the approval; a later use must name the same rule
 */
public record NewApprovalRequest(
    ApprovalKind kind,
    String requester,
    String target,
    String statement,
    String statementKey,
    String rule,
    String reason,
    List<String> approverGroups,
    int approversNeeded,
    String sessionId,
    Duration ttl,
    Duration accessDuration) {

  public NewApprovalRequest {
    if (requester == null || requester.isBlank()) {
      throw new IllegalArgumentException("requester: must be set");
    }
    if (target == null || target.isBlank()) {
      throw new IllegalArgumentException("target: must be set");
    }
    if (approversNeeded < 1) {
      throw new IllegalArgumentException("approvers.min: " + approversNeeded + " must be at least 1");
    }
    if (ttl == null || ttl.isNegative() || ttl.isZero()) {
      throw new IllegalArgumentException("approvals.ttl: must be positive");
    }
    if (kind == ApprovalKind.ACCESS && (accessDuration == null || accessDuration.isNegative() || accessDuration.isZero())) {
      throw new IllegalArgumentException("duration: an access request needs a positive duration");
    }
    if (kind == ApprovalKind.STATEMENT && (statementKey == null || statementKey.isEmpty())) {
      throw new IllegalArgumentException("statementKey: a statement request needs the key its statement is matched by");
    }
    if (kind == ApprovalKind.STATEMENT && (rule == null || rule.isEmpty())) {
      // A use matches the rule too: an approval of one review is never used for another's.
      throw new IllegalArgumentException("rule: a statement request needs the rule that asked for it");
    }
    approverGroups = List.copyOf(approverGroups);
    statement = statement == null ? "" : statement;
    statementKey = statementKey == null ? "" : statementKey;
  }
}
