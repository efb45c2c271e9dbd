package dev.gatehouse.gateway.approval;

import dev.gatehouse.recorder.VisibleText;
import dev.gatehouse.recorder.approval.ApprovalKind;
import dev.gatehouse.recorder.approval.ApprovalRequest;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.function.UnaryOperator;

/**
 * Requests as text for a terminal: the ssh {@code approvals} user and the CLI print the same. An
 * approver decides on what this shows, so it shows the statement exactly: every line of it (a line
 * end in a statement decides what a {@code --} comment hides) on its own line behind a {@code | }
 * gutter that nothing in the statement can draw, never folded; every field that came from a
 * requester or approver has its control and invisible characters made visible ({@link
 * VisibleText}). {@code show} ({@link #whole}) shows a request whole, however long; a list shows
 * a statement over {@value #MAX_LISTED_CHARS} characters (a large Kubernetes body) in its first part,
 * then a line of the gateway's own (outside the gutter) with its full size, the SHA-256 of the whole
 * text and the command that shows it whole.
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
  /** The part of a statement a list shows (as much as a recording marker shows). */
  static final int MAX_LISTED_CHARS = 4000;
  private static final String ROW = "%-8s %-9s %-24s %-14s %-9s %s%n";

  private ApprovalText() {}

  /** Requests as a list: a very long statement in its first part, with how to see it whole. */
  public static String table(List<ApprovalRequest> requests, Instant now) {
    return table(requests, now, true);
  }

  /** One request whole, however long its statement ({@code approvals show ID}). */
  public static String whole(ApprovalRequest request, Instant now) {
    return table(List.of(request), now, false);
  }

  /**
   * The gateway's line after the first part of a statement that was cut: not in the gutter, so
   * nothing in the statement can fake or hide it.
   */
  static String cutNote(ApprovalRequest r) {
    byte[] whole = r.statement().getBytes(StandardCharsets.UTF_8);
    return "  [cut: above is the first part; the whole text is " + String.format(Locale.ROOT, "%,d",
        r.statement().length()) + " characters, " + String.format(Locale.ROOT, "%,d", whole.length)
        + " bytes, sha256 " + sha256(whole) + "; shown whole by: ssh approvals@<gateway> 'show " + r.id()
        + "', gatehouse approvals show " + r.id() + ", the web page, the JSON]";
  }

  /** The statement behind the gutter: whole, or cut at {@code max} characters of what is shown. */
  static String statement(ApprovalRequest r, int max) {
    return statement(r, max, UnaryOperator.identity());
  }

  /**
   * The same, escaped for a channel by {@code escape} (which turns one character into an entity
   * of several, as Slack's {@code &amp;} does) and cut at {@code max} characters of the escaped
   * text, never inside an entity: a cut made before escaping can grow past what the channel shows.
   */
  static String statement(ApprovalRequest r, int max, UnaryOperator<String> escape) {
    String shown = escape.apply(VisibleText.indented(r.statement(), GUTTER));
    if (shown.length() <= max) {
      return GUTTER + shown + "\n";
    }
    int cut = max;
    if (Character.isLowSurrogate(shown.charAt(cut)) && Character.isHighSurrogate(shown.charAt(cut - 1))) {
      cut--;
    }
    int entity = shown.lastIndexOf('&', cut - 1);
    if (entity >= 0 && entity > cut - 8 && shown.indexOf(';', entity) >= cut) {
      cut = entity;
    }
    return GUTTER + shown.substring(0, cut) + "…\n" + escape.apply(cutNote(r)) + "\n";
  }

  private static String sha256(byte[] b) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is always there", e);
    }
  }

  private static String table(List<ApprovalRequest> requests, Instant now, boolean cut) {
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
        b.append(statement(r, cut ? MAX_LISTED_CHARS : Integer.MAX_VALUE));
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
