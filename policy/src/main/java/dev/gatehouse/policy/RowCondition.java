package dev.gatehouse.policy;

import dev.gatehouse.policy.Token.Type;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Deque;
import java.util.List;
import java.util.Set;
import net.sf.jsqlparser.expression.BooleanValue;
import net.sf.jsqlparser.expression.Expression;
import net.sf.jsqlparser.expression.NotExpression;
import net.sf.jsqlparser.expression.operators.conditional.AndExpression;
import net.sf.jsqlparser.expression.operators.conditional.OrExpression;
import net.sf.jsqlparser.expression.operators.relational.EqualsTo;
import net.sf.jsqlparser.expression.operators.relational.GreaterThan;
import net.sf.jsqlparser.expression.operators.relational.GreaterThanEquals;
import net.sf.jsqlparser.expression.operators.relational.IsDistinctExpression;
import net.sf.jsqlparser.expression.operators.relational.MinorThan;
import net.sf.jsqlparser.expression.operators.relational.MinorThanEquals;
import net.sf.jsqlparser.expression.operators.relational.NotEqualsTo;
import net.sf.jsqlparser.expression.operators.relational.ParenthesedExpressionList;
import net.sf.jsqlparser.expression.ArrayConstructor;
import net.sf.jsqlparser.expression.CastExpression;
import net.sf.jsqlparser.expression.Function;
import net.sf.jsqlparser.expression.SignedExpression;
import net.sf.jsqlparser.expression.operators.relational.Between;
import net.sf.jsqlparser.expression.operators.relational.ExpressionList;
import net.sf.jsqlparser.expression.operators.relational.InExpression;
import net.sf.jsqlparser.expression.operators.relational.IsBooleanExpression;
import net.sf.jsqlparser.expression.operators.relational.IsNullExpression;
import net.sf.jsqlparser.schema.Column;
import net.sf.jsqlparser.statement.select.ParenthesedSelect;
import net.sf.jsqlparser.statement.select.PlainSelect;

/**
 * Whether a DELETE's or UPDATE's WHERE (or a MERGE's ON) restricts the rows of the target table.
 *
 * <p>The answer depends only on the condition's shape, never on its constants, so that a verdict
 * can be cached by fingerprint: {@code 1 = 1} and {@code 1 = 2} are both "constant" (a condition
 * that holds for every row or for none is never a row filter). {@code true}, {@code NOT false},
 * {@code x OR 1=1}, {@code id = id} are always true. A column counts as a row reference when it is
 * unqualified or qualified by the target's name or alias; inside a subquery only when qualified by
 * the target (an unqualified name there may be the subquery's own column).
 */
final class RowCondition {
  enum Truth {
    /** Holds for every row. */
    TRUE,
    /** Holds for no row. */
    FALSE,
    /** Does not depend on the target's rows: holds for all or for none. */
    CONSTANT,
    /** Depends on the row. */
    ROWS
  }

  /** Words that look like names but are not columns. */
  private static final Set<String> NOT_COLUMNS =
      Set.of(
          "true", "false", "null", "and", "or", "not", "is", "in", "exists", "between", "like",
          "ilike", "similar", "escape", "any", "all", "some", "select", "from", "where", "case",
          "when", "then", "else", "end", "distinct", "as", "current_date", "current_time",
          "current_timestamp", "localtime", "localtimestamp", "current_user", "session_user",
          "user", "current_role", "current_catalog", "current_schema", "interval", "array", "row",
          "cast", "collate", "at", "time", "zone", "isnull", "notnull", "overlaps", "unknown",
          "symmetric", "asymmetric", "to", "with", "values", "limit", "offset", "order", "by",
          "group", "having", "union", "intersect", "except", "join", "on", "using", "left",
          "right", "inner", "outer", "full", "cross", "natural", "lateral", "asc", "desc",
          "nulls", "first", "last", "of", "over", "partition", "filter", "within", "default",
          "only", "fetch", "next", "rows", "for", "recursive", "table");

  private RowCondition() {}

  /** The statement's target tables and aliases while one condition is judged (for {@link #key}). */
  private static final ThreadLocal<Set<String>> TARGETS = new ThreadLocal<>();

  static Truth truth(Expression e, Set<String> targets) {
    Set<String> outer = TARGETS.get();
    TARGETS.set(targets);
    try {
      return truthOf(e, targets);
    } finally {
      TARGETS.set(outer);
    }
  }

