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
    SYNC,
    /**
     * A simple Query sent between the row count's snapshot and check: its results are held until
     * ReadyForQuery, the hidden results swallowed, and a failed check turned into the refusal.
     */
    COUNTED_QUERY,
    /** The proxy's own extended-protocol messages around a counted Execute: answers swallowed. */
    HIDDEN_CLOSE,
    HIDDEN_PARSE,
    HIDDEN_BIND,
    HIDDEN_EXECUTE,
    /** The hidden check after a counted Execute: its failure becomes the refusal. */
    ROW_CHECK,
    /**
     * The Parse of a hidden statement sent on its own (with {@link #HIDDEN_SYNC}), to keep it
     * prepared for the session; {@code limit} carries the generation it was sent in.
     */
    HIDDEN_PREPARE,
    /** The Sync ending the proxy's own prepare unit: its ReadyForQuery is swallowed. */
    HIDDEN_SYNC
  }

  /**
   * One expected answer. {@code sql} for QUERY/EXECUTE/COUNTED_QUERY/ROW_CHECK, {@code error} for
   * the BLOCKED kinds, {@code limit} the row limit of COUNTED_QUERY and ROW_CHECK.
   */
  record Step(Kind kind, String sql, long startNanos, byte[] error, boolean injected, long limit) {
    Step(Kind kind, String sql, long startNanos, byte[] error, boolean injected) {
      this(kind, sql, startNanos, error, injected, 0);
    }

    static Step of(Kind kind) {
      return new Step(kind, null, 0, null, false);
    }
  }

  /** The steps of one forwarded unit. */
  static final class Unit {
    final ArrayDeque<Step> steps;
    /** For a COUNTED_QUERY: how to send it again after an approval, else null. */
    final Rerun rerun;
    /**
     * A statement of this unit that touches a masked column (the gate said so), else null: the
     * server's errors and notices while it runs, and until its transaction ends, are hidden.
     */
    final String maskedSql;

    Unit(List<Step> steps) {
      this(steps, null, null);
    }

    Unit(List<Step> steps, Rerun rerun, String maskedSql) {
      this.steps = new ArrayDeque<>(steps);
      this.rerun = rerun;
      this.maskedSql = maskedSql;
    }
  }

  /** A counted Query as sent: {@code approved} when it already runs under an approved count. */
  record Rerun(RowLimit rowLimit, boolean approved) {}
}
