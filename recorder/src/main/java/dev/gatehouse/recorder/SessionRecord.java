package dev.gatehouse.recorder;

import java.time.Instant;
import java.util.Objects;

/**
 * One row of the session index. {@code path} is relative to the data directory; {@code end},
 * {@code exitStatus} and {@code sha256} are null while the session is active. Times are kept to the
 * millisecond.
 */
public record SessionRecord(
    String id,
    String identity,
    String target,
    String clientAddress,
    Instant start,
    Instant end,
    Integer exitStatus,
    long bytes,
    String path,
    String sha256,
    SessionState state) {
  public SessionRecord {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(start, "start");
    Objects.requireNonNull(state, "state");
  }
}
