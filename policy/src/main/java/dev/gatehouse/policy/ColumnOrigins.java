package dev.gatehouse.policy;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import net.sf.jsqlparser.expression.Alias;
import net.sf.jsqlparser.expression.AnalyticExpression;
import net.sf.jsqlparser.expression.AnalyticType;
import net.sf.jsqlparser.expression.Expression;
import net.sf.jsqlparser.expression.Function;
import net.sf.jsqlparser.expression.operators.relational.ExistsExpression;
import net.sf.jsqlparser.expression.operators.relational.ExpressionList;
import net.sf.jsqlparser.schema.Column;
import net.sf.jsqlparser.schema.Table;
import net.sf.jsqlparser.statement.ReturningClause;
import net.sf.jsqlparser.statement.Statement;
import net.sf.jsqlparser.statement.create.table.CreateTable;
import net.sf.jsqlparser.statement.create.view.CreateView;
import net.sf.jsqlparser.statement.delete.Delete;
import net.sf.jsqlparser.statement.insert.Insert;
import net.sf.jsqlparser.statement.merge.Merge;
import net.sf.jsqlparser.statement.merge.MergeInsert;
import net.sf.jsqlparser.statement.merge.MergeOperation;
import net.sf.jsqlparser.statement.merge.MergeUpdate;
import net.sf.jsqlparser.statement.select.AllColumns;
import net.sf.jsqlparser.statement.select.AllTableColumns;
import net.sf.jsqlparser.statement.select.FromItem;
import net.sf.jsqlparser.statement.select.Join;
import net.sf.jsqlparser.statement.select.OrderByElement;
import net.sf.jsqlparser.statement.select.LateralSubSelect;
import net.sf.jsqlparser.statement.select.ParenthesedFromItem;
import net.sf.jsqlparser.statement.select.ParenthesedSelect;
import net.sf.jsqlparser.statement.select.PlainSelect;
import net.sf.jsqlparser.statement.select.Select;
import net.sf.jsqlparser.statement.select.SelectItem;
import net.sf.jsqlparser.statement.select.SetOperationList;
import net.sf.jsqlparser.statement.select.TableFunction;
import net.sf.jsqlparser.statement.select.TableStatement;
import net.sf.jsqlparser.statement.select.Values;
import net.sf.jsqlparser.statement.select.WithItem;
import net.sf.jsqlparser.statement.update.UpdateSet;

/**
 * Follows each masked column through a parsed statement the way PostgreSQL reports column
 * origins: a plain column reference keeps its origin through aliases, subqueries, CTEs and
 * table-alias column lists, so the proxy masks it in place ({@link Kind#BARE}); anything computed
 * from it, a set operation, VALUES, a cast, a scalar subquery, a whole-row reference or a merged
 * {@code USING} column loses the origin ({@link Kind#DERIVED}).
 *
 * <p>A statement is refused when a derived value would reach the client, or when a masked value —
 * bare or derived — would be written anywhere but back into its own place ({@code SET ssn = ssn}):
 * another table, a new table or view, {@code COPY}, another row or column or a computed value in a
 * masked column (whose masked form would show it), or an argument of a function that is not a
 * read-only built-in. Predicates (WHERE, ON, HAVING, ORDER BY, grouping keys, EXISTS) may read
 * masked columns; a statement that does may call no volatile function ({@link VolatileCalls}).
 * Whatever the walk does not recognise is refused: the analysis fails closed.
 */
final class ColumnOrigins {
  enum Kind {
    CLEAN,
    /**
     * Depends on masked values only through which rows a masked test let through (a subquery
     * with such a test, a count of a masked column): one bit per row, counted as a test.
     */
    GATED,
    BARE,
    DERIVED
  }

  /** How a value relates to the masked columns; {@code source} names one, "users.ssn". */
  record Flow(Kind kind, String source) {
    static final Flow CLEAN = new Flow(Kind.CLEAN, null);

    Flow max(Flow other) {
      return other != null && other.kind.compareTo(kind) > 0 ? other : this;
    }

    /** The origin is lost: a masked value no longer carries the column it came from. */
    Flow derived() {
      return kind == Kind.BARE ? new Flow(Kind.DERIVED, source) : this;
    }

    /** Carries a masked value (plain or computed); {@link Kind#GATED} does not. */
    boolean tainted() {
      return kind == Kind.BARE || kind == Kind.DERIVED;
    }

    static final Flow GATED = new Flow(Kind.GATED, null);
  }

  record Col(String name, Flow flow) {}

  /**
   * The output columns of a query or FROM item: the ones known by name and position, and
   * {@code rest}, the flow of any further column whose name or position is not known (a table's
   * columns that are not masked), or {@code null} when there are none.
   */
  record Columns(List<Col> known, Flow rest, Object gate) {
    Columns(List<Col> known, Flow rest) {
      this(known, rest, null);
    }

    /** The rows were chosen by a masked test. */
    boolean gated() {
      return gate != null;
    }

    /**
     * The same columns, from rows that the masked test {@code test} chose: the key that test is
     * counted under, so that a level reached by the same test along two paths (a WITH item and a
     * subquery reading it) counts it once.
     */
    Columns gatedBy(Object test) {
      return test == null || test == gate ? this : new Columns(known, rest, test);
    }

    // Compared by shape (a recursive WITH settles when its columns stop changing), not by which
    // objects the tests are.
    @Override
    public boolean equals(Object o) {
      return o instanceof Columns c && known.equals(c.known) && java.util.Objects.equals(rest, c.rest)
          && gated() == c.gated();
    }

    @Override
    public int hashCode() {
      return java.util.Objects.hash(known, rest, gated());
    }

    Flow all() {
      Flow f = rest == null ? Flow.CLEAN : rest;
      for (Col c : known) {
        f = f.max(c.flow());
      }
      return f;
    }

    /** The flow of the column called {@code name}, or null when there is none. */
    Flow find(String name) {
      Flow f = null;
      for (Col c : known) {
        if (c.name().equals(name)) {
          f = f == null ? c.flow() : f.max(c.flow());
        }
      }
      return f != null ? f : rest;
    }

    boolean hasKnown(String name) {
      return known.stream().anyMatch(c -> c.name().equals(name));
    }
  }