  private static Truth truthOf(Expression e, Set<String> targets) {
    if (e instanceof ParenthesedExpressionList<?> l && l.size() == 1) {
      return truth(l.get(0), targets);
    }
    if (e instanceof AndExpression || e instanceof OrExpression || e instanceof NotExpression) {
      Truth identity = booleanIdentity(e);
      if (identity != null) {
        return identity;
      }
    }
    if (e instanceof EqualsTo eq && eq.getRightExpression() instanceof net.sf.jsqlparser.expression.AnyComparisonExpression any
        && any.getSelect() instanceof ParenthesedSelect ps && scalarWithoutFrom(ps) != null
        && key(eq.getLeftExpression()).equals(key(scalarWithoutFrom(ps))) && readsRow(eq.getLeftExpression(), targets)) {
      return Truth.TRUE; // x = ANY(SELECT x), x = ALL(SELECT x): one row, x itself
    }
    if (e instanceof EqualsTo eq && unwrap(eq.getRightExpression()) instanceof BooleanValue bv) {
      Truth side = truth(eq.getLeftExpression(), targets); // (c) = true is c; (c) = false is NOT c
      return bv.getValue() ? side : not(side);
    }
    if (e instanceof IsNullExpression n && unwrap(n.getLeftExpression()) instanceof Function f && f.getName() != null
        && f.getName().equalsIgnoreCase("nullif") && f.getParameters() != null && f.getParameters().size() == 2
        && key(f.getParameters().get(0)).equals(key(f.getParameters().get(1)))) {
      return n.isNot() ? Truth.FALSE : Truth.TRUE; // NULLIF(x, x) is always NULL
    }
    if (e instanceof net.sf.jsqlparser.expression.operators.relational.ExistsExpression ex
        && ex.getRightExpression() instanceof ParenthesedSelect ps && ps.getSelect() instanceof PlainSelect p
        && p.getFromItem() == null && p.getWhere() == null && p.getGroupBy() == null && p.getHaving() == null) {
      return ex.isNot() ? Truth.FALSE : Truth.TRUE; // EXISTS (SELECT x): one row, always
    }
    if (e instanceof AndExpression a) {
      return and(truth(a.getLeftExpression(), targets), truth(a.getRightExpression(), targets));
    }
    if (e instanceof OrExpression o) {
      if (nullOrNotNull(o)) {
        return Truth.TRUE;
      }
      return or(truth(o.getLeftExpression(), targets), truth(o.getRightExpression(), targets));
    }
    if (e instanceof IsNullExpression n && neverNull(n.getLeftExpression())) {
      // (x IS NULL) IS NOT NULL, (c IS TRUE) IS NULL: a test that is never NULL itself
      return n.isNot() ? Truth.TRUE : Truth.FALSE;
    }
    if (e instanceof NotEqualsTo ne && complementary(ne.getLeftExpression(), ne.getRightExpression())) {
      return Truth.TRUE; // (x IS NULL) <> (x IS NOT NULL)
    }
    if (e instanceof net.sf.jsqlparser.expression.CaseExpression c && c.getSwitchExpression() == null
        && c.getWhenClauses() != null && !c.getWhenClauses().isEmpty()
        && unwrap(c.getWhenClauses().get(0).getWhenExpression()) instanceof BooleanValue first && first.getValue()) {
      return truth(c.getWhenClauses().get(0).getThenExpression(), targets); // CASE WHEN true THEN c END
    }
    if (e instanceof Function f && f.getName() != null && f.getName().toLowerCase(java.util.Locale.ROOT).matches("[a-z0-9_]*eq")
        && f.getParameters() != null && f.getParameters().size() == 2
        && key(f.getParameters().get(0)).equals(key(f.getParameters().get(1))) && readsRow(f.getParameters().get(0), targets)) {
      return Truth.TRUE; // int4eq(id, id), texteq(v, v): = spelled as its function
    }
    if (e instanceof IsBooleanExpression b) {
      // (c) IS TRUE, IS NOT FALSE ...: as true as c; IS FALSE, IS NOT TRUE: its negation
      Truth inner = truth(b.getLeftExpression(), targets);
      return b.isTrue() != b.isNot() ? inner : not(inner);
    }
    if (e instanceof InExpression in && in.getLeftExpression() != null) {
      Truth t = inList(in, targets);
      if (t != null) {
        return t;
      }
    }
    if (e instanceof Between b && b.getLeftExpression() != null) {
      // x BETWEEN x AND x (SYMMETRIC too): true for every row where x is not null
      String x = key(b.getLeftExpression());
      if (x.equals(key(b.getBetweenExpressionStart())) && x.equals(key(b.getBetweenExpressionEnd()))
          && readsRow(b.getLeftExpression(), targets)) {
        return b.isNot() ? Truth.FALSE : Truth.TRUE;
      }
    }
    if (e instanceof NotExpression n) {
      return not(truth(n.getExpression(), targets));
    }
    if (e instanceof BooleanValue b) {
      return b.getValue() ? Truth.TRUE : Truth.FALSE;
    }
    if (e instanceof Column c && c.getTable() == null) {
      String name = c.getColumnName().toLowerCase(java.util.Locale.ROOT);
      if (name.equals("true")) {
        return Truth.TRUE;
      }
      if (name.equals("false")) {
        return Truth.FALSE;
      }
    }
    Truth same = sameSides(e, targets);
    if (same != null) {
      return same;
    }
    return refersToRows(e.toString(), targets) ? Truth.ROWS : Truth.CONSTANT;
  }

