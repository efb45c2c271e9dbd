package dev.gatehouse.recorder;

import java.time.Instant;
import java.util.Map;

/** One line of the audit log, as appended; {@code offset} is the byte where it starts in the file. */
public record AuditEntry(
    long seq,
    Instant time,
    String code,
    String event,
    Map<String, Object> fields,
    String prev,
    String hash,
    long offset) {

  /** This line as a {@link AuditLog.Mark}: what the writer itself put there, to be checked later. */
  public AuditLog.Mark mark() {
    return new AuditLog.Mark(offset, new ChainHead(seq, hash));
  }
}
