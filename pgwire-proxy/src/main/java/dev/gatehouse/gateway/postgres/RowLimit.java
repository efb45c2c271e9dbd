package dev.gatehouse.gateway.postgres;

import dev.gatehouse.policy.RowWrites;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The row limit of one allowed query string ({@code policies.NAME.maxRowsChanged}) and how it is
 * counted: by the server, from the per-transaction counters of {@code pg_stat_xact_user_tables}'s
 * functions, so writes in triggers, functions, procedures and CTEs are included.
 *
 * <p>A counted piece is sent between two hidden statements in the same transaction: a snapshot of
 * every table's counters into a transaction-local setting, and a check that fails (a failing cast
 * of a marker naming the count and the busiest table) when the tables changed more rows than the
 * limit. The failing check aborts the transaction before it can commit, so the changes are undone
 * by the server itself. Every operator and function is schema-qualified, so a user's own operator
 * or function earlier on the search_path cannot change the count.
 *
 * @param limit rows one piece may change; 0 turns counting off
 */
public record RowLimit(long limit, RowWrites.Plan plan) {
  public static final RowLimit OFF = new RowLimit(0, new RowWrites.Uncounted());

  /** The rule named in refusals and approval requests. */
  public static final String RULE = "max-rows-changed";

  /** Column names of the hidden statements' results, which the proxy swallows. */
  static final String SNAPSHOT_COLUMN = "gatehouse_rows_before";

  static final String CHECK_COLUMN = "gatehouse_rows_checked";

  /** Names of the hidden extended-protocol statement and portal; clients may not use the prefix. */
  static final String RESERVED_PREFIX = "gatehouse_";

  static final String SNAPSHOT_STATEMENT = "gatehouse_rows_snapshot";
  static final String CHECK_STATEMENT = "gatehouse_rows_check";
  static final String PORTAL = "gatehouse_rows";

  private static final String MARKER = "gatehouse-rows:";
  private static final Pattern OVER = Pattern.compile(Pattern.quote(MARKER) + "(\\d{1,19}):(.*)");
  private static final Pattern APPROVED_COUNT = Pattern.compile("would change ([0-9,]{1,26}) rows");

  /**
   * Relations users made (oids from FirstNormalObjectId): the system catalogs' own rows, which DDL
   * changes, are not user rows, and skipping them makes the two scans about three times cheaper.
   */
  private static final String USER_RELATIONS = "c.oid OPERATOR(pg_catalog.>=) '16384'::pg_catalog.oid";

  /** Per table: rows inserted, updated and deleted in this transaction so far. */
  private static final String CHANGED =
      "pg_catalog.pg_stat_get_xact_tuples_inserted(c.oid) OPERATOR(pg_catalog.+)"
          + " pg_catalog.pg_stat_get_xact_tuples_updated(c.oid) OPERATOR(pg_catalog.+)"
          + " pg_catalog.pg_stat_get_xact_tuples_deleted(c.oid)";

  /**
   * The hidden statement before each counted one. It stores nothing: anything kept in the
   * session (a setting, a temporary table, even a signed value, whose key the statement could
   * read from its own query text) the user's statement, which runs next, could rewrite. Instead
   * the check reads the backend's pending table counters whole, which only the server writes:
   * they hold what this backend changed since its statistics were last flushed, and this
   * statement makes the server flush them as soon as the backend is idle again outside a
   * transaction (pg_stat_force_next_flush). So a check counts the rows changed by its own
   * transaction — every statement of it through the gateway, which also stops one large change
   * split into many small statements — plus anything not flushed before (only ever more).
   */
  static final String SNAPSHOT_SQL = "SELECT NULL::pg_catalog.text AS " + SNAPSHOT_COLUMN
      + " FROM pg_catalog.pg_stat_force_next_flush()";

  /** Fails with the marker when the rows changed in this transaction so far exceed {@code $1}. */
  static final String CHECK_SQL =
      "SELECT CASE WHEN d.total OPERATOR(pg_catalog.>) $1::pg_catalog.int8 THEN CAST('" + MARKER + "'"
          + " OPERATOR(pg_catalog.||) d.total::pg_catalog.text OPERATOR(pg_catalog.||) ':' OPERATOR(pg_catalog.||)"
          + " d.top AS pg_catalog.int4) ELSE 0 END AS " + CHECK_COLUMN + " FROM (SELECT COALESCE(pg_catalog.sum(x.delta), 0)"
          + " AS total, (pg_catalog.array_agg(x.name ORDER BY x.delta DESC))[1] AS top FROM (SELECT"
          + " c.relname::pg_catalog.text AS name, " + CHANGED + " AS delta"
          + " FROM pg_catalog.pg_class c WHERE " + USER_RELATIONS + ") x"
          + " WHERE x.delta OPERATOR(pg_catalog.>) 0) d";

