package dev.gatehouse.policy;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import net.sf.jsqlparser.expression.Expression;
import net.sf.jsqlparser.schema.Column;
import net.sf.jsqlparser.schema.Table;
import net.sf.jsqlparser.statement.Statement;
import net.sf.jsqlparser.statement.Statements;
import net.sf.jsqlparser.statement.select.AllColumns;
import net.sf.jsqlparser.statement.select.PlainSelect;
import net.sf.jsqlparser.statement.select.SelectItem;
import net.sf.jsqlparser.statement.select.SetOperationList;

/**
 * Masking happens on the wire, by each result column's origin (table OID and column number): a
 * bare {@code email} — aliased or not, through {@code *} — is masked in place. A value
 * <em>derived</em> from a masked column has no origin and cannot be masked in place
 * ({@code email || ''}, {@code upper(email)}, {@code row_to_json(u)}, {@code string_agg(email)},
 * casts, arithmetic, {@code split_part}, encodings, a UNION branch, {@code query_to_xml}, views
 * over the table, {@code COPY … TO STDOUT}): such a statement is refused, naming the column.
 *
 * <p>Fail closed: a statement that names a masked table and cannot be parsed is refused too.
 * Known limit: inference through WHERE clauses ({@code WHERE email LIKE 'a%'}) is not stopped.
 */
public final class MaskedDerivations {
  /** Functions that run a query given as text: they reach any column, masked or not. */
  private static final Set<String> QUERY_FUNCTIONS = Set.of(
      "query_to_xml", "query_to_xmlschema", "query_to_xml_and_xmlschema", "table_to_xml", "table_to_xmlschema",
      "table_to_xml_and_xmlschema", "cursor_to_xml", "schema_to_xml", "schema_to_xml_and_xmlschema",
      "database_to_xml", "database_to_xml_and_xmlschema", "dblink", "dblink_exec", "query_to_json");

  /** table name (unqualified, lower-case) → its masked columns (lower-case). */
  private final Map<String, Set<String>> masked;
  /** views over masked columns (unqualified, lower-case) → the column they expose, "users.email". */
  private final Map<String, String> exposingViews;

  public MaskedDerivations(Map<String, Set<String>> masked, Map<String, String> exposingViews) {
    this.masked = Map.copyOf(masked);
    this.exposingViews = Map.copyOf(exposingViews);
  }

  /** From {@code mask.columns} entries: {@code table.column} or {@code schema.table.column}. */
  public static Map<String, Set<String>> byTable(List<String> columns) {
    Map<String, Set<String>> m = new java.util.HashMap<>();
    for (String c : columns) {
      String[] p = c.toLowerCase(Locale.ROOT).split("\\.");
      if (p.length < 2) {
        continue;
      }
      m.computeIfAbsent(p[p.length - 2], k -> new TreeSet<>()).add(p[p.length - 1]);
    }
    return m;
  }

  public boolean active() {
    return !masked.isEmpty();
  }

