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

  public SearchQuery {
    if (limit <= 0 || limit > MAX_LIMIT) {
      throw new IllegalArgumentException("limit must be between 1 and " + MAX_LIMIT + ", got " + limit);
    }
    text = text == null || text.isBlank() ? null : text.strip();
    if (text != null && text.length() > 500) {
      throw new IllegalArgumentException("q: at most 500 characters");
    }
  }

  public SearchQuery withIdentity(String identity) {
    return new SearchQuery(text, identity, target, state, from, to, flagged, cursor, limit);
  }
}
