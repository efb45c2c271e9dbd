package dev.gatehouse.recorder.approval;

import java.time.Duration;
import java.util.List;

/** What a session asks for; the store gives it an id, times and state. */
public record NewApprovalRequest(
    ApprovalKind kind,
    String requester,
    String target,
    String statement,
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
    approverGroups = List.copyOf(approverGroups);
    statement = statement == null ? "" : statement;
  }
}
