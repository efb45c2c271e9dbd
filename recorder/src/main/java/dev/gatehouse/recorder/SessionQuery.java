package dev.gatehouse.recorder;

import java.time.Instant;

/**
 * Filter for {@link SessionIndex#list}. Null fields do not filter. {@code from} is inclusive and
 * {@code to} exclusive, both on the session's start. {@code limit} must be positive.
 */
public record SessionQuery(
    String identity, String target, SessionState state, Instant from, Instant to, int limit) {
  public SessionQuery {
    if (limit <= 0) {
      throw new IllegalArgumentException("limit must be positive, got " + limit);
    }
  }

  public static SessionQuery all() {
    return new SessionQuery(null, null, null, null, null, Integer.MAX_VALUE);
  }
}