  private static final int CACHE_SIZE = 10_000;
  /** Verdicts by literal-free fingerprint: the answer depends on names and shape, not on literals. */
  private final Map<String, Optional<String>> cache =
      java.util.Collections.synchronizedMap(new java.util.LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Optional<String>> eldest) {
          return size() > CACHE_SIZE;
        }
      });

  /** Why this SQL would return a value derived from a masked column, or empty. */
  public Optional<String> violation(String sql) {
    if (masked.isEmpty()) {
      return Optional.empty();
    }
    List<Token> tokens = SqlLexer.tokenize(sql);
    String key = SqlLexer.fingerprint(tokens);
    Optional<String> known = cache.get(key);
    if (known != null) {
      return known;
    }
    Optional<String> v = judge(sql, tokens);
    cache.put(key, v);
    return v;
  }

  /**
   * As {@link #violation(String)}, for a session whose {@code standard_conforming_strings} is
   * {@code standardStrings}. The analysis reads the text with it on; when off (or not known)
   * reads it differently and that reading names a masked table, a view exposing one or a function
   * running query text, the statement is refused rather than analysed the wrong way.
   */
  public Optional<String> violation(String sql, StandardConformingStrings standardStrings) {
    Optional<String> on = violation(sql);
    if (on.isPresent() || masked.isEmpty() || standardStrings == StandardConformingStrings.ON) {
      return on;
    }
    List<Token> off = SqlLexer.tokenize(sql, false);
    if (SqlLexer.readsTheSameEitherWay(SqlLexer.tokenize(sql, true), off)) {
      return on;
    }
    for (Token t : off) {
      String name = t.isName() ? t.text().toLowerCase(Locale.ROOT) : "";
      if (masked.containsKey(name) || exposingViews.containsKey(name) || QUERY_FUNCTIONS.contains(name)) {
        return Optional.of("read with standard_conforming_strings off this statement uses " + name
            + " in a way that cannot be analysed for the masked columns " + anyMasked());
      }
    }
    return on;
  }

  private Optional<String> judge(String sql, List<Token> tokens) {
    Set<String> names = new TreeSet<>();
    for (Token t : tokens) {
      if (t.type() == Token.Type.WORD || t.type() == Token.Type.IDENT) {
        names.add(t.text().toLowerCase(Locale.ROOT));
      }
    }
    for (String f : QUERY_FUNCTIONS) {
      if (names.contains(f)) {
        return Optional.of(f + "() runs a query given as text and would bypass masking of " + anyMasked());
      }
    }
    for (Map.Entry<String, String> v : exposingViews.entrySet()) {
      if (names.contains(v.getKey())) {
        return Optional.of("view " + v.getKey() + " exposes the masked column " + v.getValue()
            + " without its origin; select from the table instead");
      }
    }
    String table = masked.keySet().stream().filter(names::contains).findFirst().orElse(null);
    if (table == null) {
      return Optional.empty();
    }
    List<String> words = tokens.stream().filter(t -> t.type() == Token.Type.WORD).map(Token::text).toList();
    String first = words.isEmpty() ? "" : words.get(0);
    if (first.equals("copy")) {
      return copyViolation(sql, tokens, table);
    }
    if (first.equals("declare")) {
      // DECLARE c CURSOR ... FOR <query>: FETCH returns the query's rows, judge the query.
      int at = indexOfWord(tokens, "for");
      return at < 0 ? Optional.of("a cursor over " + table + " that cannot be analysed")
          : parsedViolation(sql.substring(tokens.get(at).end()), table, false);
    }
    boolean returnsRows = Set.of("select", "with", "values", "table").contains(first) || words.contains("returning");
    if (!returnsRows) {
      return Optional.empty(); // DML without RETURNING, DDL, LOCK, EXPLAIN: no values of the table come back
    }
    return parsedViolation(sql, table, false);
  }

  /**
   * COPY's rows carry no column origins (the proxy cannot mask them in place): any masked column
   * in them is a violation, bare or not. COPY … FROM only reads.
   */
  private Optional<String> copyViolation(String sql, List<Token> tokens, String table) {
    if (indexOfWord(tokens, "from") >= 0 && indexOfWord(tokens, "to") < 0) {
      return Optional.empty();
    }
    String reason = "COPY would carry the masked column(s) of " + table + " (" + String.join(", ", masked.get(table))
        + ") unmasked";
    if (tokens.size() > 1 && tokens.get(1).type() == Token.Type.LPAREN) {
      int depth = 0;
      int end = -1;
      for (int i = 1; i < tokens.size(); i++) {
        if (tokens.get(i).type() == Token.Type.LPAREN) {
          depth++;
        } else if (tokens.get(i).type() == Token.Type.RPAREN && --depth == 0) {
          end = i;
          break;
        }
      }
      if (end < 0) {
        return Optional.of(reason);
      }
      String query = sql.substring(tokens.get(1).end(), tokens.get(end).start());
      return parsedViolation(query, table, true).map(r -> "COPY: " + r);
    }
    // COPY table [(columns)] TO …
    int open = -1;
    for (int i = 1; i < tokens.size(); i++) {
      if (tokens.get(i).type() == Token.Type.LPAREN) {
        open = i;
        break;
      }
      if (tokens.get(i).type() == Token.Type.WORD && tokens.get(i).text().equals("to")) {
        break;
      }
    }
    if (open < 0) {
      return Optional.of(reason);
    }
    Set<String> listed = new TreeSet<>();
    for (int i = open + 1; i < tokens.size() && tokens.get(i).type() != Token.Type.RPAREN; i++) {
      if (tokens.get(i).type() == Token.Type.WORD || tokens.get(i).type() == Token.Type.IDENT) {
        listed.add(tokens.get(i).text().toLowerCase(Locale.ROOT));
      }
    }
    for (String col : masked.get(table)) {
      if (listed.contains(col)) {
        return Optional.of(reason);
      }
    }
    return Optional.empty();
  }

  private static int indexOfWord(List<Token> tokens, String word) {
    for (int i = 0; i < tokens.size(); i++) {
      if (tokens.get(i).type() == Token.Type.WORD && tokens.get(i).text().equals(word)) {
        return i;
      }
    }
    return -1;
  }

  /** Parses and checks; {@code strict}: even bare masked columns and * are violations (COPY). */
  private Optional<String> parsedViolation(String sql, String table, boolean strict) {
    Statements parsed;
    try {
      // In this thread (the convenience parseStatements(String) starts an executor per call).
      parsed = SqlParsing.jsqlparser(sql, p -> { });
    } catch (Exception | StackOverflowError e) {
      parsed = null;
    }
    if (parsed == null || parsed.isEmpty()) {
      return Optional.of("the statement names " + table + ", which has masked columns, and cannot be analysed");
    }
    for (Statement st : parsed) {
      Optional<String> v = check(st, strict);
      if (v.isPresent()) {
        return v;
      }
    }
    return Optional.empty();
  }

  private Optional<String> check(Statement statement, boolean strict) {
    List<Object> nodes = new ArrayList<>();
    collect(statement, nodes, new IdentityHashMap<>());
    // Names that stand for a whole masked row: the table itself and its aliases.
    Set<String> rowNames = new TreeSet<>();
    Set<String> columnNames = new TreeSet<>();
    for (Object n : nodes) {
      if (n instanceof Table t && t.getName() != null) {
        String name = unquote(t.getName());
        if (masked.containsKey(name)) {
          rowNames.add(name);
          columnNames.addAll(masked.get(name));
          if (t.getAlias() != null) {
            rowNames.add(unquote(t.getAlias().getName()));
          }
        }
      }
    }
    if (rowNames.isEmpty()) {
      return Optional.empty();
    }
    for (Object n : nodes) {
      if (n instanceof SetOperationList set) {
        for (var branch : set.getSelects()) {
          if (branch instanceof PlainSelect ps) {
            for (SelectItem<?> item : ps.getSelectItems()) {
              Object e = item.getExpression();
              if (e instanceof AllColumns || e instanceof Column c && columnNames.contains(unquote(c.getColumnName()))) {
                return Optional.of("a UNION/INTERSECT/EXCEPT branch returns " + describe(e)
                    + " of a table with masked columns (" + String.join(", ", columnNames)
                    + "): a set operation loses the column's origin, so it could not be masked");
              }
            }
          }
        }
      }
      if (n instanceof SelectItem<?> item) {
        Object e = item.getExpression();
        if (e instanceof AllColumns) {
          if (strict) {
            return Optional.of("* includes the masked column(s) " + String.join(", ", columnNames));
          }
          continue; // table.* and * keep each column's origin
        }
        if (e instanceof Column c) {
          String col = unquote(c.getColumnName());
          if (strict && columnNames.contains(col)) {
            return Optional.of("the masked column " + tableOf(col) + "." + col + " would leave without its origin");
          }
          if (rowNames.contains(col) && !columnNames.contains(col)) {
            return Optional.of("the whole row " + col + " would carry the masked column(s) "
                + String.join(", ", columnNames) + " without their origin");
          }
          continue; // a bare column is masked in place by its origin
        }
        if (e instanceof Expression expr) {
          Set<String> used = identifiers(expr.toString());
          for (String col : columnNames) {
            if (used.contains(col)) {
              return Optional.of("the masked column " + tableOf(col) + "." + col + " is used in the expression '"
                  + shorten(expr.toString()) + "', whose result cannot be masked in place");
            }
          }
          for (String row : rowNames) {
            if (used.contains(row)) {
              return Optional.of("the expression '" + shorten(expr.toString()) + "' uses the whole row " + row
                  + ", which carries the masked column(s) " + String.join(", ", columnNames));
            }
          }
        }
      }
    }
    return Optional.empty();
  }

  private String tableOf(String column) {
    return masked.entrySet().stream().filter(e -> e.getValue().contains(column)).map(Map.Entry::getKey)
        .findFirst().orElse("?");
  }

  private String anyMasked() {
    Map.Entry<String, Set<String>> e = masked.entrySet().iterator().next();
    return e.getKey() + "." + e.getValue().iterator().next();
  }

  private static String describe(Object e) {
    return e instanceof AllColumns ? "*" : e.toString();
  }

  private static String shorten(String s) {
    return s.length() > 120 ? s.substring(0, 120) + "…" : s;
  }

  /** Identifiers in an expression's text, outside string literals, lower-case. */
  private static Set<String> identifiers(String text) {
    Set<String> out = new TreeSet<>();
    for (Token t : SqlLexer.tokenize(text)) {
      if (t.type() == Token.Type.WORD || t.type() == Token.Type.IDENT) {
        out.add(t.text().toLowerCase(Locale.ROOT));
      }
    }
    return out;
  }

  private static String unquote(String name) {
    String n = name.startsWith("\"") && name.endsWith("\"") && name.length() > 1 ? name.substring(1, name.length() - 1)
        : name.toLowerCase(Locale.ROOT);
    return n;
  }

  /**
   * Every JSqlParser node reachable from {@code root}: the AST's classes are many and change
   * between versions, so the walk goes by reflection over fields rather than a visitor that
   * would silently skip a node type it does not know.
   */
  private static void collect(Object node, List<Object> out, IdentityHashMap<Object, Boolean> seen) {
    if (node == null || seen.put(node, Boolean.TRUE) != null) {
      return;
    }
    if (node instanceof Collection<?> c) {
      for (Object o : c) {
        collect(o, out, seen);
      }
      return;
    }
    if (node instanceof Map<?, ?> m) {
      for (Object o : m.values()) {
        collect(o, out, seen);
      }
      return;
    }
    if (!node.getClass().getName().startsWith("net.sf.jsqlparser.")) {
      return;
    }
    out.add(node);
    for (Class<?> k = node.getClass(); k != null && k != Object.class; k = k.getSuperclass()) {
      for (Field f : k.getDeclaredFields()) {
        if (Modifier.isStatic(f.getModifiers()) || f.getType().isPrimitive() || f.getType() == String.class) {
          continue;
        }
        try {
          f.setAccessible(true);
          collect(f.get(node), out, seen);
        } catch (ReflectiveOperationException | RuntimeException e) {
          // Unreadable field: skip; the token checks above still ran.
        }
      }
    }
  }
}
