package dev.gatehouse.gateway.postgres;

import java.util.ArrayDeque;
import java.util.List;

/**
 * What the server still owes the client, in order: the client→server thread queues one {@link
 * Unit} per forwarded Query or extended-protocol batch before writing it, and the server→client
 * thread walks its steps in lockstep with the server's answers.
 */
final class Pending {
  private Pending() {}

  enum Kind {
    /** A simple Query: everything up to ReadyForQuery. */
    QUERY,
    /** A refused Query or FunctionCall: the server's error for our failing stand-in is swapped. */
    BLOCKED_QUERY,
    /** A refused extended batch: the failing stand-in Parse's error is swapped. */
    BLOCKED_PARSE,
    PARSE,
    BIND,
    DESCRIBE_STATEMENT,
    /** Describe of a portal; {@code injected} when the proxy added it to learn the row shape. */
    DESCRIBE_PORTAL,
    EXECUTE,
    CLOSE,
    SYNC
  }

  /** One expected answer. {@code sql} for QUERY/EXECUTE, {@code error} for the BLOCKED kinds. */
  record Step(Kind kind, String sql, long startNanos, byte[] error, boolean injected) {
    static Step of(Kind kind) {
      return new Step(kind, null, 0, null, false);
    }
  }

  /** The steps of one forwarded unit. */
  static final class Unit {
    final ArrayDeque<Step> steps;

    Unit(List<Step> steps) {
      this.steps = new ArrayDeque<>(steps);
    }
  }
}
