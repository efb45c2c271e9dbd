package dev.gatehouse.gateway.approval;

import dev.gatehouse.recorder.approval.ApprovalKind;
import dev.gatehouse.recorder.approval.ApprovalRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** Requests as a table for a terminal: the ssh {@code approvals} user and the CLI print the same. */
public final class ApprovalText {
  private ApprovalText() {}

  public static String table(List<ApprovalRequest> requests, Instant now) {
    if (requests.isEmpty()) {
      return "no approval requests\n";
    }
    StringBuilder b = new StringBuilder(String.format("%-8s %-9s %-24s %-14s %-9s %-16s %s%n",
        "ID", "STATE", "REQUESTER", "TARGET", "EXPIRES", "RULE", "STATEMENT / REASON"));
    for (ApprovalRequest r : requests) {
      String what = r.kind() == ApprovalKind.ACCESS
          ? "access for " + ApprovalJson.duration(r.accessDuration()) + ": " + nullToEmpty(r.reason())
          : oneLine(r.statement());
      b.append(String.format("%-8s %-9s %-24s %-14s %-9s %-16s %s%n", r.id(), r.state().wireName(),
          r.requester(), r.target(), expires(r, now), r.rule() == null ? "-" : r.rule(), what));
      if (!r.decisions().isEmpty()) {
        r.decisions().forEach(d -> b.append(String.format("%8s %s by %s%s%n", "", d.approved() ? "approved" : "denied",
            d.approver(), d.comment() == null ? "" : ": " + d.comment())));
      }
    }
    return b.toString();
  }

  private static String expires(ApprovalRequest r, Instant now) {
    if (!r.state().name().equals("PENDING")) {
      return "-";
    }
    long s = Math.max(0, Duration.between(now, r.expiresAt()).toSeconds());
    return s >= 60 ? "in " + s / 60 + "m" : "in " + s + "s";
  }

  private static String oneLine(String s) {
    String one = s.replaceAll("\\s+", " ").strip();
    return one.length() > 100 ? one.substring(0, 100) + "…" : one;
  }

  private static String nullToEmpty(String s) {
    return s == null ? "" : s;
  }
}
