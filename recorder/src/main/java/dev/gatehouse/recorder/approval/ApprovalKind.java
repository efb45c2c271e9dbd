package dev.gatehouse.recorder.approval;

import java.util.Locale;

/** What an approval lets happen: one statement (or command), or access to a target for a while. */
public enum ApprovalKind {
  STATEMENT,
  ACCESS;

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
