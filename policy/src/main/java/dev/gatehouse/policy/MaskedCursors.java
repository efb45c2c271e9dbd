package dev.gatehouse.policy;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Whether one connection may have a cursor (or a named protocol-level portal, which is the same
 * thing to the server) open over a table with masked columns, and what that forbids. The client
 * reading such a cursor with {@code FETCH} gets its rows masked by origin; code reading it by
 * name ({@code FETCH c INTO r} in a function given {@code 'c'}) returns the rows without origin.
 * Bodies that use cursors are refused when created through the gateway ({@link RoutineBodies});
 * functions that exist already are not read. So while such a cursor may be open, a statement that
 * calls any function (or procedure, or DO block, or what the judge could not classify) is refused:
 * the proxy does not know argument types, and a constant can name the cursor.
 *
 * <p>A cursor {@code WITH HOLD} over a masked table is refused outright: it outlives its
 * transaction, and only a CLOSE the server confirmed would end it. Every other cursor and portal
 * ends with its transaction, which the proxy sees as a ReadyForQuery saying idle after the
 * statement that opened it: {@link #transactionEnded()}. Nothing is ever forgotten earlier (a
 * {@code CLOSE} may fail, or be skipped after an error, while a {@code ROLLBACK TO SAVEPOINT} keeps
 * the cursor), so the state errs towards refusing. psql's {@code FETCH_COUNT} (DECLARE, FETCH,
 * CLOSE) calls no function in between and keeps working.
 *
 * <p>One per client connection, used by that connection's thread only.
 */
public final class MaskedCursors {
  /** The masked table of a cursor DECLAREd in this transaction (the first one), or null. */
  private String openOver;
  /**
   * Protocol portals bound over a masked table, by name ({@code ""}: the unnamed one, forgotten when
   * it is bound again or dropped), with the table.
   */
  private final Map<String, String> portals = new HashMap<>();
  private long openings;

  /**
   * Why a statement of {@code judgement} (the judge's, statement by statement, of one text) is
   * refused, or empty; learns the cursors the text declares over masked tables (also when the text
   * is then refused for another reason: that only makes later statements stricter).
   */
  public Optional<String> check(Judgement judgement, MaskedDerivations masking) {
    return check(judgement, masking, null);
  }

  /**
   * The same, for statements that an Execute of protocol portal {@code running} runs (null: none):
   * that portal is busy running them and cannot be read by name from inside, so it does not count.
   */
  public Optional<String> check(Judgement judgement, MaskedDerivations masking, String running) {
    if (!masking.active()) {
      return Optional.empty();
    }
    for (StatementVerdict s : judgement.statements()) {
      String over = openOver != null ? openOver : otherPortal(running);
      if (over != null && runsCode(s)) {
        return Optional.of("a cursor over " + over + ", which has masked columns, may be open in this transaction;"
            + " until the transaction ends (COMMIT or ROLLBACK) statements that call functions are refused: a"
            + " function can read a cursor by its name, and what it returns carries no column origin");
      }
      if (s.kind().equals("declare")) {
        Optional<String> table = masking.masked(s.sql());
        if (table.isPresent()) {
          if (withHold(s.sql())) {
            return Optional.of("a cursor WITH HOLD over " + table.get() + ", which has masked columns, outlives its"
                + " transaction, where code could read it by name; declare it without HOLD");
          }
          openOver = table.get();
          openings++;
        }
      }
    }
    return Optional.empty();
  }

  /**
   * The portal {@code name} was bound to {@code sql} (null: a statement the proxy did not see
   * prepared, taken as one over a masked table): while masking, one over a masked table counts as
   * a cursor. The unnamed portal ({@code ""}) replaces the one before it, so binding it to anything
   * else forgets that; a named one lasts until the transaction ends.
   */
  public void portal(String name, String sql, MaskedDerivations masking) {
    if (!masking.active()) {
      return;
    }
    Optional<String> over = sql == null ? Optional.of("a statement the gateway did not see prepared") : masking.masked(sql);
    if (over.isPresent()) {
      portals.put(name, over.get());
      openings++;
    } else if (name.isEmpty()) {
      portals.remove(name);
    }
  }

  /** The unnamed portal is gone (a simple Query, or a batch binding it again before any Execute). */
  public void unnamedPortalDropped() {
    portals.remove("");
  }

  /** The transaction in which the cursors were opened has ended: none is open now. */
  public void transactionEnded() {
    openOver = null;
    portals.clear();
  }

  private String otherPortal(String running) {
    for (Map.Entry<String, String> p : portals.entrySet()) {
      if (!p.getKey().equals(running)) {
        return p.getValue();
      }
    }
    return null;
  }

  /** How many cursors over masked tables were learned so far (a change: one was opened). */
  public long openings() {
    return openings;
  }

  /** Whether a cursor over a masked table may be open. */
  public boolean mayBeOpen() {
    return openOver != null || !portals.isEmpty();
  }

  private static boolean runsCode(StatementVerdict s) {
    return !s.functions().isEmpty() || s.kind().equals("call") || s.kind().equals("do")
        || s.kind().equals(StatementKinds.UNCLASSIFIED) || "unclassified".equals(s.verdict().rule());
  }

  private static boolean withHold(String sql) {
    List<Token> tokens = SqlLexer.tokenize(sql);
    for (int i = 0; i + 1 < tokens.size(); i++) {
      if (tokens.get(i).is("for")) {
        return false; // the query starts here
      }
      if (tokens.get(i).is("with") && tokens.get(i + 1).is("hold")) {
        return true;
      }
    }
    return false;
  }
}
