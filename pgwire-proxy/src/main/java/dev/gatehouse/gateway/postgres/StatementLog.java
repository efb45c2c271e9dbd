package dev.gatehouse.gateway.postgres;

import java.time.Duration;

/**
 * Audit line and recording marker per statement: each blocked statement when it is judged, each
 * allowed one when the server finished it ({@code rows} from CommandComplete, summed over the
 * statements of a multi-statement Query).
 */
public interface StatementLog {
  void statement(String sql, String verdict, String rule, String reason, long rows, Duration duration);

  /**
   * The full text of an error or notice that reached the client hidden, because {@code sql}
   * touches a masked column: for the audit log alone (never the gateway's log or the recording).
   */
  default void errorHidden(String sql, String sqlState, String text) {}

  StatementLog NONE = (sql, verdict, rule, reason, rows, duration) -> {};
}
