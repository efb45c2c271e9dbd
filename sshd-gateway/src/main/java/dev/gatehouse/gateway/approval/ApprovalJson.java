package dev.gatehouse.gateway.approval;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gatehouse.recorder.approval.ApprovalDecision;
import dev.gatehouse.recorder.approval.ApprovalRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The JSON form of a request, as {@code approvals list --format json}, {@code GET /api/approvals}
 * and the webhook give it: the documented fields (docs/approvals.md) {@code id, state, requester, target, statement,
 * rule, reason, createdAt, expiresAt}, then {@code kind}, {@code approvers}, {@code decisions},
 * {@code duration} (access), {@code usableUntil}, {@code usedAt}.
 */
public final class ApprovalJson {
  private static final ObjectMapper JSON = new ObjectMapper();

  private ApprovalJson() {}

  public static ObjectNode of(ApprovalRequest r) {
    ObjectNode n = JSON.createObjectNode();
    n.put("id", r.id());
    n.put("state", r.state().wireName());
    n.put("requester", r.requester());
    n.put("target", r.target());
    n.put("statement", r.statement());
    n.put("rule", r.rule());
    n.put("reason", r.reason());
    n.put("createdAt", text(r.createdAt()));
    n.put("expiresAt", text(r.expiresAt()));
    n.put("kind", r.kind().wireName());
    ObjectNode approvers = n.putObject("approvers");
    ArrayNode groups = approvers.putArray("groups");
    r.approverGroups().forEach(groups::add);
    approvers.put("min", r.approversNeeded());
    ArrayNode decisions = n.putArray("decisions");
    for (ApprovalDecision d : r.decisions()) {
      ObjectNode dn = decisions.addObject();
      dn.put("approver", d.approver());
      dn.put("decision", d.decision());
      dn.put("comment", d.comment());
      dn.put("at", text(d.at()));
      dn.put("via", d.via());
    }
    if (r.accessDuration() != null) {
      n.put("duration", duration(r.accessDuration()));
    }
    n.put("usableUntil", text(r.usableUntil()));
    n.put("usedAt", text(r.usedAt()));
    return n;
  }

  public static ArrayNode of(List<ApprovalRequest> rs) {
    ArrayNode a = JSON.createArrayNode();
    rs.forEach(r -> a.add(of(r)));
    return a;
  }

  private static String text(Instant i) {
    return i == null ? null : i.toString();
  }

  /** {@code 1h}, {@code 90m}, {@code 30s}: the form the config and GATEHOUSE_DURATION use. */
  static String duration(Duration d) {
    return d == null ? null : dev.gatehouse.gateway.config.Durations.format(d);
  }
}
