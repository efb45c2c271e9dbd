package dev.gatehouse.gateway.postgres;

import dev.gatehouse.policy.StandardConformingStrings;

/**
 * Where the policy plugs in: judges the whole text of a simple Query or of an extended-protocol
 * Parse (and, again, of each Execute of a remembered statement). Anything but {@code allow} keeps
 * the statement from the server; an unknown verdict or an exception blocks (fail closed).
 *
 * <p>A {@code review} verdict is then {@linkplain #settle settled}: with approvals, the statement
 * is held while a human decides and runs if approved; without them it stays refused. Settling is
 * one use of one approval, so the proxy settles once per execution (each Query, each Execute),
 * never for a Parse, and refuses an extended batch that would execute a reviewed text twice.
 */
public interface StatementGate {
  Decision judge(String sql);

  /**
   * Judges {@code sql} as the server will read it with {@code standardStrings}; a gate that does
   * not read SQL itself ignores it.
   */
  default Decision judge(String sql, StandardConformingStrings standardStrings) {
    return judge(sql);
  }

  /**
   * The gate for one client connection, which may keep what that connection did before (the
   * SQL-level prepared statements an {@code EXECUTE} runs). The default keeps nothing.
   */
  default StatementGate forConnection() {
    return this;
  }

  /**
   * Turns a {@code review} into the final decision, on the session's client thread (which holds
   * the statement meanwhile). {@code standardStrings} is the reading the statement was judged
   * with (an approval is bound to it). The default keeps the review: refused.
   */
  default Decision settle(String sql, StandardConformingStrings standardStrings, Decision review, Hold hold) {
    return review;
  }

  /**
   * How the server must count the rows an allowed query string changes ({@code maxRowsChanged});
   * the default: not at all.
   */
  default RowLimit rowLimit(String sql) {
    return RowLimit.OFF;
  }

  /**
   * A refusal the proxy decided after the server answered, without {@link #settle} (the row limit
   * inside an open transaction or in the extended protocol), for gates that remember refusals.
   */
  default void refusedLater(String sql, Decision refusal) {}

  /**
   * What the proxy knows of its connection to the server, told before each judging: how many
   * ReadyForQuery messages came back, how many Query/Sync messages are still unanswered, and the
   * transaction status of the last ReadyForQuery. A gate that keeps per-transaction state (open
   * cursors) learns from it when a transaction has ended.
   */
  default void connection(long answered, long unanswered, char transactionStatus) {}

  /**
   * A Bind made the portal {@code name} ({@code ""}: the unnamed one, which replaces the one before
   * it) of {@code sql}, or of a statement the proxy did not see prepared ({@code sql} null). The
   * server's portals are cursors too, and one left suspended (an Execute with a row limit) can be
   * read by name by a function. Returns whether verdicts judged before may now be different.
   */
  default boolean portal(String name, String sql) {
    return false;
  }

  /**
   * The unnamed portal is gone before anything that follows runs: a simple Query (the server drops
   * it first), or a batch that binds it again before any Execute.
   */
  default void unnamedPortalDropped() {}

  /**
   * The judgements that follow are of an Execute of {@code portal} (null: of a Parse, which runs
   * nothing). A portal that runs cannot be read by name by what it runs, so it does not count
   * against its own statement.
   *
   * <p>Every gate that wraps another passes this and the three methods above on: their defaults
   * do nothing, and a wrapper that drops them leaves the policy blind to the connection's cursors
   * ({@code StatementGateWrappersTest}).
   */
  default void executing(String portal) {}

  /**
   * What this connection's judgements learn from here on (a PREPARE, a DEALLOCATE) is tentative
   * until {@link #endAttempt}: a message handled on a thread that may not wait can be handed over
   * halfway and judged again from the start, which must read it as the first judging did. The
   * default keeps nothing.
   */
  default void beginAttempt() {}

  /** Keeps ({@code keep}) or drops what was learned since {@link #beginAttempt}. */
  default void endAttempt(boolean keep) {}

  /** What a held statement can do with its client connection while it waits. */
  interface Hold {
    /** Sends a NoticeResponse (psql prints it at once, even while it waits for the result). */
    void notice(String message);

    /**
     * Runs {@code onCancel} if the client sends a CancelRequest (psql: Ctrl-C) or the session
     * ends while the statement is held; closing the returned handle forgets it.
     */
    AutoCloseable onCancel(Runnable onCancel);
  }

  /**
   * {@code verdict} is allow, block or review — or, after {@link #settle}, pending (the request
   * was made and the client asked not to wait), denied, expired or cancelled; {@code rule} and
   * {@code reason} name why. {@code readsMasked}: the statement touches a masked column, so the
   * server's errors and notices about it reach the client with their SQLSTATE only (the text goes
   * to the audit log).
   */
  record Decision(String verdict, String rule, String reason, boolean readsMasked) {
    public static final String ALLOW = "allow";
    public static final String BLOCK = "block";
    public static final String REVIEW = "review";
    public static final String PENDING = "pending";
    public static final String DENIED = "denied";
    public static final String EXPIRED = "expired";
    public static final String CANCELLED = "cancelled";

    public Decision(String verdict, String rule, String reason) {
      this(verdict, rule, reason, false);
    }

    public static Decision allow() {
      return new Decision(ALLOW, null, null);
    }

    /** This decision, for a statement that touches a masked column. */
    public Decision readingMasked() {
      return readsMasked ? this : new Decision(verdict, rule, reason, true);
    }

    public boolean allowed() {
      return ALLOW.equals(verdict);
    }

    public boolean review() {
      return REVIEW.equals(verdict);
    }

    /** The one line users and agents read: {@code blocked by rule R: reason}, and its siblings. */
    public String describe() {
      String r = rule == null ? "unnamed" : rule;
      String why = reason == null ? "refused by policy" : reason;
      return switch (verdict) {
        case REVIEW -> "needs approval (rule " + r + "): " + why;
        case PENDING, DENIED, EXPIRED, CANCELLED -> why;
        default -> "blocked by rule " + r + ": " + why;
      };
    }
  }
}
