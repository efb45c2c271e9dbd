package dev.gatehouse.recorder.search;

import dev.gatehouse.recorder.SessionState;
import java.time.Instant;

/**
 * A search over the session index. Null fields do not filter. {@code text} is matched as one
 * phrase (never as FTS syntax) against commands, statements and output; {@code from} inclusive and
 * {@code to} exclusive on the session's start; {@code flagged} true keeps sessions with a blocked or
 * reviewed statement; {@code cursor} is the {@code next} of the page before.
 */
public record SearchQuery(
    String text, String identity, String target, SessionState state, Instant from, Instant to,
    Boolean flagged, String cursor, int limit) {
  public static final int MAX_LIMIT = 200;
  /** The times a search can name: four-digit years, which the index's millisecond columns hold. */
  public static final Instant EARLIEST = Instant.parse("0000-01-01T00:00:00Z");
  public static final Instant LATEST = Instant.parse("9999-12-31T23:59:59.999Z");

  public SearchQuery {
    checkRange(from, "from");
    checkRange(to, "to");
    if (limit <= 0 || limit > MAX_LIMIT) {
      throw new IllegalArgumentException("limit must be between 1 and " + MAX_LIMIT + ", got " + limit);
    }
    text = text == null || text.isBlank() ? null : text.strip();
    if (text != null && text.length() > 500) {
      throw new IllegalArgumentException("q: at most 500 characters");
    }
  }

  private static void checkRange(Instant t, String name) {
    if (t != null && (t.isBefore(EARLIEST) || t.isAfter(LATEST))) {
      throw new IllegalArgumentException(name + ": " + t + " is outside the supported range " + EARLIEST + " .. " + LATEST);
    }
  }

  public SearchQuery withIdentity(String identity) {
    return new SearchQuery(text, identity, target, state, from, to, flagged, cursor, limit);
  }
}