  /** {@code x = x} (true for every row where x is not null) and its relatives. */
  private static Truth sameSides(Expression e, Set<String> targets) {
    Expression l;
    Expression r;
    boolean holds;
    if (e instanceof EqualsTo x) {
      l = x.getLeftExpression();
      r = x.getRightExpression();
      holds = true;
    } else if (e instanceof GreaterThanEquals x) {
      l = x.getLeftExpression();
      r = x.getRightExpression();
      holds = true;
    } else if (e instanceof MinorThanEquals x) {
      l = x.getLeftExpression();
      r = x.getRightExpression();
      holds = true;
    } else if (e instanceof NotEqualsTo x) {
      l = x.getLeftExpression();
      r = x.getRightExpression();
      holds = false;
    } else if (e instanceof GreaterThan x) {
      l = x.getLeftExpression();
      r = x.getRightExpression();
      holds = false;
    } else if (e instanceof MinorThan x) {
      l = x.getLeftExpression();
      r = x.getRightExpression();
      holds = false;
    } else if (e instanceof IsDistinctExpression x) {
      l = x.getLeftExpression();
      r = x.getRightExpression();
      holds = x.isNot();
    } else {
      return null;
    }
    if (l == null || r == null) {
      return null;
    }
    // x = ANY (ARRAY[..., x, ...])
    if (holds && !(e instanceof IsDistinctExpression) && anyOfArray(r) != null) {
      for (Expression el : anyOfArray(r)) {
        if (key(l).equals(key(el)) && readsRow(l, targets)) {
          return Truth.TRUE;
        }
      }
      return null;
    }
    // only for a side that reads the row: 2 > 1 and 1 = 2 have equal shapes too (constant)
    if (!key(l).equals(key(r)) || !readsRow(l, targets)) {
      return null;
    }
    return holds ? Truth.TRUE : Truth.FALSE;
  }

  /** {@code x IN (..., x, ...)}: true (NOT IN: false) for every row where x is not null. */
  private static Truth inList(InExpression in, Set<String> targets) {
    Expression right = in.getRightExpression();
    List<? extends Expression> items;
    if (right instanceof ExpressionList<?> l) {
      items = l;
    } else if (right != null && !(unwrap(right) instanceof ParenthesedSelect)) {
      items = List.of(right); // (SELECT x) without FROM is x itself
    } else if (right instanceof ParenthesedSelect ps && scalarWithoutFrom(ps) != null) {
      items = List.of(scalarWithoutFrom(ps)); // IN (VALUES (x)), IN (SELECT x WHERE true)
    } else {
      return null;
    }
    String x = key(in.getLeftExpression());
    for (Expression item : items) {
      if (x.equals(key(item)) && readsRow(in.getLeftExpression(), targets)) {
        return in.isNot() ? Truth.FALSE : Truth.TRUE;
      }
    }
    return null;
  }

