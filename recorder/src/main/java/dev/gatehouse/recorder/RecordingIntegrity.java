package dev.gatehouse.recorder;

/**
 * One session's recording checked against the index and the audit log: {@code ok}, {@code altered}
 * (a hash differs, or the audit log has no end line for it), {@code missing} (no file) or {@code
 * pending} (the session is still running, so there is no final hash yet). {@code detail} says what
 * was found, for a person.
 */
public record RecordingIntegrity(String status, String detail) {
  public static final String OK = "ok";
  public static final String ALTERED = "altered";
  public static final String MISSING = "missing";
  public static final String PENDING = "pending";
}
