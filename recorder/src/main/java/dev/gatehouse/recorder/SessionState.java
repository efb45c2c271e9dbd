package dev.gatehouse.recorder;

import java.util.Locale;

/** Lifecycle of a recorded session; stored and printed lowercase ({@code active}, ...). */
public enum SessionState {
  ACTIVE,
  CLOSED,
  INTERRUPTED;

  /** The lowercase form used in the index, the JSON API and the CLI. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static SessionState fromWireName(String s) {
    return valueOf(s.toUpperCase(Locale.ROOT));
  }

  @Override
  public String toString() {
    return wireName();
  }
}
