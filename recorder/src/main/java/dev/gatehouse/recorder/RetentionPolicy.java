package dev.gatehouse.recorder;

import java.time.Duration;

/**
 * How long recordings are kept: none older than {@code maxAge}, and the oldest go first while
 * all of them together exceed {@code maxBytes}. Either may be null (no limit of that kind).
 */
public record RetentionPolicy(Duration maxAge, Long maxBytes) {
  public RetentionPolicy {
    if (maxAge != null && (maxAge.isNegative() || maxAge.isZero())) {
      throw new IllegalArgumentException("recording.retention.maxAge: must be positive");
    }
    if (maxBytes != null && maxBytes <= 0) {
      throw new IllegalArgumentException("recording.retention.maxBytes: must be positive");
    }
  }

  public static RetentionPolicy keepForever() {
    return new RetentionPolicy(null, null);
  }

  public boolean limitsAnything() {
    return maxAge != null || maxBytes != null;
  }
}
