package dev.gatehouse.recorder.search;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One {@code m} event of a recording, read back: what the gateway wrote at a command or statement.
 *
 * <p>The gateway's labels are {@code <verdict>[ <rule>][ (request <id>)]: <statement>} for judged
 * statements (verdict allow, block or review; a review names the approval request it opened),
 * {@code approved by <names> (request <id>): <statement>} when a held statement runs under an
 * approval, {@code blocked <rule>: <command>} for refused psql meta-commands, {@code exec:
 * <command>} for an exec request and {@code gatehouse: <reason>} when the gateway ends a session.
 * Anything else is kept as an event with the whole label as text.
 *
 * @param t seconds from the start of the recording
 * @param kind {@code statement}, {@code command} or {@code event}
 * @param verdict {@code allow}, {@code block}, {@code review} or null
 * @param rule the rule that decided, or null
 * @param approver who approved a reviewed statement, or null
 * @param text the statement or command without the verdict prefix
 */
public record Marker(double t, String label, String kind, String verdict, String rule, String approver, String text) {
  public static final String STATEMENT = "statement";
  public static final String COMMAND = "command";
  public static final String EVENT = "event";

  private static final Pattern JUDGED =
      Pattern.compile("(allow|block|review)(?: ([^\\s:(]+))?(?: \\(request [^)]*\\))?(?: \\((?:exact|screen)\\))?: (.*)",
          Pattern.DOTALL);
  private static final Pattern APPROVED =
      Pattern.compile("approved by ([^(]+?)(?: \\(request [^)]*\\))?: (.*)", Pattern.DOTALL);
  private static final Pattern BLOCKED = Pattern.compile("blocked ([^\\s:]+): (.*)", Pattern.DOTALL);

  public static Marker parse(double t, String label) {
    Matcher m = JUDGED.matcher(label);
    if (m.matches()) {
      return new Marker(t, label, STATEMENT, m.group(1), m.group(2), null, m.group(3));
    }
    m = APPROVED.matcher(label);
    if (m.matches()) {
      return new Marker(t, label, STATEMENT, "allow", null, m.group(1).strip(), m.group(2));
    }
    m = BLOCKED.matcher(label);
    if (m.matches()) {
      return new Marker(t, label, STATEMENT, "block", m.group(1), null, m.group(2));
    }
    if (label.startsWith("exec: ")) {
      return new Marker(t, label, COMMAND, null, null, null, label.substring("exec: ".length()));
    }
    return new Marker(t, label, EVENT, null, null, null, label);
  }

  /** A blocked statement or one sent for review: what the "flagged" filter looks for. */
  public boolean flagged() {
    return "block".equals(verdict) || "review".equals(verdict);
  }
}