  /**
   * A boolean identity over null and truth tests of the same expressions: the condition is
   * evaluated for every combination of its tests' outcomes (a test of x is IS NULL, IS NOT NULL,
   * IS TRUE, IS NOT TRUE, IS FALSE, IS NOT FALSE of one key; NOT flips a test). TRUE when it holds
   * in every combination, FALSE in none; null when the condition holds anything else.
   */
  private static Truth booleanIdentity(Expression e) {
    List<String> keys = new ArrayList<>();
    if (!collectTests(e, keys) || keys.isEmpty() || keys.size() > 4) {
      return null;
    }
    boolean always = true;
    boolean never = true;
    // each key takes one of three states: 0 NULL, 1 TRUE (or not null), 2 FALSE (or not null)
    int combinations = (int) Math.pow(3, keys.size());
    for (int m = 0; m < combinations; m++) {
      int[] state = new int[keys.size()];
      for (int k = 0, v = m; k < keys.size(); k++, v /= 3) {
        state[k] = v % 3;
      }
      Boolean r = evaluate(e, keys, state);
      if (r == null || r) {
        never = false;
      }
      if (r == null || !r) {
        always = false;
      }
    }
    return always ? Truth.TRUE : never ? Truth.FALSE : null;
  }

  /** Whether {@code e} is built only of AND, OR, NOT and tests; collects the tested keys. */
  private static boolean collectTests(Expression e, List<String> keys) {
    Expression u = e instanceof ParenthesedExpressionList<?> l && l.size() == 1 ? l.get(0) : e;
    if (u instanceof AndExpression a) {
      return collectTests(a.getLeftExpression(), keys) && collectTests(a.getRightExpression(), keys);
    }
    if (u instanceof OrExpression o) {
      return collectTests(o.getLeftExpression(), keys) && collectTests(o.getRightExpression(), keys);
    }
    if (u instanceof NotExpression n) {
      return collectTests(n.getExpression(), keys);
    }
    String k = u instanceof IsNullExpression n ? key(n.getLeftExpression())
        : u instanceof IsBooleanExpression b ? key(b.getLeftExpression()) : null;
    if (k == null) {
      return false;
    }
    if (!keys.contains(k)) {
      keys.add(k);
    }
    return true;
  }

  private static Boolean evaluate(Expression e, List<String> keys, int[] state) {
    Expression u = e instanceof ParenthesedExpressionList<?> l && l.size() == 1 ? l.get(0) : e;
    if (u instanceof AndExpression a) {
      Boolean x = evaluate(a.getLeftExpression(), keys, state);
      Boolean y = evaluate(a.getRightExpression(), keys, state);
      return Boolean.FALSE.equals(x) || Boolean.FALSE.equals(y) ? Boolean.FALSE : x == null || y == null ? null : Boolean.TRUE;
    }
    if (u instanceof OrExpression o) {
      Boolean x = evaluate(o.getLeftExpression(), keys, state);
      Boolean y = evaluate(o.getRightExpression(), keys, state);
      return Boolean.TRUE.equals(x) || Boolean.TRUE.equals(y) ? Boolean.TRUE : x == null || y == null ? null : Boolean.FALSE;
    }
    if (u instanceof NotExpression n) {
      Boolean x = evaluate(n.getExpression(), keys, state);
      return x == null ? null : !x;
    }
    if (u instanceof IsNullExpression n) {
      boolean isNull = state[keys.indexOf(key(n.getLeftExpression()))] == 0;
      return n.isNot() != isNull;
    }
    IsBooleanExpression b = (IsBooleanExpression) u;
    int st = state[keys.indexOf(key(b.getLeftExpression()))];
    boolean matches = b.isTrue() ? st == 1 : st == 2;
    return b.isNot() != matches;
  }

  /** A test whose own value is never NULL: IS [NOT] NULL, IS [NOT] TRUE/FALSE. */
  private static boolean neverNull(Expression e) {
    Expression u = unwrap(e);
    return u instanceof IsNullExpression || u instanceof IsBooleanExpression;
  }

  /** x IS NULL and x IS NOT NULL (either order): always different. */
  private static boolean complementary(Expression a, Expression b) {
    return unwrap(a) instanceof IsNullExpression x && unwrap(b) instanceof IsNullExpression y
        && x.isNot() != y.isNot() && key(x.getLeftExpression()).equals(key(y.getLeftExpression()));
  }

