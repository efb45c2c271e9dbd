package dev.gatehouse.web;

import dev.gatehouse.recorder.approval.ApprovalRefused;
import dev.gatehouse.recorder.approval.ApprovalRequest;
import dev.gatehouse.recorder.approval.ApprovalState;
import java.io.IOException;
import java.util.List;
import java.util.Set;

/**
 * The gateway's approvals, as the web side uses them. {@link #decide} must audit the decision and
 * wake whoever waits on the request, as the ssh and CLI paths do.
 */
public interface Approvals {
  /** Requests in these states (all when empty), newest first. */
  List<ApprovalRequest> list(Set<ApprovalState> states, int limit) throws IOException;

  /**
   * One approver's decision, taken through the web ({@code via} web; {@code web-local} for the
   * operator).
   *
   * @param groups the approver's groups; null for the bastion's operator logged in with a one-time
   *     link, who vouches as {@code gatehouse approvals approve --as} does
   * @throws ApprovalRefused with its slug (not-found, not-pending, expired, self-approval,
   *     not-an-approver, already-decided)
   */
  ApprovalRequest decide(String id, String identity, Set<String> groups, boolean approve, String comment)
      throws IOException, ApprovalRefused;
}