  /** Why a statement is refused; thrown out of the walk, caught by {@link #violation}. */
  static final class Refusal extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Refusal(String reason) {
      super(reason, null, false, false);
    }
  }

  /**
   * A FROM item in scope under the name queries use for it. Compared by identity: the same table
   * twice in one FROM is two relations, whose rows a cross join pairs.
   */
  private static final class Relation {
    private final String name;
    private final Columns columns;
    /** A table's own rows (not a subquery, CTE or function): one row per stored row. */
    private final boolean base;

    Relation(String name, Columns columns) {
      this(name, columns, false);
    }

    Relation(String name, Columns columns, boolean base) {
      this.name = name;
      this.columns = columns;
      this.base = base;
    }

    String name() {
      return name;
    }

    Columns columns() {
      return columns;
    }
  }

  /**
   * The masked tests one query level makes, each a way its rows or values can depend on masked
   * values: the one FROM item its WHERE/ON/HAVING tests read (tests of one relation's row answer
   * together, as the row's presence), a subquery or FROM item whose rows a masked test chose, an
   * outer join's or a FILTER's masked condition, a count of a masked column. One level may make
   * one: two would let a cross join, a UNION or two result columns answer two questions about
   * the same row in one query (the reconstruction of a value one character at a time).
   */
  private static final class Level {
    final Set<Object> tests = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
    final List<String> described = new ArrayList<>();
    /** Tests whose rows a FROM item of this level already reads: a second FROM item over them pairs them anew. */
    final Set<Object> read = java.util.Collections.newSetFromMap(new IdentityHashMap<>());

    /** Tests that came up from below: the key of the test that chose some rows read here. */
    final Set<Object> propagated = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
    /** A FROM item of this level → the test that chose its rows. */
    final Map<Object, Object> aliases = new IdentityHashMap<>();

    /** A test that chose rows read here, counted under that test's own key. */
    void addGate(Object gate, String what) {
      propagated.add(gate);
      add(gate, what);
    }

    /**
     * What the rows of this level are gated by: the one test that came up from below when that is
     * all it has, else this level's own (two levels' tests of one relation ask different questions).
     */
    Object gate() {
      Object only = tests.iterator().next();
      return propagated.contains(only) ? only : this;
    }

    void add(Object key, String what) {
      if (tests.add(key)) {
        described.add(what);
      }
    }
  }

  private final java.util.ArrayDeque<Level> levels = new java.util.ArrayDeque<>();

  private Level level() {
    Level l = levels.peek();
    if (l == null) {
      throw new IllegalStateException("no query level");
    }
    return l;
  }

  /** Runs one query level; its result is gated when the level makes a masked test. */
  private Columns inLevel(java.util.function.Supplier<Columns> body) {
    Level l = new Level();
    levels.push(l);
    Columns out;
    try {
      out = body.get();
    } finally {
      levels.pop();
    }
    if (l.tests.size() > 1) {
      throw new Refusal("one query tests masked columns in " + l.tests.size() + " ways (" + String.join("; ", l.described)
          + "); a query may test the masked columns of one relation against constants, so that it learns at most one"
          + " bit about each row");
    }
    if (!l.tests.isEmpty()) {
      readsMasked = true;
    }
    return l.tests.isEmpty() ? out : out.gatedBy(l.gate());
  }

  /** Names a query can see: its FROM items, its CTEs, and (outward) the enclosing queries'. */
  private static final class Scope {
    final Scope outer;
    final List<Relation> relations = new ArrayList<>();
    final Map<String, Columns> ctes = new HashMap<>();

    Scope(Scope outer) {
      this.outer = outer;
    }

    Columns cte(String name) {
      for (Scope s = this; s != null; s = s.outer) {
        Columns c = s.ctes.get(name);
        if (c != null) {
          return c;
        }
      }
      return null;
    }

    Relation relation(String name) {
      for (Scope s = this; s != null; s = s.outer) {
        for (int i = s.relations.size() - 1; i >= 0; i--) {
          if (name.equals(s.relations.get(i).name())) {
            return s.relations.get(i);
          }
        }
      }
      return null;
    }
  }

  /**
   * Built-in functions that store or send their arguments somewhere another statement can read
   * them back: a masked value passed to one is copied, whatever the statement returns.
   */
  static final Set<String> STORING_BUILT_INS = Set.of(
      "set_config", "pg_notify", "lo_from_bytea", "lo_put", "lowrite", "lo_import", "lo_export",
      "pg_logical_emit_message", "pg_file_write", "pg_advisory_lock", "setval", "nextval", "txid_current",
      "pg_stat_reset", "pg_create_restore_point", "pg_log_backend_memory_contexts");

  private final Map<String, Set<String>> masked;
  /** Set when a masked value is read anywhere but as a bare result column ({@link #readsMasked()}). */
  private boolean readsMasked;

  ColumnOrigins(Map<String, Set<String>> masked) {
    this.masked = masked;
  }

  /** Checks one parsed statement; the reason it must be refused, or null. */
  String violation(Statement statement) {
    readsMasked = false;
    try {
      statement(statement, new Scope(null));
      if (readsMasked) {
        // The statement tests (or computes, or writes) a masked value: each call in it could
        // record which parts of a condition ran (VolatileCalls).
        VolatileCalls.in(statement).ifPresent(r -> {
          throw new Refusal(r);
        });
      }
      return null;
    } catch (Refusal r) {
      return r.getMessage();
    }
  }

  /**
   * Whether the statement last checked reads a masked column anywhere but as a bare result column
   * masked in place: in a condition, a computation, a count, a grouping or a write.
   */
  boolean readsMasked() {
    return readsMasked;
  }

  /**
   * As a source of rows written elsewhere ({@code COPY (query) TO}): even a bare masked column
   * would leave unmasked. The reason, or null.
   */
  String copyViolation(Statement query) {
    try {
      if (!(query instanceof Select s)) {
        throw new Refusal("COPY of a " + query.getClass().getSimpleName() + " cannot be analysed for masked columns");
      }
      requireClean(query(s, new Scope(null)), "COPY would carry");
      return null;
    } catch (Refusal r) {
      return r.getMessage();
    }
  }

  private void statement(Statement st, Scope scope) {
    if (st instanceof Select s) {
      requireMaskable(query(s, scope));
    } else if (st instanceof Insert ins) {
      inLevel(() -> insert(ins, scope, true));
    } else if (st instanceof net.sf.jsqlparser.statement.update.Update upd) {
      inLevel(() -> update(upd, scope, true));
    } else if (st instanceof Delete del) {
      inLevel(() -> delete(del, scope, true));
    } else if (st instanceof Merge m) {
      inLevel(() -> {
        merge(m, scope);
        return new Columns(List.of(), null);
      });
    } else if (st instanceof CreateTable ct && ct.getSelect() != null) {
      requireClean(query(ct.getSelect(), scope), "CREATE TABLE " + ct.getTable() + " AS would copy");
    } else if (st instanceof CreateView cv) {
      Columns rows = query(cv.getSelect(), scope);
      requireClean(rows, (cv.isMaterialized() ? "the materialized view " : "the view ") + cv.getView() + " would expose");
      if (!cv.isMaterialized() && rows.gated()) {
        // A view asks its question again in every query that reads it, where the analysis does
        // not see it: two such views (or one and a WHERE) would be two questions in one query. A
        // materialized view, like CREATE TABLE AS, keeps the one answer it got.
        throw new Refusal("the view " + cv.getView() + " would choose its rows by a test of a masked column, a"
            + " question asked again, unseen, in every query reading it; test the column in those queries instead");
      }
    } else {
      throw new Refusal("a " + st.getClass().getSimpleName() + " naming a table with masked columns ("
          + describeMasked() + ") cannot be analysed");
    }
  }

  // ---- queries

  /** How deep the walk is in nested queries: 1 for the statement's own query. */
  private int queryDepth;

  private Columns query(Select select, Scope outer) {
    queryDepth++;
    try {
      return inLevel(() -> queryAt(select, outer));
    } finally {
      queryDepth--;
    }
  }

  private Columns queryAt(Select select, Scope outer) {
    Scope scope = withCtes(select.getWithItemsList(), outer);
    Columns out;
    if (select instanceof PlainSelect ps) {
      out = plain(ps, scope);
    } else if (select instanceof SetOperationList set) {
      out = setOperation(set, scope);
      orderBy(set.getOrderByElements(), out, scope);
    } else if (select instanceof ParenthesedSelect p) {
      out = query(p.getSelect(), scope);
      orderBy(p.getOrderByElements(), out, scope);
    } else if (select instanceof Values v) {
      out = values(v, scope);
    } else if (select instanceof TableStatement t) {
      if (queryDepth > 1 && t.getTable() != null && masked.containsKey(unquote(t.getTable().getName()))) {
        // Nested, TABLE t's columns are all of t's, in an order the policy does not know: a column
        // list or a qualified reference over it could not be matched (select the columns by name).
        // At the top level its columns reach the client bare and are masked by origin.
        throw new Refusal("TABLE " + unquote(t.getTable().getName())
            + " of a table with masked columns cannot be analysed; select its columns by name");
      }
      out = table(t.getTable(), scope);
    } else {
      throw new Refusal("a " + select.getClass().getSimpleName() + " query cannot be analysed for masked columns");
    }
    for (Object bound : new Object[] {select.getLimit(), select.getOffset(), select.getFetch()}) {
      Flow f = walk(bound, scope);
      if (f.tainted()) {
        throw new Refusal("LIMIT, OFFSET or FETCH computed from the masked column " + f.source()
            + " would choose rows by its value");
      }
    }
    if (select instanceof SetOperationList set && out.all().tainted()) {
      for (Object op : set.getOperations()) {
        String o = String.valueOf(op).toUpperCase(Locale.ROOT);
        if (!o.equals("UNION ALL")) {
          throw new Refusal(o + " compares rows holding the masked column " + out.all().source()
              + " with each other; use UNION ALL or leave the column out");
        }
      }
    }
    return out;
  }

  private Scope withCtes(List<WithItem<?>> items, Scope outer) {
    if (items == null || items.isEmpty()) {
      return outer;
    }
    Scope scope = new Scope(outer);
    boolean recursive = items.stream().anyMatch(WithItem::isRecursive);
    if (!recursive) {
      for (WithItem<?> w : items) {
        scope.ctes.put(unquote(w.getAliasName()), cte(w, scope));
      }
      countCteTests(items, scope);
      return scope;
    }
    // A recursive CTE reads its own rows: start from nothing masked and repeat until the columns
    // no longer change (flows only grow, so this settles within a few rounds).
    for (WithItem<?> w : items) {
      List<Col> cols = new ArrayList<>();
      for (String n : cteColumnNames(w)) {
        cols.add(new Col(n, Flow.CLEAN));
      }
      scope.ctes.put(unquote(w.getAliasName()), new Columns(cols, cols.isEmpty() ? Flow.CLEAN : null));
    }
    for (int round = 0; round < 8; round++) {
      Map<String, Columns> before = new HashMap<>(scope.ctes);
      for (WithItem<?> w : items) {
        scope.ctes.put(unquote(w.getAliasName()), cte(w, scope));
      }
      if (before.equals(scope.ctes)) {
        countCteTests(items, scope);
        return scope;
      }
    }
    throw new Refusal("a recursive WITH over masked columns whose flow does not settle");
  }

  /**
   * Every WITH item whose rows a masked test chose is a test of the level that owns the WITH,
   * read or not: a data-modifying one runs (and stores what its test chose) whether the main
   * query reads it or not, so each counts once toward the statement's one question about a row.
   * A subquery or FROM item reading the item counts under the same key ({@link Columns#gate}).
   */
  private void countCteTests(List<WithItem<?>> items, Scope scope) {
    for (WithItem<?> w : items) {
      Columns c = scope.ctes.get(unquote(w.getAliasName()));
      if (c != null && c.gated()) {
        level().addGate(c.gate(), "the WITH item " + w.getAliasName() + ", whose rows a masked test chose");
      }
    }
  }

  private Columns cte(WithItem<?> w, Scope scope) {
    Columns body;
    Object st = w.getParenthesedStatement();
    if (st instanceof Select s) {
      body = query(s, scope);
    } else if (st instanceof net.sf.jsqlparser.statement.insert.ParenthesedInsert i) {
      body = inLevel(() -> insert(i.getInsert(), scope, false));
    } else if (st instanceof net.sf.jsqlparser.statement.update.ParenthesedUpdate u) {
      body = inLevel(() -> update(u.getUpdate(), scope, false));
    } else if (st instanceof net.sf.jsqlparser.statement.delete.ParenthesedDelete d) {
      body = inLevel(() -> delete(d.getDelete(), scope, false));
    } else {
      throw new Refusal("the WITH item " + w.getAliasName() + " cannot be analysed for masked columns");
    }
    return rename(body, cteColumnNames(w));
  }

  private static List<String> cteColumnNames(WithItem<?> w) {
    List<String> names = new ArrayList<>();
    if (w.getWithItemList() != null) {
      for (SelectItem<?> i : w.getWithItemList()) {
        names.add(unquote(i.getExpression() instanceof Column c ? c.getColumnName() : i.toString()));
      }
    }
    return names;
  }

  /** The name of a JOIN's merged USING/NATURAL columns: no SQL name can hold a NUL. */
  private static final String MERGED = "\0merged";

  private Columns plain(PlainSelect ps, Scope outer) {
    Scope scope = new Scope(outer);
    if (ps.getFromItem() != null) {
      from(ps.getFromItem(), scope);
    }
    if (ps.getJoins() != null) {
      for (Join j : ps.getJoins()) {
        join(j, scope);
      }
    }
    // Predicates may test masked columns against constants: the documented one bit per row and
    // query. Grouping may use a plain masked column (equal values group together, as they show),
    // not a value computed from one (GROUP BY substr(ssn, 1, 1) sorts rows by a part of it).
    predicate(ps.getWhere(), scope, null, "WHERE");
    predicate(ps.getHaving(), scope, null, "HAVING");
    predicate(ps.getQualify(), scope, null, "QUALIFY");
    walk(ps.getWindowDefinitions(), scope);
    List<Col> cols = new ArrayList<>();
    Flow rest = null;
    for (SelectItem<?> item : ps.getSelectItems()) {
      Expression e = item.getExpression();
      if (e instanceof AllTableColumns t) {
        Columns c = relationColumns(t.getTable(), scope);
        cols.addAll(c.known());
        rest = c.rest() == null ? rest : c.rest().max(rest);
      } else if (e instanceof AllColumns) {
        // PostgreSQL's * lists a USING/NATURAL join's merged columns once, first: the joined
        // relations' own copies of them are not in it (or a column list over it would be off by
        // one and rename a masked column to a clean name).
        Set<String> merged = new java.util.HashSet<>();
        for (Relation r : scope.relations) {
          if (MERGED.equals(r.name())) {
            r.columns().known().forEach(c -> merged.add(c.name()));
          }
        }
        for (Relation r : scope.relations) {
          for (Col c : r.columns().known()) {
            if (MERGED.equals(r.name()) || !merged.contains(c.name())) {
              cols.add(c);
            }
          }
          rest = r.columns().rest() == null ? rest : r.columns().rest().max(rest);
        }
      } else {
        String name = item.getAlias() != null ? unquote(item.getAlias().getName())
            : e instanceof Column c ? unquote(c.getColumnName()) : "?column?";
        cols.add(new Col(name, shown(e, scope)));
      }
    }
    Columns out = new Columns(cols, rest);
    // After the output columns: GROUP BY and DISTINCT ON may name one by position or alias.
    grouping(ps.getGroupBy(), out, scope, "GROUP BY");
    grouping(ps.getDistinct(), out, scope, "DISTINCT ON");
    if (ps.getDistinct() != null && out.all().tainted()) {
      // DISTINCT compares the values and sorts or hashes them: the rows then come back in (or
      // counted by) an order of the masked values.
      throw new Refusal("DISTINCT over the masked column " + out.all().source()
          + " compares and orders its values; leave it out or use count(DISTINCT …)");
    }
    orderBy(ps.getOrderByElements(), out, scope);
    if (ps.getIntoTables() != null && !ps.getIntoTables().isEmpty()) {
      requireClean(out, "SELECT INTO " + ps.getIntoTables().get(0) + " would copy");
    }
    return out;
  }

  private Columns setOperation(SetOperationList set, Scope scope) {
    List<Columns> branches = new ArrayList<>();
    for (Select s : set.getSelects()) {
      Columns b = query(s, scope);
      if (b.gated()) {
        level().addGate(b.gate(), "a branch of " + set.getOperations().get(0) + " whose rows a masked test chose");
      }
      branches.add(b);
    }
    Columns first = branches.get(0);
    boolean aligned = branches.stream().allMatch(b -> b.rest() == null && b.known().size() == first.known().size());
    // The result of a set operation carries no origin in PostgreSQL: every masked value is derived.
    if (!aligned) {
      Flow all = Flow.CLEAN;
      for (Columns b : branches) {
        all = all.max(b.all());
      }
      return new Columns(List.of(), all.derived());
    }
    List<Col> cols = new ArrayList<>();
    for (int i = 0; i < first.known().size(); i++) {
      Flow f = Flow.CLEAN;
      for (Columns b : branches) {
        f = f.max(b.known().get(i).flow());
      }
      cols.add(new Col(first.known().get(i).name(), f.derived()));
    }
    return new Columns(cols, null);
  }

  private Columns values(Values v, Scope scope) {
    List<List<?>> rows = new ArrayList<>();
    for (Object row : v.getExpressions()) {
      rows.add(row instanceof ExpressionList<?> l ? l : List.of(row));
    }
    int width = rows.isEmpty() ? 0 : rows.get(0).size();
    boolean aligned = rows.stream().allMatch(r -> r.size() == width);
    // VALUES carries no origin: even a plain column reference (under LATERAL) is derived.
    List<Flow> flows = new ArrayList<>();
    Flow all = Flow.CLEAN;
    for (int i = 0; i < width; i++) {
      flows.add(Flow.CLEAN);
    }
    for (List<?> row : rows) {
      for (int i = 0; i < row.size(); i++) {
        Flow f = walk(row.get(i), scope).derived();
        all = all.max(f);
        if (aligned) {
          flows.set(i, flows.get(i).max(f));
        }
      }
    }
    if (!aligned) {
      return new Columns(List.of(), all);
    }
    List<Col> cols = new ArrayList<>();
    for (int i = 0; i < width; i++) {
      cols.add(new Col("column" + (i + 1), flows.get(i)));
    }
    return new Columns(cols, null);
  }

  /** A table by name: a CTE in scope, a table with masked columns, or any other table. */
  private Columns table(Table t, Scope scope) {
    String name = unquote(t.getName());
    if (t.getSchemaName() == null) {
      Columns cte = scope.cte(name);
      if (cte != null) {
        return cte;
      }
    }
    Set<String> cols = masked.get(name);
    if (cols == null) {
      return new Columns(List.of(), Flow.CLEAN);
    }
    List<Col> known = new ArrayList<>();
    for (String c : cols) {
      known.add(new Col(c, new Flow(Kind.BARE, name + "." + c)));
    }
    return new Columns(known, Flow.CLEAN);
  }

  // ---- FROM

  private void from(FromItem item, Scope scope) {
    int before = scope.relations.size();
    fromItem(item, scope);
    for (Relation r : scope.relations.subList(before, scope.relations.size())) {
      if (r.columns().gated()) {
        // Counted under the test that chose its rows (a WITH item read here is counted once with
        // the WITH); a second FROM item over the same rows pairs them anew, a test of its own.
        Level here = level();
        boolean first = here.read.add(r.columns().gate());
        if (first) {
          here.aliases.put(r, r.columns().gate()); // a condition on its rows asks with the same question
        }
        here.addGate(first ? r.columns().gate() : r, "the FROM item "
            + (r.name() == null ? shorten(String.valueOf(item)) : r.name()) + ", whose rows a masked test chose");
      }
    }
  }

  private void fromItem(FromItem item, Scope scope) {
    if (item instanceof Table t) {
      boolean base = t.getSchemaName() != null || scope.cte(unquote(t.getName())) == null;
      scope.relations.add(new Relation(aliasOr(t.getAlias(), unquote(t.getName())), aliased(table(t, scope), t.getAlias()), base));
    } else if (item instanceof ParenthesedSelect p) {
      // Only LATERAL sees the FROM items before it.
      Scope sees = p instanceof LateralSubSelect ? scope : scope.outer;
      Columns c = query(p.getSelect(), sees == null ? new Scope(null) : inheritCtes(sees, scope));
      orderBy(p.getOrderByElements(), c, scope);
      scope.relations.add(new Relation(aliasOr(p.getAlias(), null), aliased(c, p.getAlias())));
    } else if (item instanceof ParenthesedFromItem pf) {
      Scope inner = new Scope(scope.outer);
      inner.ctes.putAll(allCtes(scope));
      fromItem(pf.getFromItem(), inner);
      if (pf.getJoins() != null) {
        for (Join j : pf.getJoins()) {
          join(j, inner);
        }
      }
      if (pf.getAlias() == null) {
        scope.relations.addAll(inner.relations);
      } else {
        List<Col> cols = new ArrayList<>();
        Flow rest = null;
        for (Relation r : inner.relations) {
          cols.addAll(r.columns().known());
          rest = r.columns().rest() == null ? rest : r.columns().rest().max(rest);
        }
        scope.relations.add(new Relation(unquote(pf.getAlias().getName()), aliased(new Columns(cols, rest), pf.getAlias())));
      }
    } else if (item instanceof Values v) {
      scope.relations.add(new Relation(aliasOr(v.getAlias(), null), aliased(values(v, scope), v.getAlias())));
    } else if (item instanceof TableFunction tf) {
      // A set-returning function's rows carry no origin: whatever masked value goes in is derived.
      Flow f = walk(tf.getFunction(), scope).derived();
      if (f.tainted()) {
        throw new Refusal("the rows of " + tf.getFunction().getName() + "() would depend on the masked column "
            + f.source());
      }
      scope.relations.add(new Relation(aliasOr(tf.getAlias(), unquote(tf.getFunction().getName())),
          aliased(new Columns(List.of(), f), tf.getAlias())));
    } else {
      throw new Refusal("the FROM item " + shorten(String.valueOf(item)) + " cannot be analysed for masked columns");
    }
  }

  private static Map<String, Columns> allCtes(Scope scope) {
    Map<String, Columns> all = new HashMap<>();
    List<Scope> chain = new ArrayList<>();
    for (Scope s = scope; s != null; s = s.outer) {
      chain.add(0, s);
    }
    for (Scope s : chain) {
      all.putAll(s.ctes);
    }
    return all;
  }

  /** {@code sees} for names, plus every CTE visible from {@code here}. */
  private static Scope inheritCtes(Scope sees, Scope here) {
    Scope s = new Scope(sees);
    s.ctes.putAll(allCtes(here));
    return s;
  }

  private void join(Join j, Scope scope) {
    List<Relation> left = List.copyOf(scope.relations);
    from(j.getFromItem(), scope);
    Relation right = scope.relations.get(scope.relations.size() - 1);
    // An inner join's ON filters rows as WHERE does; an outer join's decides, for each row of the
    // preserved side, whether the other side's columns are null: a separate answer.
    boolean outer = j.isLeft() || j.isRight() || j.isFull() || j.isOuter();
    if (j.getOnExpressions() != null) {
      for (Expression on : j.getOnExpressions()) {
        predicate(on, scope, outer ? j : null, outer ? "an outer join's ON" : "ON");
      }
    }
    List<String> merged = new ArrayList<>();
    if (j.getUsingColumns() != null) {
      for (Column c : j.getUsingColumns()) {
        merged.add(unquote(c.getColumnName()));
      }
    }
    if (j.isNatural()) {
      Columns r = right.columns();
      for (Relation l : left) {
        for (Col c : l.columns().known()) {
          if (r.hasKnown(c.name()) || r.rest() != null && c.flow().tainted()) {
            merged.add(c.name());
          }
        }
        if (l.columns().rest() != null) {
          r.known().stream().filter(c -> c.flow().tainted()).forEach(c -> merged.add(c.name()));
        }
      }
    }
    if (merged.isEmpty()) {
      return;
    }
    // A merged column is the left or right value, or their COALESCE, possibly cast to a common
    // type: PostgreSQL may report no origin for it, so a masked one counts as derived.
    List<Col> cols = new ArrayList<>();
    for (String name : merged) {
      Flow f = Flow.CLEAN;
      for (Relation l : left) {
        Flow lf = l.columns().hasKnown(name) ? l.columns().find(name) : null;
        f = f.max(lf);
      }
      f = f.max(right.columns().hasKnown(name) ? right.columns().find(name) : null);
      if (f.tainted()) {
        throw new Refusal("JOIN USING/NATURAL compares the masked column " + f.source()
            + " with another relation's column; join on another column");
      }
      cols.add(new Col(name, f.derived()));
    }
    scope.relations.add(0, new Relation(MERGED, new Columns(cols, null)));
  }

  private Columns relationColumns(Table t, Scope scope) {
    Relation r = scope.relation(unquote(t.getName()));
    if (r != null) {
      return r.columns();
    }
    throw new Refusal(t + ".* names no FROM item that can be analysed for masked columns");
  }

  /** Applies an alias's column list: columns renamed by position keep their origin. */
  private static Columns aliased(Columns c, Alias alias) {
    if (alias == null || alias.getAliasColumns() == null || alias.getAliasColumns().isEmpty()) {
      return c;
    }
    List<String> names = alias.getAliasColumns().stream().map(a -> unquote(a.name)).toList();
    return rename(c, names);
  }

  private static Columns rename(Columns c, List<String> names) {
    if (names.isEmpty()) {
      return c;
    }
    List<Col> cols = new ArrayList<>();
    if (c.rest() == null) {
      for (int i = 0; i < c.known().size(); i++) {
        cols.add(new Col(i < names.size() ? names.get(i) : c.known().get(i).name(), c.known().get(i).flow()));
      }
      return new Columns(cols, null, c.gate());
    }
    // Positions are not known (a table's unmasked columns are not listed): any renamed column may
    // be any masked one, still plain (renaming keeps the origin).
    Flow any = c.all();
    for (String n : names) {
      cols.add(new Col(n, any));
    }
    cols.addAll(c.known());
    return new Columns(cols, c.rest(), c.gate());
  }

  private static String aliasOr(Alias a, String name) {
    return a != null && a.getName() != null ? unquote(a.getName()) : name;
  }

  // ---- expressions

  /** An output expression: a plain column keeps its origin, anything else loses it. */
  private Flow output(Expression e, Scope scope) {
    if (e instanceof Column c) {
      return column(c, scope);
    }
    return walk(e, scope).derived();
  }

  /**
   * A result column: a bare column is shown (masked in place when it is a masked one), which is
   * not a read of its value; anything else is {@link #output}.
   */
  private Flow shown(Expression e, Scope scope) {
    return e instanceof Column c ? columnFlow(c, scope) : output(e, scope);
  }

  /** A column reference read as a value: a masked one marks the statement as reading masked values. */
  private Flow column(Column c, Scope scope) {
    Flow f = columnFlow(c, scope);
    if (f.tainted()) {
      readsMasked = true;
    }
    return f;
  }

  private Flow columnFlow(Column c, Scope scope) {
    String name = unquote(c.getColumnName());
    Table t = c.getTable();
    if (t != null && t.getName() != null) {
      String qualifier = unquote(t.getName());
      Relation r = scope.relation(qualifier);
      if (r != null) {
        Flow f = r.columns().find(name);
        return f != null ? f : r.columns().all().derived();
      }
      // Not a FROM item here: a field of a composite, or a name this walk does not know.
      if (masked.containsKey(qualifier) || isMaskedColumnName(name)) {
        return new Flow(Kind.DERIVED, masked.containsKey(qualifier) ? qualifier + ".*" : anyMaskedNamed(name));
      }
      return Flow.CLEAN;
    }
    return unqualified(name, scope);
  }

  private Flow unqualified(String name, Scope scope) {
    if (scope == null) {
      return Flow.CLEAN;
    }
    Flow known = null;
    for (Relation r : scope.relations) {
      if (r.columns().hasKnown(name)) {
        known = r.columns().find(name).max(known);
      }
    }
    if (known != null) {
      return known;
    }
    // Not a known column here: a column of a table whose other columns are not listed, a whole
    // row, or a column of an enclosing query. Take the worst of them.
    Flow f = Flow.CLEAN;
    for (Relation r : scope.relations) {
      if (name.equals(r.name())) {
        f = f.max(r.columns().all().derived());
      }
    }
    return f.max(unqualified(name, scope.outer));
  }

  private void walkAll(Collection<?> nodes, Scope scope) {
    if (nodes != null) {
      for (Object n : nodes) {
        walk(n, scope);
      }
    }
  }

  /**
   * The worst flow of any value {@code node} reads (a plain column keeps {@link Kind#BARE}; the
   * caller decides whether its own shape keeps the origin). Checks function calls and subqueries
   * on the way. Goes by reflection over the AST's fields, so that an expression class it does
   * not name is still searched, never skipped.
   */
  private Flow walk(Object node, Scope scope) {
    return walk(node, scope, new IdentityHashMap<>());
  }

  private Flow walk(Object node, Scope scope, IdentityHashMap<Object, Boolean> seen) {
    if (node == null || seen.put(node, Boolean.TRUE) != null) {
      return Flow.CLEAN;
    }
    if (node instanceof Collection<?> c) {
      Flow f = Flow.CLEAN;
      for (Object o : c) {
        f = f.max(walk(o, scope, seen));
      }
      return f;
    }
    if (node instanceof Map<?, ?> m) {
      return walk(List.copyOf(m.values()), scope, seen);
    }
    String cls = node.getClass().getName();
    if (!cls.startsWith("net.sf.jsqlparser.") || cls.startsWith("net.sf.jsqlparser.parser.")) {
      return Flow.CLEAN;
    }
    if (node instanceof Column c) {
      return column(c, scope);
    }
    if (node instanceof AllTableColumns t) {
      return relationColumns(t.getTable(), scope).all().derived();
    }
    if (node instanceof AllColumns) {
      return Flow.CLEAN; // count(*)
    }
    if (node instanceof ExistsExpression e) {
      // Its rows only answer yes or no: a test, when a masked one chose them.
      Flow f = walk(e.getRightExpression(), scope, seen);
      return f.kind() == Kind.CLEAN ? Flow.CLEAN : Flow.GATED;
    }
    if (node instanceof Select s) {
      Columns c = query(s, scope);
      if (c.gated()) {
        level().addGate(c.gate(), "the subquery " + shorten(String.valueOf(s)) + ", whose rows a masked test chose");
      }
      return c.all().derived().max(c.gated() ? Flow.GATED : Flow.CLEAN);
    }
    if (node instanceof OrderByElement o) {
      Flow f = walk(o.getExpression(), scope, seen);
      if (f.tainted()) {
        throw new Refusal("ordering by the masked column " + f.source()
            + " would tell how its values compare with each other; order by another column");
      }
      return f;
    }
    if (node instanceof net.sf.jsqlparser.expression.PartitionByClause p) {
      return notComputed(p.getPartitionExpressionList(), scope, "PARTITION BY");
    }
    if (node instanceof net.sf.jsqlparser.expression.WindowElement w) {
      Flow f = walkFields(w, scope, seen);
      if (f.tainted()) {
        throw new Refusal("a window frame computed from the masked column " + f.source() + " would choose rows by its value");
      }
      return f;
    }
    if (node instanceof AnalyticExpression a) {
      // PARTITION BY, ORDER BY and FILTER only choose and order rows, like a query's ORDER BY;
      // the value comes from the function's arguments.
      Flow args = walkFields(a, scope, seen);
      if (args.tainted()) {
        call(List.of(String.valueOf(a.getName())), -1, args);
      }
      if (a.getFilterExpression() != null) {
        // FILTER (WHERE <masked test>) answers its own question about each row, beside WHERE's.
        Level here = new Level();
        levels.push(here);
        try {
          predicate(a.getFilterExpression(), scope, null, "FILTER");
        } finally {
          levels.pop();
        }
        if (!here.tests.isEmpty()) {
          level().add(a, "FILTER (WHERE " + shorten(String.valueOf(a.getFilterExpression())) + ")");
          args = args.max(Flow.GATED);
        }
      }
      if (a.getType() != AnalyticType.OVER && a.getType() != AnalyticType.FILTER_ONLY) {
        return args; // WITHIN GROUP (ORDER BY x): the ordered values are the arguments (mode, percentile_disc)
      }
      return walk(a.getExpression(), scope).max(walk(a.getOffset(), scope)).max(walk(a.getDefaultValue(), scope))
          .max(walk(a.getFuncOrderBy(), scope));
    }
    if (node instanceof Statement st) {
      throw new Refusal("a nested " + st.getClass().getSimpleName() + " cannot be analysed for masked columns");
    }
    Flow f = walkFields(node, scope, seen);
    if (node instanceof Function fn && isCount(fn) && f.tainted() && countsPlainColumn(fn, scope)) {
      // A count of a plain masked column (also DISTINCT) depends only on which values are null or
      // equal: one answer about each row, as a WHERE test gives. A count of anything computed
      // from one is not: over a generated series, count(CASE WHEN g < ascii(...) ...) is the
      // value itself, so such a count is a derived value (below).
      level().add(fn, fn + ", which counts by masked values");
      return Flow.GATED;
    }
    if (node instanceof Function fn && isCount(fn) && !f.tainted()) {
      return f.kind() == Kind.GATED ? Flow.GATED : Flow.CLEAN;
    }
    if (node instanceof Function fn && f.tainted()) {
      List<String> parts = fn.getMultipartName() == null || fn.getMultipartName().isEmpty()
          ? List.of(String.valueOf(fn.getName())) : fn.getMultipartName();
      call(parts, arguments(fn), f);
      return f.derived();
    }
    if (node instanceof net.sf.jsqlparser.expression.CastExpression c && f.tainted() && !BuiltInTypes.isBuiltIn(c)) {
      // A cast to a type of one's own runs the cast function or domain check someone wrote.
      throw new Refusal("the masked column " + f.source() + " is cast to " + c.getColDataType()
          + ", which is not one of PostgreSQL's own types (its cast or checks could keep the value)");
    }
    return f;
  }

  /** count(x) or count(DISTINCT x) of one plain column whose masked value keeps its origin. */
  private boolean countsPlainColumn(Function fn, Scope scope) {
    if (fn.getParameters() == null || fn.getParameters().size() != 1 || fn.getKeep() != null) {
      return false;
    }
    return fn.getParameters().get(0) instanceof Column c && column(c, scope).kind() == Kind.BARE;
  }

  /** How many arguments a call passes; -1 for a keyword form ({@code substring(x FROM 2)}). */
  private static int arguments(Function fn) {
    if (fn.getParameters() == null) {
      return fn.getNamedParameters() != null ? -1 : 0;
    }
    if (fn.getParameters().size() == 1 && fn.getParameters().get(0) instanceof AllColumns) {
      return 0; // count(*)
    }
    return fn.getParameters().size();
  }

  private static boolean isCount(Function fn) {
    List<String> parts = fn.getMultipartName();
    return parts != null && !parts.isEmpty() && unquote(parts.get(parts.size() - 1)).equals("count")
        && (parts.size() == 1 || unquote(parts.get(0)).equals("pg_catalog"));
  }

  /**
   * A call given a masked value: only one of PostgreSQL's own functions that return one value,
   * neither set-returning nor volatile, with an argument count pg_catalog has ({@link
   * ScalarBuiltIns}); {@code arguments} -1 when not known.
   */
  private static void call(List<String> nameParts, int arguments, Flow args) {
    String name = unquote(nameParts.get(nameParts.size() - 1));
    String schema = nameParts.size() > 1 ? unquote(nameParts.get(nameParts.size() - 2)) : null;
    FunctionCall call = new FunctionCall(schema, name);
    if (!ScalarBuiltIns.accepts(schema, name, arguments)) {
      throw new Refusal("the masked column " + args.source() + " is passed to " + call + "()"
          + (arguments >= 0 ? " with " + arguments + " argument" + (arguments == 1 ? "" : "s") : "")
          + ", which is not one of PostgreSQL's own functions that return one value and neither make rows,"
          + " store nor time it (pg_catalog, immutable or stable, not set-returning)");
    }
  }

  private Flow walkFields(Object node, Scope scope, IdentityHashMap<Object, Boolean> seen) {
    Flow f = Flow.CLEAN;
    for (Class<?> k = node.getClass(); k != null && k != Object.class; k = k.getSuperclass()) {
      for (Field field : k.getDeclaredFields()) {
        if (Modifier.isStatic(field.getModifiers()) || field.getType().isPrimitive() || field.getType() == String.class) {
          continue;
        }
        Object v;
        try {
          field.setAccessible(true);
          v = field.get(node);
        } catch (ReflectiveOperationException | RuntimeException e) {
          throw new Refusal("a " + node.getClass().getSimpleName() + " cannot be analysed for masked columns");
        }
        f = f.max(walk(v, scope, seen));
      }
    }
    return f;
  }

  // ---- predicates

  /** Names PostgreSQL reads as values, not columns, where JSqlParser sees a column. */
  private static final Set<String> CONSTANT_NAMES = Set.of(
      "true", "false", "null", "unknown", "current_date", "current_time", "current_timestamp", "localtime",
      "localtimestamp", "current_user", "session_user", "user", "current_role", "current_catalog",
      "current_schema");

  /** Functions whose value changes from one row to the next: no constant to test against. */
  private static final Set<String> ROW_VARYING = Set.of(
      "random", "random_normal", "setseed", "clock_timestamp", "timeofday", "nextval", "currval", "lastval",
      "gen_random_uuid", "uuid_generate_v1", "uuid_generate_v1mc", "uuid_generate_v4", "uuidv4", "uuidv7",
      "txid_current", "pg_current_xact_id", "row_number", "generate_series", "unnest");

  /**
   * A condition (WHERE, ON, HAVING, FILTER, a write's WHERE). Each top-level conjunct that reads
   * a masked value must test one masked column of one relation against constants — no other
   * column, no subquery, no value that changes from row to row — so that, for each row, the
   * conjuncts together answer one question whose only unknown is that row's value. The tested
   * relation is recorded as the level's test ({@code separate}, for an outer join's ON or a
   * MERGE branch, records that condition as a test of its own).
   */
  private void predicate(Expression e, Scope scope, Object separate, String clause) {
    if (e == null) {
      return;
    }
    List<Expression> conjuncts = new ArrayList<>();
    conjuncts(e, conjuncts);
    for (Expression c : conjuncts) {
      Flow f = walk(c, scope);
      if (!f.tainted()) {
        continue;
      }
      readsMasked = true;
      Tested t = new Tested();
      pure(c, scope, t, f, clause);
      if (t.relation == null) {
        throw new Refusal("the " + clause + " condition " + shorten(String.valueOf(c))
            + " reads the masked column " + f.source() + " through a value the analysis cannot follow");
      }
      // Other columns of the same stored row are as fixed as the masked one; a subquery's or a
      // join's rows may repeat a masked value beside values that change from copy to copy.
      if (t.relations.size() > 1 || t.columns.size() > 1 && !t.relation.base) {
        throw new Refusal("the " + clause + " condition " + shorten(String.valueOf(c)) + " on the masked column "
            + f.source() + " compares it with a value that is not a constant or a column of the same table row;"
            + " a condition may test one table's row against constants only");
      }
      if (separate != null) {
        level().add(separate, "the " + clause + " condition " + shorten(String.valueOf(c)));
      } else {
        Level here = level();
        here.add(here.aliases.getOrDefault(t.relation, t.relation), "conditions on " + f.source());
      }
    }
  }

  private static void conjuncts(Expression e, List<Expression> out) {
    if (e instanceof net.sf.jsqlparser.expression.operators.conditional.AndExpression a) {
      conjuncts(a.getLeftExpression(), out);
      conjuncts(a.getRightExpression(), out);
    } else if (e instanceof net.sf.jsqlparser.expression.operators.relational.ParenthesedExpressionList<?> l
        && l.size() == 1) {
      conjuncts((Expression) l.get(0), out);
    } else {
      out.add(e);
    }
  }

  /** The one masked column a conjunct tests: its relation and name. */
  private static final class Tested {
    Relation relation;
    String column;
    final Set<String> columns = new java.util.HashSet<>();
    final Set<Relation> relations = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
  }

  /** Checks that {@code node}, part of a masked conjunct, holds only constants and one masked column. */
  private void pure(Object node, Scope scope, Tested t, Flow f, String clause) {
    if (node == null) {
      return;
    }
    if (node instanceof Collection<?> c) {
      for (Object o : c) {
        pure(o, scope, t, f, clause);
      }
      return;
    }
    String cls = node.getClass().getName();
    if (!cls.startsWith("net.sf.jsqlparser.") || cls.startsWith("net.sf.jsqlparser.parser.")) {
      return;
    }
    String why = null;
    if (node instanceof Column c) {
      String name = unquote(c.getColumnName());
      if (c.getTable() == null && !c.getColumnName().startsWith("\"") && CONSTANT_NAMES.contains(name)) {
        return;
      }
      Flow cf = column(c, scope);
      Relation r = relationOf(c, scope);
      if (cf.kind() == Kind.DERIVED) {
        why = "reads " + c + ", a value computed from it elsewhere in the statement";
      } else if (r == null) {
        why = cf.tainted() ? "reads " + c + ", whose FROM item the analysis cannot tell"
            : "compares it with " + c + ", which is not a constant";
      } else {
        t.columns.add(name);
        t.relations.add(r);
        if (cf.tainted() && t.relation == null) {
          t.relation = r;
          t.column = name;
        }
        return;
      }
    } else if (node instanceof Select || node instanceof ExistsExpression) {
      why = "holds a subquery";
    } else if (node instanceof AllColumns || node instanceof AllTableColumns || node instanceof AnalyticExpression) {
      why = "holds " + node;
    } else if (node instanceof Function fn && fn.getName() != null
        && ROW_VARYING.contains(unquote(fn.getMultipartName().get(fn.getMultipartName().size() - 1)))) {
      why = "calls " + fn.getName() + "(), whose value changes from row to row";
    }
    if (why != null) {
      throw new Refusal("the " + clause + " condition " + shorten(String.valueOf(node)) + " on the masked column "
          + f.source() + " " + why + "; a condition may test one masked column against constants only");
    }
    for (Class<?> k = node.getClass(); k != null && k != Object.class; k = k.getSuperclass()) {
      for (Field field : k.getDeclaredFields()) {
        if (Modifier.isStatic(field.getModifiers()) || field.getType().isPrimitive() || field.getType() == String.class) {
          continue;
        }
        try {
          field.setAccessible(true);
          pure(field.get(node), scope, t, f, clause);
        } catch (ReflectiveOperationException | RuntimeException e) {
          if (e instanceof Refusal r) {
            throw r;
          }
          throw new Refusal("a " + node.getClass().getSimpleName() + " cannot be analysed for masked columns");
        }
      }
    }
  }

  private static boolean noRelationsOutside(Scope s) {
    for (Scope o = s.outer; o != null; o = o.outer) {
      if (!o.relations.isEmpty()) {
        return false;
      }
    }
    return true;
  }

  /** The FROM item a column reference reads, or null when it cannot be told. */
  private static Relation relationOf(Column c, Scope scope) {
    String name = unquote(c.getColumnName());
    Table t = c.getTable();
    if (t != null && t.getName() != null) {
      Relation r = scope.relation(unquote(t.getName()));
      return r != null && r.columns().hasKnown(name) ? r : null;
    }
    for (Scope s = scope; s != null; s = s.outer) {
      Relation found = null;
      for (Relation r : s.relations) {
        if (r.columns().hasKnown(name)) {
          if (found != null) {
            return null;
          }
          found = r;
        }
      }
      if (found != null) {
        return found;
      }
      if (s.relations.size() == 1 && s.relations.get(0).columns().rest() != null && noRelationsOutside(s)) {
        // The only FROM item here, whose other columns are not listed; with an enclosing query
        // the name could be one of its columns instead, so then it is not told.
        return s.relations.get(0);
      }
      if (!s.relations.isEmpty()) {
        return null;
      }
    }
    return null;
  }

  /**
   * GROUP BY and DISTINCT ON, whose keys may also be an output column's position ({@code GROUP BY
   * 1}) or alias ({@code GROUP BY x}), as ORDER BY's may, and ROLLUP, CUBE and GROUPING SETS
   * lists: each key resolved to the value it groups by before it is judged.
   */
  private void grouping(Object keys, Columns out, Scope scope, String clause) {
    if (keys == null) {
      return;
    }
    if (keys instanceof Collection<?> c) {
      for (Object o : c) {
        grouping(o, out, scope, clause);
      }
      return;
    }
    if (keys instanceof net.sf.jsqlparser.statement.select.GroupByElement g) {
      grouping(g.getGroupByExpressionList(), out, scope, clause);
      grouping(g.getGroupingSets(), out, scope, clause);
      return;
    }
    if (keys instanceof net.sf.jsqlparser.statement.select.Distinct d) {
      grouping(d.getOnSelectItems(), out, scope, clause);
      return;
    }
    if (keys instanceof SelectItem<?> i) {
      grouping(i.getExpression(), out, scope, clause);
      return;
    }
    if (keys instanceof Function fn && fn.getMultipartName() != null && fn.getMultipartName().size() == 1
        && Set.of("rollup", "cube").contains(unquote(fn.getName()))) {
      grouping(fn.getParameters(), out, scope, clause + " " + fn.getName().toUpperCase(Locale.ROOT));
      return;
    }
    Flow f = null;
    if (position(keys) instanceof net.sf.jsqlparser.expression.LongValue n) {
      int i = (int) n.getValue() - 1;
      f = out.rest() == null && i >= 0 && i < out.known().size() ? out.known().get(i).flow() : out.all();
    } else if (keys instanceof Column c && c.getTable() == null && out.hasKnown(unquote(c.getColumnName()))
        && out.find(unquote(c.getColumnName())).tainted()) {
      // An input column of that name would win in GROUP BY; either may be meant, so take the output.
      f = out.find(unquote(c.getColumnName()));
    }
    if (f != null && f.tainted()) {
      throw new Refusal(clause + " over the masked column " + f.source() + " (" + keys + ", an output column)"
          + " sorts rows by its values; group by another column or count with count(DISTINCT …)");
    }
    notComputed(keys, scope, clause);
  }

  /**
   * GROUP BY, DISTINCT ON, PARTITION BY: a plain masked column groups equal values, as they show
   * anyway; a value computed from one would sort rows by a part of it.
   */
  private Flow notComputed(Object keys, Scope scope, String clause) {
    if (keys == null) {
      return Flow.CLEAN;
    }
    if (keys instanceof Collection<?> c) {
      Flow f = Flow.CLEAN;
      for (Object o : c) {
        f = f.max(notComputed(o, scope, clause));
      }
      return f;
    }
    if (keys instanceof net.sf.jsqlparser.statement.select.GroupByElement g) {
      return notComputed(g.getGroupByExpressionList(), scope, clause).max(notComputed(g.getGroupingSets(), scope, clause));
    }
    if (keys instanceof net.sf.jsqlparser.statement.select.Distinct d) {
      return notComputed(d.getOnSelectItems(), scope, clause);
    }
    if (keys instanceof SelectItem<?> i) {
      return notComputed(i.getExpression(), scope, clause);
    }
    if (!(keys instanceof Expression e)) {
      return walk(keys, scope);
    }
    Flow f = output(e, scope);
    if (f.tainted()) {
      // Grouping sorts or hashes by the key: the groups, and the rows in them, come back in an
      // order of the masked values, which rows with values of one's own would place.
      throw new Refusal(clause + " over the masked column " + f.source()
          + " sorts rows by its values; group by another column or count with count(DISTINCT …)");
    }
    return f;
  }

  /**
   * The key without its parentheses: PostgreSQL's grammar drops them, so {@code ORDER BY (2)} and
   * {@code GROUP BY ((2))} are positions as {@code ORDER BY 2} is.
   */
  private static Object position(Object key) {
    Object k = key;
    while (true) {
      if (k instanceof net.sf.jsqlparser.expression.Parenthesis p) {
        k = p.getExpression();
      } else if (k instanceof net.sf.jsqlparser.expression.operators.relational.ParenthesedExpressionList<?> l
          && l.size() == 1) {
        k = l.get(0);
      } else {
        return k;
      }
    }
  }

  /**
   * ORDER BY, which may name an output column or its position: ordering by a masked value tells
   * how the values compare with each other, many bits in one query.
   */
  private void orderBy(List<OrderByElement> elements, Columns out, Scope scope) {
    if (elements == null) {
      return;
    }
    for (OrderByElement o : elements) {
      Expression e = o.getExpression();
      Flow f;
      if (position(e) instanceof net.sf.jsqlparser.expression.LongValue n) {
        int i = (int) n.getValue() - 1;
        f = out.rest() == null && i >= 0 && i < out.known().size() ? out.known().get(i).flow() : out.all();
      } else if (e instanceof Column c && c.getTable() == null && out.hasKnown(unquote(c.getColumnName()))) {
        f = out.find(unquote(c.getColumnName()));
      } else {
        f = walk(o, scope);
      }
      if (f.tainted()) {
        throw new Refusal("ordering by the masked column " + f.source()
            + " would tell how its values compare with each other; order by another column");
      }
    }
  }

  // ---- writes

  private Columns insert(Insert ins, Scope outer, boolean toClient) {
    Scope scope = withCtes(ins.getWithItemsList(), outer);
    Table target = ins.getTable();
    String targetName = unquote(target.getName());
    List<String> targetColumns = ins.getColumns() == null ? null
        : ins.getColumns().stream().map(c -> unquote(c.getColumnName())).toList();
    Columns source = ins.getSelect() == null ? new Columns(List.of(), null) : query(ins.getSelect(), scope);
    if (source.gated()) {
      // The rows written are the ones a masked test chose: that test is this statement's question.
      level().addGate(source.gate(), "the rows INSERT takes from " + shorten(String.valueOf(ins.getSelect()))
          + ", which a masked test chose");
    }
    for (int i = 0; i < source.known().size(); i++) {
      String into = targetColumns != null && i < targetColumns.size() ? targetColumns.get(i) : null;
      written(targetName, into, source.known().get(i).flow());
    }
    if (source.rest() != null) {
      written(targetName, null, source.rest());
    }
    if (ins.getSetUpdateSets() != null) {
      Scope s = new Scope(scope);
      Relation row = new Relation(aliasOr(target.getAlias(), targetName), table(target, scope));
      s.relations.add(row);
      updateSets(targetName, row, ins.getSetUpdateSets(), s);
    }
    if (ins.getConflictAction() != null) {
      conflictTarget(targetName, ins.getConflictTarget());
      Scope s = new Scope(scope);
      Relation row = new Relation(aliasOr(target.getAlias(), targetName), table(target, scope));
      s.relations.add(row);
      List<Col> excluded = new ArrayList<>();
      Flow rest = Flow.CLEAN;
      for (int i = 0; i < source.known().size(); i++) {
        if (targetColumns != null && i < targetColumns.size()) {
          excluded.add(new Col(targetColumns.get(i), source.known().get(i).flow()));
        } else {
          rest = rest.max(source.known().get(i).flow());
        }
      }
      s.relations.add(new Relation("excluded", new Columns(excluded, rest.max(source.rest()))));
      if (ins.getConflictAction().getUpdateSets() != null) {
        updateSets(targetName, row, ins.getConflictAction().getUpdateSets(), s);
      }
      predicate(ins.getConflictAction().getWhereExpression(), s, null, "ON CONFLICT ... WHERE");
    }
    Scope returning = new Scope(scope);
    returning.relations.add(new Relation(aliasOr(target.getAlias(), targetName), table(target, scope)));
    return returning(ins.getReturningClause(), returning, toClient);
  }

  /**
   * {@code ON CONFLICT} on a table with masked columns compares each row written with every stored
   * row through the arbiter unique indexes, and lets the statement go on: which of a thousand rows
   * were written, updated or skipped ({@code DO NOTHING RETURNING id}, or a later SELECT of them)
   * tells which guesses a stored masked value matches — many questions in one statement. Allowed
   * only with a conflict target of plain columns none of which is masked ({@code ON CONFLICT (id)}),
   * whose arbiter is then an index of those columns only; without a target (any unique index), with
   * {@code ON CONSTRAINT}, an expression or an index predicate, refused.
   */
  private void conflictTarget(String targetName, net.sf.jsqlparser.statement.insert.InsertConflictTarget target) {
    if (!masked.containsKey(targetName)) {
      return;
    }
    String why = null;
    if (target == null) {
      why = "without a conflict target any unique index, one over a masked column too, decides";
    } else if (target.getConstraintName() != null || target.getIndexExpression() != null
        || target.getWhereExpression() != null || target.getIndexColumnNames() == null
        || target.getIndexColumnNames().isEmpty()) {
      why = "only a list of plain columns as the conflict target can be checked";
    } else {
      for (String c : target.getIndexColumnNames()) {
        String name = unquote(c);
        if (name == null || !name.matches("[\\p{L}_][\\p{L}\\p{N}_$]*") || masked.get(targetName).contains(name)) {
          why = "the conflict target " + c + " is not a plain column without masking";
          break;
        }
      }
    }
    if (why != null) {
      throw new Refusal("INSERT … ON CONFLICT into " + targetName + ", which has masked columns ("
          + String.join(", ", masked.get(targetName)) + "), would tell which of the rows written match stored values: " + why
          + ". Name plain unmasked columns: ON CONFLICT (id)");
    }
  }

  private Columns update(net.sf.jsqlparser.statement.update.Update upd, Scope outer, boolean toClient) {
    Scope scope = new Scope(withCtes(upd.getWithItemsList(), outer));
    Table target = upd.getTable();
    String targetName = unquote(target.getName());
    from(target, scope);
    Relation row = scope.relations.get(0);
    if (upd.getStartJoins() != null) {
      upd.getStartJoins().forEach(j -> join(j, scope));
    }
    if (upd.getFromItem() != null) {
      from(upd.getFromItem(), scope);
    }
    if (upd.getJoins() != null) {
      upd.getJoins().forEach(j -> join(j, scope));
    }
    predicate(upd.getWhere(), scope, null, "WHERE");
    updateSets(targetName, row, upd.getUpdateSets(), scope);
    return returning(upd.getReturningClause(), scope, toClient);
  }

  private Columns delete(Delete del, Scope outer, boolean toClient) {
    Scope scope = new Scope(withCtes(del.getWithItemsList(), outer));
    from(del.getTable(), scope);
    if (del.getUsingList() != null) {
      del.getUsingList().forEach(t -> from(t, scope));
    }
    if (del.getJoins() != null) {
      del.getJoins().forEach(j -> join(j, scope));
    }
    predicate(del.getWhere(), scope, null, "WHERE");
    return returning(del.getReturningClause(), scope, toClient);
  }

  private void merge(Merge m, Scope outer) {
    Scope scope = new Scope(withCtes(m.getWithItemsList(), outer));
    Table target = m.getTable();
    String targetName = unquote(target.getName());
    from(target, scope);
    Relation row = scope.relations.get(0);
    if (m.getFromItem() != null) {
      from(m.getFromItem(), scope);
    } else if (m.getUsingTable() != null) {
      Table t = m.getUsingTable();
      scope.relations.add(new Relation(aliasOr(m.getUsingAlias(), unquote(t.getName())), table(t, scope)));
    }
    predicate(m.getOnCondition(), scope, null, "MERGE ... ON");
    List<MergeOperation> ops = m.getOperations() == null ? List.of() : m.getOperations();
    for (MergeOperation op : ops) {
      if (op instanceof MergeUpdate u) {
        predicate(u.getAndPredicate(), scope, u, "WHEN MATCHED AND");
        predicate(u.getWhereCondition(), scope, u, "WHEN MATCHED ... WHERE");
        updateSets(targetName, row, u.getUpdateSets(), scope);
      } else if (op instanceof MergeInsert i) {
        predicate(i.getAndPredicate(), scope, i, "WHEN NOT MATCHED AND");
        predicate(i.getWhereCondition(), scope, i, "WHEN NOT MATCHED ... WHERE");
        List<?> values = i.getValues() == null ? List.of() : i.getValues();
        for (int k = 0; k < values.size(); k++) {
          String into = i.getColumns() != null && k < i.getColumns().size()
              ? unquote(i.getColumns().get(k).getColumnName()) : null;
          written(targetName, into, output((Expression) values.get(k), scope));
        }
      } else {
        walk(op, scope);
      }
    }
  }

  /**
   * SET lists of UPDATE, ON CONFLICT DO UPDATE and MERGE; {@code row} is the target's row, whose
   * own column may be set to itself ({@code SET ssn = ssn}, a no-op that changes no masked form).
   */
  private void updateSets(String targetName, Relation row, List<UpdateSet> sets, Scope scope) {
    if (sets == null) {
      return;
    }
    for (UpdateSet set : sets) {
      List<String> cols = set.getColumns().stream().map(c -> unquote(c.getColumnName())).toList();
      List<?> values = set.getValues();
      if (values.size() == cols.size()) {
        for (int i = 0; i < cols.size(); i++) {
          Expression value = (Expression) values.get(i);
          Flow f = output(value, scope);
          if (!itself(position(value), cols.get(i), row, scope)) {
            written(targetName, cols.get(i), f);
          }
        }
      } else if (values.size() == 1 && values.get(0) instanceof Select s) {
        Columns c = query(s, scope);
        if (c.gated()) {
          level().addGate(c.gate(), "the subquery " + shorten(String.valueOf(s)) + ", whose rows a masked test chose");
        }
        for (int i = 0; i < cols.size(); i++) {
          Flow f = c.rest() == null && i < c.known().size() ? c.known().get(i).flow() : c.all();
          written(targetName, cols.get(i), f);
        }
      } else {
        Flow f = walk(values, scope);
        for (String col : cols) {
          written(targetName, col, f);
        }
      }
    }
  }

  /** Whether {@code value} is the column {@code column} of the target's own row {@code row}. */
  private static boolean itself(Object value, String column, Relation row, Scope scope) {
    return value instanceof Column c && column.equals(unquote(c.getColumnName())) && relationOf(c, scope) == row;
  }

  /**
   * A value written into {@code table.column} ({@code column} null when not known). No value read
   * from a masked column may be written anywhere but back into its own place ({@link #itself}):
   * into a plain column it would show unmasked; into a masked column — another row, another
   * column, or the same one computed — it shows through its masked form, which is a function of
   * what is stored and so of what the writer chose to store: whether it is NULL ({@code
   * nullif(…)}), the tail {@code keep-last-4} leaves ({@code '*****' || substr(ssn, 1, 4)}), the
   * digest of one character under {@code hash}.
   */
  private void written(String table, String column, Flow f) {
    if (!f.tainted()) {
      return;
    }
    readsMasked = true;
    Set<String> maskedHere = masked.get(table);
    if (column != null && maskedHere != null && maskedHere.contains(column)) {
      throw new Refusal("a value read from the masked column " + f.source() + " would be written into the masked"
          + " column " + table + "." + column + ", whose masked form would then show what the statement chose to store"
          + " (whether it is NULL, its last characters, a digest of a part); write literals or parameters, or set a"
          + " column to itself");
    }
    throw new Refusal("the masked column " + f.source() + " would be copied into " + table
        + (column == null ? "" : "." + column) + ", where it would no longer be masked");
  }

  private Columns returning(ReturningClause r, Scope scope, boolean toClient) {
    if (r == null) {
      return new Columns(List.of(), null);
    }
    List<Col> cols = new ArrayList<>();
    Flow rest = null;
    for (Object o : r) {
      if (!(o instanceof SelectItem<?> item)) {
        throw new Refusal("RETURNING " + o + " cannot be analysed for masked columns");
      }
      Expression e = item.getExpression();
      if (e instanceof AllTableColumns t) {
        Columns c = relationColumns(t.getTable(), scope);
        cols.addAll(c.known());
        rest = c.rest() == null ? rest : c.rest().max(rest);
      } else if (e instanceof AllColumns) {
        for (Relation rel : scope.relations) {
          cols.addAll(rel.columns().known());
          rest = rel.columns().rest() == null ? rest : rel.columns().rest().max(rest);
        }
      } else {
        String name = item.getAlias() != null ? unquote(item.getAlias().getName())
            : e instanceof Column c ? unquote(c.getColumnName()) : "?column?";
        cols.add(new Col(name, shown(e, scope)));
      }
    }
    Columns out = new Columns(cols, rest);
    if (toClient) {
      requireMaskable(out);
    }
    return out;
  }

  // ---- verdicts

  /** What reaches the client: a plain masked column is masked in place, a derived one cannot be. */
  private static void requireMaskable(Columns out) {
    for (Col c : out.known()) {
      if (c.flow().kind() == Kind.DERIVED) {
        throw new Refusal("the result column " + c.name() + " is derived from the masked column "
            + c.flow().source() + " and carries no origin, so it could not be masked");
      }
    }
    if (out.rest() != null && out.rest().kind() == Kind.DERIVED) {
      throw new Refusal("the result carries values derived from the masked column " + out.rest().source()
          + " without their origin, so they could not be masked");
    }
  }

  /** What is written elsewhere: no masked value at all. */
  private static void requireClean(Columns out, String what) {
    Flow f = out.all();
    if (f.tainted()) {
      throw new Refusal(what + " the masked column " + f.source() + " where it would no longer be masked");
    }
  }

  private boolean isMaskedColumnName(String name) {
    return masked.values().stream().anyMatch(s -> s.contains(name));
  }

  private String anyMaskedNamed(String name) {
    return masked.entrySet().stream().filter(e -> e.getValue().contains(name)).map(e -> e.getKey() + "." + name)
        .findFirst().orElse(name);
  }

  private String describeMasked() {
    List<String> all = new ArrayList<>();
    new LinkedHashMap<>(masked).forEach((t, cs) -> cs.forEach(c -> all.add(t + "." + c)));
    return String.join(", ", all);
  }

  static String shorten(String s) {
    return s.length() > 120 ? s.substring(0, 120) + "…" : s;
  }

  static String unquote(String name) {
    if (name == null) {
      return null;
    }
    return name.length() > 1 && name.startsWith("\"") && name.endsWith("\"")
        ? name.substring(1, name.length() - 1).replace("\"\"", "\"")
        : name.toLowerCase(Locale.ROOT);
  }
}