  public boolean counts() {
    return limit > 0 && plan instanceof RowWrites.Counted;
  }

  /**
   * The simple Query text: each counted piece between the snapshot and the check; {@code prepared}
   * when the session holds both as prepared statements (planning them is most of their cost).
   */
  String wrap(long pieceLimit, boolean prepared) {
    String snapshot = prepared ? "EXECUTE " + SNAPSHOT_STATEMENT : SNAPSHOT_SQL;
    String check = prepared
        ? "EXECUTE " + CHECK_STATEMENT + "(" + pieceLimit + ")"
        : CHECK_SQL.replace("$1", Long.toString(pieceLimit));
    StringBuilder b = new StringBuilder();
    for (RowWrites.Piece p : ((RowWrites.Counted) plan).pieces()) {
      if (p.counted()) {
        // The newline ends a trailing "--" comment of the user's text before the check.
        b.append(snapshot).append(";\n").append(p.sql()).append("\n;").append(check).append(";\n");
      } else {
        b.append(p.sql()).append("\n;\n");
      }
    }
    return b.toString();
  }

  /** The count and table the failed check named. */
  record Over(long rows, String table) {}

  /** The check's failure in an ErrorResponse, or null when it is another error. */
  static Over over(byte[] errorBody) {
    String message = field(errorBody, 'M');
    if (message == null) {
      return null;
    }
    int at = message.indexOf(MARKER);
    if (at < 0) {
      return null;
    }
    String rest = message.substring(at);
    int quote = rest.lastIndexOf('"');
    Matcher m = OVER.matcher(quote > 0 ? rest.substring(0, quote) : rest);
    if (!m.matches()) {
      return null;
    }
    try {
      return new Over(Long.parseLong(m.group(1)), m.group(2));
    } catch (NumberFormatException e) {
      return new Over(Long.MAX_VALUE, m.group(2));
    }
  }

  /** The reason users and approvers read: {@code would change 50,000 rows of orders (limit 1,000)}. */
  static String reason(Over over, long limit) {
    return "would change " + grouped(over.rows()) + " rows of " + shown(over.table()) + " (limit "
        + grouped(limit) + "); undone";
  }

  /** A re-run after approval that changed more than was approved. */
  static String overApproved(Over over, long approved) {
    return "changed " + grouped(over.rows()) + " rows of " + shown(over.table()) + ", more than the "
        + grouped(approved) + " approved; undone";
  }

  /**
   * What a row-limit review's approval is bound to besides its statement: the count the approver
   * is shown ({@code rows:2000}), so an approval of one count is never used for another (the table
   * grew: the approver is asked again, with the new count). Null for any other review.
   */
  public static String approvalBinding(StatementGate.Decision review) {
    if (review == null || !RULE.equals(review.rule())) {
      return null;
    }
    long rows = approvedCount(review.reason());
    // A row-limit review always names its count; one that does not is bound to nothing reusable.
    return rows < 0 ? "rows:unknown" : "rows:" + rows;
  }

  /** The count an approval of a {@link #reason} was given for, or -1. */
  static long approvedCount(String reason) {
    if (reason == null) {
      return -1;
    }
    Matcher m = APPROVED_COUNT.matcher(reason);
    if (!m.find()) {
      return -1;
    }
    try {
      return Long.parseLong(m.group(1).replace(",", ""));
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /** A table name is the user's text: no control characters reach a terminal or an approver. */
  private static String shown(String table) {
    StringBuilder b = new StringBuilder(table.length());
    table.codePoints().forEach(c -> b.appendCodePoint(Character.isISOControl(c) ? '?' : c));
    return b.toString();
  }

  public static String grouped(long n) {
    return String.format(Locale.ROOT, "%,d", n);
  }

  /** Whether a RowDescription is one of the hidden statements' (a single column of that name). */
  static boolean hiddenResult(byte[] rowDescription) {
    if (rowDescription.length < 2 || rowDescription[0] != 0 || rowDescription[1] != 1) {
      return false;
    }
    int end = 2;
    while (end < rowDescription.length && rowDescription[end] != 0) {
      end++;
    }
    String name = new String(rowDescription, 2, end - 2, StandardCharsets.UTF_8);
    return name.equals(SNAPSHOT_COLUMN) || name.equals(CHECK_COLUMN);
  }

  /** SQLSTATE 26000: a prepared statement of that name does not exist (any more). */
  static boolean lostPreparedStatement(byte[] errorBody) {
    return "26000".equals(field(errorBody, 'C'));
  }

  private static String field(byte[] body, char code) {
    int i = 0;
    while (i < body.length && body[i] != 0) {
      int c = body[i++];
      int end = i;
      while (end < body.length && body[end] != 0) {
        end++;
      }
      if (c == code) {
        return new String(body, i, end - i, StandardCharsets.UTF_8);
      }
      i = end + 1;
    }
    return null;
  }
}
