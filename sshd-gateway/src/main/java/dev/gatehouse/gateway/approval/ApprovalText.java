package dev.gatehouse.gateway.approval;

import dev.gatehouse.recorder.VisibleText;
import dev.gatehouse.recorder.approval.ApprovalKind;
import dev.gatehouse.recorder.approval.ApprovalRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Requests as text for a terminal: the ssh {@code approvals} user and the CLI print the same. An
 * approver decides on what this shows, so it shows the statement whole and exactly: every line of
 * it (a line end in a statement decides what a {@code --} comment hides) on its own line behind a
 * {@code | } gutter that nothing in the statement can draw, never folded or cut; every field that
 * came from a requester or approver has its control and invisible characters made visible
 * ({@link VisibleText}).
 *
 * <pre>
 * ID       STATE     REQUESTER                TARGET         EXPIRES   RULE
 * 7F3A     pending   alice@example.com        prod-db        in 9m     orders-writes
 *   | DELETE FROM orders WHERE id = 7 -- per ticket 42
 *   | OR id > 0
 *   why: DELETE on public.orders
 *   approved by bob@example.com: looks fine
 * </pre>
 */
public final class ApprovalText {
  /** Starts every line of a statement: a requester cannot start a line, so cannot fake one. */
  static final String GUTTER = "  | ";
  private static final String ROW = "%-8s %-9s %-24s %-14s %-9s %s%n";

  private ApprovalText() {}

  public static String table(List<ApprovalRequest> requests, Instant now) {
    if (requests.isEmpty()) {
      return "no approval requests\n";
    }
    StringBuilder b = new StringBuilder(String.format(ROW, "ID", "STATE", "REQUESTER", "TARGET", "EXPIRES", "RULE"));
    for (ApprovalRequest r : requests) {
      b.append(String.format(ROW, r.id(), r.state().wireName(), VisibleText.inline(r.requester()),
          VisibleText.inline(r.target()), expires(r, now), r.rule() == null ? "-" : VisibleText.inline(r.rule())));
      if (r.kind() == ApprovalKind.ACCESS) {
        b.append("  access for ").append(ApprovalJson.duration(r.accessDuration())).append(": ")
            .append(VisibleText.inline(nullToEmpty(r.reason()))).append('\n');
      } else {
        b.append(GUTTER).append(VisibleText.indented(r.statement(), GUTTER)).append('\n');
        if (r.reason() != null && !r.reason().isBlank()) {
          b.append("  why: ").append(VisibleText.inline(r.reason())).append('\n');
        }
      }
      r.decisions().forEach(d -> b.append("  ").append(d.approved() ? "approved" : "denied").append(" by ")
          .append(VisibleText.inline(d.approver()))
          .append(d.comment() == null ? "" : ": " + VisibleText.inline(d.comment())).append('\n'));
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

  private static String nullToEmpty(String s) {
    return s == null ? "" : s;
  }
}
