package dev.gatehouse.gateway.config;

import java.time.Duration;

/**
 * {@code audit: {syncInterval: 0ms}}. Lines that record what already happened (each allowed
 * statement, recording checkpoints, an approval used) are written in groups as they come and forced
 * to disk (fdatasync) at most {@code syncInterval} later, one fdatasync for every group written in
 * between: a crash of the gateway loses none of them, a power loss or kernel crash at most the last
 * {@code syncInterval} of them. Every other line (logins and their failures, session start and end,
 * refusals, reviews, approvals decided) is on disk before the action it records goes on, whatever
 * this is. {@code 0ms} forces each group as it is written.
 */
public record AuditSettings(Duration syncInterval) {
  /**
   * Zero: every group forced as it is written. Fewer fdatasyncs did not lower the gateway's CPU per
   * statement measurably (docs/PERFORMANCE-postgres.md: the fdatasync is time the audit thread waits,
   * off the answer's path, not CPU), so by default nothing is given up for them. An operator whose
   * disk makes each fdatasync expensive may set an interval and accept what it can lose.
   */
  public static final Duration DEFAULT_SYNC_INTERVAL = Duration.ZERO;

  private static final Duration MAX_SYNC_INTERVAL = Duration.ofSeconds(1);

  public AuditSettings {
    syncInterval = syncInterval == null ? DEFAULT_SYNC_INTERVAL : syncInterval;
    if (syncInterval.isNegative() || syncInterval.compareTo(MAX_SYNC_INTERVAL) > 0) {
      throw new IllegalArgumentException("syncInterval: " + syncInterval.toMillis()
          + "ms must be between 0ms (each group forced as written) and 1s");
    }
  }

  public static AuditSettings defaults() {
    return new AuditSettings(null);
  }
}