  /** {@code x IS NULL OR x IS NOT NULL}, in any order among the ORed terms. */
  private static boolean nullOrNotNull(OrExpression o) {
    List<Expression> terms = new ArrayList<>();
    orTerms(o, terms);
    Set<String> isNull = new HashSet<>();
    Set<String> notNull = new HashSet<>();
    for (Expression t : terms) {
      if (unwrap(t) instanceof IsNullExpression n) {
        (n.isNot() ? notNull : isNull).add(key(n.getLeftExpression()));
      }
    }
    isNull.retainAll(notNull);
    return !isNull.isEmpty();
  }

  private static void orTerms(Expression e, List<Expression> out) {
    Expression u = unwrap(e);
    if (u instanceof OrExpression o) {
      orTerms(o.getLeftExpression(), out);
      orTerms(o.getRightExpression(), out);
    } else {
      out.add(u);
    }
  }

  private static List<? extends Expression> anyOfArray(Expression e) {
    if (unwrap(e) instanceof Function f && f.getName() != null
        && Set.of("any", "some", "all").contains(f.getName().toLowerCase(java.util.Locale.ROOT))
        && f.getParameters() != null && f.getParameters().size() == 1
        && unwrap(f.getParameters().get(0)) instanceof ArrayConstructor a && a.getExpressions() != null) {
      return a.getExpressions();
    }
    return null;
  }

  /** Whether {@code e} reads the target's row, and is not a volatile call (random() = random()). */
  private static boolean readsRow(Expression e, Set<String> targets) {
    String k = key(e);
    return refersToRows(unwrap(e).toString(), targets)
        && !k.contains("random(") && !k.contains("nextval(") && !k.contains("clock_timestamp(");
  }

  /**
   * What decides the value, by shape: parentheses, casts, unary plus, {@code COALESCE(x, x, ...)}
   * and a scalar {@code (SELECT x)} without FROM (whose x is the outer row's) taken away, so that
   * {@code (id)}, {@code +id}, {@code id::int} and {@code id} compare equal.
   */
  static Expression unwrap(Expression e) {
    while (true) {
      if (e instanceof ParenthesedExpressionList<?> l && l.size() == 1) {
        e = l.get(0);
      } else if (e instanceof SignedExpression s && s.getSign() == '+') {
        e = s.getExpression();
      } else if (e instanceof CastExpression c && c.getLeftExpression() != null) {
        e = c.getLeftExpression();
      } else if (e instanceof Function f && f.getName() != null
          && Set.of("coalesce", "greatest", "least").contains(f.getName().toLowerCase(java.util.Locale.ROOT))
          && f.getParameters() != null && !f.getParameters().isEmpty() && sameItems(f.getParameters())) {
        // COALESCE(x, x), GREATEST(x, x), LEAST(x): each is x
        e = f.getParameters().get(0);
      } else if (e instanceof Function f && f.getName() != null
          && Set.of("symmetric", "asymmetric").contains(f.getName().toLowerCase(java.util.Locale.ROOT))
          && f.getParameters() != null && f.getParameters().size() == 1) {
        // JSqlParser reads BETWEEN SYMMETRIC (x) AND y as a call; both words are reserved in
        // PostgreSQL, so unquoted they never name a function
        e = f.getParameters().get(0);
      } else if (e instanceof ParenthesedSelect ps && scalarWithoutFrom(ps) != null) {
        e = scalarWithoutFrom(ps);
      } else {
        return e;
      }
    }
  }

  private static boolean sameItems(List<? extends Expression> items) {
    String first = key(items.get(0));
    return items.stream().allMatch(x -> key(x).equals(first));
  }

  private static Expression scalarWithoutFrom(ParenthesedSelect ps) {
    if (ps.getSelect() instanceof net.sf.jsqlparser.statement.select.Values v && v.getExpressions() != null
        && v.getExpressions().size() == 1) {
      // (VALUES (x)): one row of one value
      Expression only = v.getExpressions().get(0);
      if (only instanceof ParenthesedExpressionList<?> row && row.size() == 1) {
        return row.get(0);
      }
      return only instanceof ParenthesedExpressionList<?> ? null : only;
    }
    if (ps.getSelect() instanceof PlainSelect p && p.getFromItem() == null
        && (p.getWhere() == null || unwrap(p.getWhere()) instanceof BooleanValue w && w.getValue())
        && p.getGroupBy() == null && p.getHaving() == null && p.getSelectItems() != null
        && p.getSelectItems().size() == 1 && p.getWithItemsList() == null) {
      return p.getSelectItems().get(0).getExpression();
    }
    return null;
  }

