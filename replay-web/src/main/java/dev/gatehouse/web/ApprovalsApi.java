package dev.gatehouse.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gatehouse.recorder.approval.ApprovalDecision;
import dev.gatehouse.recorder.approval.ApprovalRefused;
import dev.gatehouse.recorder.approval.ApprovalRequest;
import dev.gatehouse.recorder.approval.ApprovalState;
import dev.gatehouse.web.login.Caller;
import java.io.IOException;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.Set;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * {@code GET /api/approvals} and {@code POST /api/approvals/{id}/approve|deny}. Approvers and
 * auditors see every request; anyone else sees the requests they made and those whose approver
 * groups they are in. Deciding is the gateway's rule (approver groups, no self-approval, once per
 * approver), refusals answer 403 with the slug; the operator of a one-time link needs no approver
 * group (as on the command line), the other rules hold.
 */
final class ApprovalsApi {
  static final int LIMIT = 500;
  /** A comment is at most 1000 characters; the JSON around it fits in 16 KiB. */
  static final int MAX_BODY = 16 * 1024;

  private final ReplayWebContext ctx;

  ApprovalsApi(ReplayWebContext ctx) {
    this.ctx = ctx;
  }

  boolean list(Caller caller, Request request, Response response, Callback callback) throws IOException {
    Approvals desk = ctx.approvals();
    ArrayNode out = Replies.JSON.createArrayNode();
    if (desk == null) {
      return Replies.json(response, callback, 200, out);
    }
    Set<ApprovalState> states = EnumSet.noneOf(ApprovalState.class);
    try {
      String state = QueryString.of(request).get("state");
      if (state != null && !state.isBlank() && !state.equals("all")) {
        for (String s : state.split(",")) {
          states.add(ApprovalState.fromWire(s.strip()));
        }
      }
    } catch (QueryString.Malformed | IllegalArgumentException e) {
      return Replies.error(response, callback, 400, "bad-request", e.getMessage());
    }
    for (ApprovalRequest r : desk.list(states, LIMIT)) {
      if (maySee(caller, r)) {
        out.add(json(caller, r));
      }
    }
    return Replies.json(response, callback, 200, out);
  }

  boolean decide(Caller caller, String id, boolean approve, Request request, Response response, Callback callback)
      throws IOException {
    Approvals desk = ctx.approvals();
    if (desk == null) {
      return Replies.error(response, callback, 404, "not-found", "this gateway has no approvals");
    }
    RequestBody.read(request, response, callback, MAX_BODY, bytes -> {
      JsonNode body = Replies.jsonObject(bytes);
      if (body == null) {
        Replies.error(response, callback, 400, "bad-request", "the body must be a JSON object {\"comment\": ...}");
        return;
      }
      String comment = Replies.clean(body.path("comment").asText(""), 1000);
      try {
        // The operator (one-time link) vouches as `approvals approve --as` does: no approver group.
        ApprovalRequest r = desk.decide(id, caller.identity(),
            caller.operator() ? null : new LinkedHashSet<>(caller.groups()), approve, comment.isEmpty() ? null : comment);
        Replies.json(response, callback, 200, json(caller, r));
      } catch (ApprovalRefused e) {
        int status = e.slug().equals("not-found") ? 404 : 403;
        Replies.error(response, callback, status, e.slug(), e.getMessage());
      }
    });
    return true;
  }

  static boolean maySee(Caller caller, ApprovalRequest r) {
    return caller.approver() || caller.auditor() || caller.identity().equals(r.requester())
        || r.approverGroups().stream().anyMatch(caller.groups()::contains);
  }

  static boolean mayDecide(Caller caller, ApprovalRequest r) {
    return r.state() == ApprovalState.PENDING
        && !caller.identity().equals(r.requester())
        && (caller.operator() || r.approverGroups().stream().anyMatch(caller.groups()::contains))
        && r.decisions().stream().noneMatch(d -> d.approver().equals(caller.identity()));
  }

  static ObjectNode json(Caller caller, ApprovalRequest r) {
    ObjectNode o = Replies.JSON.createObjectNode();
    o.put("id", r.id());
    o.put("kind", r.kind().wireName());
    o.put("state", r.state().wireName());
    o.put("requester", r.requester());
    o.put("target", r.target());
    o.put("statement", r.statement());
    o.put("rule", r.rule());
    o.put("reason", r.reason());
    o.put("createdAt", r.createdAt().toString());
    o.put("expiresAt", r.expiresAt().toString());
    o.put("sessionId", r.sessionId());
    o.put("usableUntil", r.usableUntil() == null ? null : r.usableUntil().toString());
    ObjectNode approvers = o.putObject("approvers");
    ArrayNode groups = approvers.putArray("groups");
    r.approverGroups().forEach(groups::add);
    approvers.put("min", r.approversNeeded());
    ArrayNode decisions = o.putArray("decisions");
    for (ApprovalDecision d : r.decisions()) {
      decisions.addObject().put("approver", d.approver()).put("decision", d.decision()).put("comment", d.comment())
          .put("at", d.at().toString());
    }
    o.put("mayDecide", mayDecide(caller, r));
    return o;
  }
}
