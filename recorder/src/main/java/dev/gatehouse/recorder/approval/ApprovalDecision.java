package dev.gatehouse.recorder.approval;

import java.time.Instant;

/**
 * One approver's answer. {@code via} says how it came: {@code ssh}, {@code cli} (the bastion's
 * operator, acting as the identity given with {@code --as}), {@code web}.
 */
public record ApprovalDecision(String approver, boolean approved, String comment, Instant at, String via) {
  public String decision() {
    return approved ? "approve" : "deny";
  }
}