  /** The shape of what decides the value: compared to find the same expression on both sides. */
  private static String key(Expression e) {
    if (e == null) {
      return "";
    }
    Expression u = unwrap(e);
    Set<String> targets = TARGETS.get();
    // items.id and id are the same column when items is the statement's target (or its alias).
    if (u instanceof Column c && c.getTable() != null && c.getTable().getName() != null && targets != null
        && targets.contains(c.getTable().getName().toLowerCase(java.util.Locale.ROOT).replace("\"", ""))) {
      return shape(c.getColumnName());
    }
    return shape(u.toString());
  }

  /** The expression's fingerprint: constants abstracted, so the answer holds for any constants. */
  private static String shape(String sql) {
    return SqlLexer.fingerprint(SqlLexer.tokenize(sql));
  }

  static Truth and(Truth a, Truth b) {
    if (a == Truth.FALSE || b == Truth.FALSE) {
      return Truth.FALSE;
    }
    if (a == Truth.TRUE && b == Truth.TRUE) {
      return Truth.TRUE;
    }
    if (a == Truth.ROWS || b == Truth.ROWS) {
      return Truth.ROWS;
    }
    return Truth.CONSTANT;
  }

  static Truth or(Truth a, Truth b) {
    if (a == Truth.TRUE || b == Truth.TRUE) {
      return Truth.TRUE;
    }
    if (a == Truth.FALSE && b == Truth.FALSE) {
      return Truth.FALSE;
    }
    if (a == Truth.CONSTANT || b == Truth.CONSTANT) {
      // id = 5 OR <something true for every row, or for none>: fail closed
      return Truth.CONSTANT;
    }
    return Truth.ROWS;
  }

  static Truth not(Truth a) {
    return switch (a) {
      case TRUE -> Truth.FALSE;
      case FALSE -> Truth.TRUE;
      default -> a;
    };
  }

  /**
   * Whether the condition's text names a column of the target. Lexical, on the parser's rendering:
   * a name not followed by {@code (} (a function), not after {@code ::} or {@code AS} (a type),
   * not before a string (a typed literal such as {@code date '2020-01-01'}).
   */
  static boolean refersToRows(String condition, Set<String> targets) {
    List<Token> ts = SqlLexer.tokenize(condition);
    Deque<Boolean> subquery = new ArrayDeque<>();
    for (int k = 0; k < ts.size(); k++) {
      Token t = ts.get(k);
      if (t.type() == Type.LPAREN) {
        boolean sub = k + 1 < ts.size() && (ts.get(k + 1).is("select") || ts.get(k + 1).is("with") || ts.get(k + 1).is("values"));
        subquery.push(sub || (!subquery.isEmpty() && subquery.peek()));
        continue;
      }
      if (t.type() == Type.RPAREN) {
        if (!subquery.isEmpty()) {
          subquery.pop();
        }
        continue;
      }
      if (!t.isName() || (t.type() == Type.WORD && NOT_COLUMNS.contains(t.text()))) {
        continue;
      }
      if (k > 0 && (ts.get(k - 1).type() == Type.DOT)) {
        continue; // a later part of a qualified name: handled at its first part
      }
      Token prev = k > 0 ? ts.get(k - 1) : null;
      if (prev != null && ((prev.type() == Type.OP && prev.text().equals("::")) || prev.is("as"))) {
        continue;
      }
      // the whole dotted name
      int e = k;
      while (e + 2 < ts.size() && ts.get(e + 1).type() == Type.DOT && ts.get(e + 2).isName()) {
        e += 2;
      }
      Token after = e + 1 < ts.size() ? ts.get(e + 1) : null;
      if (after != null && (after.type() == Type.LPAREN || after.type() == Type.STRING)) {
        k = e;
        continue;
      }
      String qualifier = e > k ? ts.get(e - 2).text() : null;
      boolean inSub = !subquery.isEmpty() && subquery.peek();
      if (qualifier == null ? !inSub : targets.contains(qualifier)) {
        return true;
      }
      k = e;
    }
    return false;
  }
}
