package dev.gatehouse.recorder;

import java.time.Instant;
import java.util.Objects;

/**
 * What goes into the first line of a recording. {@code term}, {@code title}, {@code identity},
 * {@code target} and {@code clientAddress} may be null and are then left out of the header.
 */
public record RecordingHeader(
    int width,
    int height,
    Instant start,
    String term,
    String title,
    String sessionId,
    String identity,
    String target,
    String clientAddress) {
  public RecordingHeader {
    if (width <= 0 || height <= 0) {
      throw new IllegalArgumentException(
          "terminal size must be positive, got " + width + "x" + height);
    }
    Objects.requireNonNull(start, "start");
    Objects.requireNonNull(sessionId, "sessionId");
  }
}
