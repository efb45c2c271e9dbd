package dev.gatehouse.policy;

import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/**
 * Whether a statement touches a masked column anywhere — select list, WHERE, JOIN, function
 * arguments, a CTE, a subquery, {@code *}, a whole-row reference, a write to the table — so that
 * the server's errors and notices about it may carry masked values ({@code invalid input syntax
 * for type integer: "123-45-6789"}, {@code Failing row contains (…)}, {@code Key (ssn)=(…)}) and
 * must not reach the client as they are.
 *
 * <p>Deliberately coarse, failing towards "touches": the text mentions a masked table or a masked
 * column's name anywhere (as a name or a word in a string that dynamic SQL may run), or the
 * analyzer saw it reach a masked table, or it runs code whose statements the text does not show
 * (a user function, {@code DO}, {@code CALL}, {@code EXECUTE}, {@code FETCH} from a cursor), or it
 * could not be read or classified. A statement that touches nothing by these rules may still hide
 * a masked value in server-side code it triggers without naming it (a trigger, a user-defined
 * operator or cast); that is a known limit.
 */
public final class MaskedTouch {
  /** Kinds whose statement runs SQL the text does not show. */
  private static final Set<String> RUNS_UNSEEN_SQL =
      Set.of("do", "execute", "fetch", "move", "call", StatementKinds.UNCLASSIFIED);

  /** Masked tables and masked columns by name, lower-case, without schema. */
  private final Set<String> names;
  private final Set<String> tables;

  public MaskedTouch(MaskSpec mask) {
    Set<String> n = new HashSet<>();
    Set<String> t = new HashSet<>();
    for (String c : mask.columns()) {
      String[] p = c.toLowerCase(Locale.ROOT).split("\\.");
      if (p.length < 2) {
        continue;
      }
      t.add(p[p.length - 2]);
      n.add(p[p.length - 2]);
      n.add(p[p.length - 1]);
    }
    this.names = Set.copyOf(n);
    this.tables = Set.copyOf(t);
  }

  /** True when the policy masks any column. */
  public boolean active() {
    return !tables.isEmpty();
  }

  /**
   * Whether {@code sql}, read under {@code standardStrings} and judged as {@code judgement} (null
   * when it could not be judged), touches a masked column by the rules above.
   */
  public boolean touches(String sql, StandardConformingStrings standardStrings, Judgement judgement) {
    if (!active()) {
      return false;
    }
    if (judgement == null || Mentions.first(sql, standardStrings, names, true).isPresent()) {
      return true;
    }
    for (StatementVerdict s : judgement.statements()) {
      if (RUNS_UNSEEN_SQL.contains(s.kind())) {
        return true;
      }
      for (String table : s.tables()) {
        String last = table.substring(table.lastIndexOf('.') + 1).toLowerCase(Locale.ROOT);
        if (tables.contains(last)) {
          return true;
        }
      }
      for (String f : s.functions()) {
        if (!FunctionCatalog.BuiltIns.isBuiltIn(new FunctionCall(null, f))) {
          return true; // a user function may read the masked column itself
        }
      }
    }
    return false;
  }
}
