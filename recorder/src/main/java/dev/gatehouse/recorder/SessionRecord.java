package dev.gatehouse.recorder;

import java.time.Instant;
import java.util.Objects;

/**
 * One row of the session index. {@code path} is relative to the data directory; {@code end},
 * {@code exitStatus} and {@code sha256} are null while the session is active. A session whose
 * program was killed by a signal has no exit status but {@code exitSignal} (e.g. {@code TERM}, as
 * SSH names it). {@code command} is the client's command of an exec session, null for an
 * interactive one. Times are kept to the millisecond.
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
    SessionState state,
    String exitSignal,
    String command) {
  public SessionRecord {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(start, "start");
    Objects.requireNonNull(state, "state");
  }

  /** A row without exit signal or command (an interactive session, or one not yet ended). */
  public SessionRecord(
      String id, String identity, String target, String clientAddress, Instant start, Instant end,
      Integer exitStatus, long bytes, String path, String sha256, SessionState state) {
    this(id, identity, target, clientAddress, start, end, exitStatus, bytes, path, sha256, state, null, null);
  }
}
