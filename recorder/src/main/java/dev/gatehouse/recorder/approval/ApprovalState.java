package dev.gatehouse.recorder.approval;

import java.util.Locale;

/** Where a request stands. Only {@code PENDING} changes; the others are final. */
public enum ApprovalState {
  PENDING,
  APPROVED,
  DENIED,
  EXPIRED,
  CANCELLED;

  /** The lower-case name used in JSON, the CLI and the store. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static ApprovalState fromWire(String s) {
    try {
      return valueOf(s.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException | NullPointerException e) {
      throw new IllegalArgumentException(
          "state: '" + s + "' must be one of pending, approved, denied, expired, cancelled");
    }
  }
}
