package dev.gatehouse.policy;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
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
      "database_to_xml", "database_to_xml_and_xmlschema", "dblink", "dblink_exec", "query_to_json",
      "cursor_to_xmlschema", "ts_stat", "ts_rewrite");

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
    // These rules read string literals (a search_path list, a routine's body), which the cache's
    // fingerprint abstracts away: they run on every call, before it.
    Optional<String> resolution = nameResolutionOrBody(tokens);
    if (resolution.isPresent()) {
      return resolution;
    }
    // Literals are abstracted away in the fingerprint, but a body or string naming a masked column
    // decides the verdict of a statement the analysis reads only as text (DO, CREATE FUNCTION),
    // and a number may be a position (ORDER BY 2): those stay in the key.
    Set<String> words = Mentions.words(tokens);
    String key = SqlLexer.fingerprintKeepingPositions(tokens) + "\u0000" + mentioned(words) + "\u0000" + views(words);
    Optional<String> known = cache.get(key);
    if (known != null) {
      return known;
    }
    Optional<String> v = judge(tokens);
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
    Optional<String> offResolution = nameResolutionOrBody(off);
    if (offResolution.isPresent()) {
      return Optional.of("read with standard_conforming_strings off: " + offResolution.get());
    }
    for (String name : Mentions.words(off)) {
      if (masked.containsKey(name) || exposingViews.containsKey(name) || QUERY_FUNCTIONS.contains(name)) {
        return Optional.of("read with standard_conforming_strings off this statement uses " + name
            + " in a way that cannot be analysed for the masked columns " + anyMasked());
      }
    }
    return on;
  }

  /**
   * Statements that cannot read a column's values into anything another statement could see, nor
   * run code of their own over a table's rows, nor give a table another name: the only ones besides
   * queries and writes (which are parsed and followed) that may name a table with masked columns.
   * Not CLUSTER: it rewrites the table in the order of an index, which a masked column's index makes
   * the order of its values.
   */
  private static final Set<String> INERT = Set.of(
      "drop", "truncate", "lock", "vacuum", "analyze", "analyse", "grant", "revoke", "reindex", "comment",
      "begin", "start", "commit", "end", "rollback", "abort", "savepoint", "release", "set", "reset", "show", "discard",
      "listen", "unlisten", "deallocate", "checkpoint", "fetch", "move", "close", "execute", "refresh");

  /** The statements of a text, split as the server splits them ({@link SqlLexer#split}). */
  private static List<List<Token>> statements(List<Token> tokens) {
    return SqlLexer.statements(tokens);
  }

  /** {@link NameResolution} and {@link RoutineBodies}, statement by statement. */
  private static Optional<String> nameResolutionOrBody(List<Token> tokens) {
    SqlLexer.Split split = SqlLexer.split(tokens);
    if (!split.certain()) {
      // Pieces are not what the server runs, and the whole is no statement the analysis reads.
      return Optional.of("cannot tell where this text's statements end (" + split.doubt() + "); while columns are"
          + " masked such a text is refused");
    }
    for (List<Token> st : split.statements()) {
      Optional<String> v = NameResolution.violation(st).or(() -> RoutineBodies.violation(st));
      if (v.isPresent()) {
        return v;
      }
    }
    return Optional.empty();
  }

  private Optional<String> judge(List<Token> tokens) {
    // Several statements in one text: each is judged on its own (its first word decides how).
    for (List<Token> st : statements(tokens)) {
      Optional<String> v = judgeOne(st);
      if (v.isPresent()) {
        return v;
      }
    }
    return Optional.empty();
  }

  /** One statement, as the lexer read it (names decoded: {@code U&"\0073sn"} is {@code ssn}). */
  private Optional<String> judgeOne(List<Token> tokens) {
    if (tokens.isEmpty()) {
      return Optional.empty();
    }
    Optional<String> resolution = NameResolution.violation(tokens).or(() -> RoutineBodies.violation(tokens));
    if (resolution.isPresent()) {
      return resolution;
    }
    Set<String> names = new TreeSet<>();
    for (Token t : tokens) {
      if (t.isName()) {
        names.add(t.text().toLowerCase(Locale.ROOT));
      }
    }
    for (String f : QUERY_FUNCTIONS) {
      if (names.contains(f)) {
        return Optional.of(f + "() runs a query given as text and would bypass masking of " + anyMasked());
      }
    }
    for (int i = 0; i + 2 < tokens.size(); i++) {
      // (TABLE users) as a subquery: all of a masked table's columns, in an order the analysis
      // does not know, under names a column list or a qualified reference then picks by position.
      if (tokens.get(i).type() == Token.Type.LPAREN && tokens.get(i + 1).is("table")
          && tokens.get(i + 2).isName() && masked.containsKey(tokens.get(i + 2).text().toLowerCase(Locale.ROOT))) {
        return Optional.of("(TABLE " + tokens.get(i + 2).text() + ") of a table with masked columns cannot be analysed;"
            + " select its columns by name");
      }
    }
    // The first word decides how the statement is read ("(SELECT …) UNION ALL (…)" is a query).
    String first = tokens.stream().filter(t -> t.type() == Token.Type.WORD).map(Token::text).findFirst().orElse("");
    if (first.equals("cluster") && tokens.stream().noneMatch(t -> t.isName() && !t.is("cluster") && !t.is("verbose"))) {
      return Optional.of("CLUSTER without a table rewrites every table clustered before, in the order of an index;"
          + " for a table with masked columns that order is the order of masked values. Name the table");
    }
    // A routine's or DO block's body is a string: a view named in it is read when the code runs.
    boolean body = first.equals("create") || first.equals("do");
    Set<String> words = Mentions.words(tokens);
    for (Map.Entry<String, String> v : exposingViews.entrySet()) {
      if (names.contains(v.getKey()) || body && words.contains(v.getKey())) {
        return Optional.of("view " + v.getKey() + " exposes the masked column " + v.getValue()
            + " without its origin; select from the table instead");
      }
    }
    if (first.equals("explain") && explainAnalyzes(tokens) && names.contains("execute")) {
      return Optional.of("EXPLAIN ANALYZE EXECUTE runs a prepared statement the masking rule does not see here and reports"
          + " each plan node's row count; while columns are masked, EXPLAIN ANALYZE the statement itself");
    }
    String table = masked.keySet().stream().filter(names::contains).findFirst().orElse(null);
    Set<String> inText = mentioned(words);
    if (table == null && inText.isEmpty()) {
      return Optional.empty();
    }
    String named = table != null ? table : inText.iterator().next();
    switch (first) {
      case "copy" -> {
        return table == null ? Optional.empty() : copyViolation(tokens, table);
      }
      case "declare" -> {
        // DECLARE c CURSOR ... FOR <query>: FETCH returns the query's rows, judge the query.
        int at = indexOfWord(tokens, "for");
        return at < 0 || at + 1 >= tokens.size() ? Optional.of("a cursor over " + named + " that cannot be analysed")
            : parsedViolation(tokens.subList(at + 1, tokens.size()), named, false);
      }
      case "prepare" -> {
        // PREPARE name [(types)] AS <statement>
        int at = indexOfWord(tokens, "as") + 1;
        return at <= 0 || at >= tokens.size() ? Optional.of("a PREPARE naming " + named + " that cannot be analysed")
            : judge(tokens.subList(at, tokens.size()));
      }
      case "explain" -> {
        // EXPLAIN [options] <statement>; ANALYZE runs it and shows each plan node's row count.
        int at = statementAfterExplain(tokens);
        if (at <= 0 || at >= tokens.size()) {
          return Optional.of("an EXPLAIN naming " + named + " that cannot be analysed");
        }
        if (explainAnalyzes(tokens)) {
          return Optional.of("EXPLAIN ANALYZE of a statement over " + named + ", which has masked columns, reports each"
              + " plan node's row count: every filter and index condition on a masked column answers a question of"
              + " its own about each row. Use EXPLAIN without ANALYZE");
        }
        return judge(tokens.subList(at, tokens.size()));
      }
      case "select", "with", "values", "table", "insert", "update", "delete", "merge" -> {
        return parsedViolation(tokens, named, false);
      }
      case "create" -> {
        return createsFromQuery(tokens) ? parsedViolation(tokens, named, false) : unfollowed(tokens, inText);
      }
      default -> {
        return INERT.contains(first) ? Optional.empty() : unfollowed(tokens, inText);
      }
    }
  }

  /** Words that may come between CREATE and TABLE or VIEW. */
  private static final Set<String> RELATION_MODIFIERS =
      Set.of("or", "replace", "temp", "temporary", "unlogged", "global", "local", "materialized", "recursive");

  /**
   * Whether a CREATE statement makes a table or view from a query ({@code CREATE [MATERIALIZED]
   * VIEW … AS}, {@code CREATE TABLE … AS}, {@code AS} outside parentheses): the query is parsed and
   * followed. Any other CREATE is a statement the analysis does not follow.
   */
  private static boolean createsFromQuery(List<Token> tokens) {
    int i = 1;
    while (i < tokens.size() && tokens.get(i).type() == Token.Type.WORD && RELATION_MODIFIERS.contains(tokens.get(i).text())) {
      i++;
    }
    if (i >= tokens.size() || !(tokens.get(i).is("table") || tokens.get(i).is("view"))) {
      return false;
    }
    int depth = 0;
    for (; i < tokens.size(); i++) {
      Token t = tokens.get(i);
      if (t.type() == Token.Type.LPAREN) {
        depth++;
      } else if (t.type() == Token.Type.RPAREN) {
        depth--;
      } else if (depth == 0 && t.is("as")) {
        return true;
      }
    }
    return false;
  }

  /**
   * A statement the analysis does not follow — any DDL (ALTER, CREATE INDEX, TRIGGER, RULE,
   * POLICY, STATISTICS, a table LIKE, INHERITS or PARTITION OF one), CLUSTER, DO, CALL, CREATE
   * FUNCTION — is refused when its text, bodies and strings included, names a table with masked
   * columns. Such a statement may move values wherever its text says ({@code ALTER … USING}), run
   * code over every row ({@code ADD CONSTRAINT … CHECK (f(users::text))}, an index expression, a
   * trigger, a rule, a row security policy; a unique index makes every write a comparison with
   * every stored value), or give the table or a column another name, which the masking rule, knowing
   * masked columns by name, would not know.
   */
  private Optional<String> unfollowed(List<Token> tokens, Set<String> inText) {
    String kind = kind(tokens);
    for (String t : inText) {
      if (!masked.containsKey(t)) {
        continue;
      }
      for (String c : masked.get(t)) {
        if (inText.contains(c)) {
          return Optional.of("the masked column " + t + "." + c + " appears in a " + kind
              + " statement whose data flow cannot be analysed");
        }
      }
      return Optional.of("the table " + t + ", which has masked columns, appears in a " + kind + " statement whose"
          + " data flow cannot be analysed: while columns are masked, such statements may not name it (they could run"
          + " code over its rows, rename it or copy it)");
    }
    return Optional.empty();
  }

  /** The statement's kind for a reason: {@code DO}, {@code CLUSTER}, {@code CREATE INDEX}, {@code ALTER TABLE}. */
  private static String kind(List<Token> tokens) {
    String first = tokens.get(0).text().toUpperCase(Locale.ROOT);
    if (!tokens.get(0).is("create") && !tokens.get(0).is("alter")) {
      return first;
    }
    for (Token t : tokens.subList(1, tokens.size())) {
      if (t.type() != Token.Type.WORD) {
        break;
      }
      if (!RELATION_MODIFIERS.contains(t.text()) && !t.is("unique")) {
        return first + " " + t.text().toUpperCase(Locale.ROOT);
      }
    }
    return first;
  }

  /**
   * The first table with masked columns, masked column or view exposing one that {@code sql} names
   * anywhere (strings and bodies included), or empty: what a cursor declared over it may hold.
   */
  public Optional<String> masked(String sql) {
    if (masked.isEmpty()) {
      return Optional.empty();
    }
    Set<String> words = Mentions.words(SqlLexer.tokenize(sql));
    Optional<String> table = masked.keySet().stream().filter(words::contains).sorted().findFirst();
    return table.or(() -> mentioned(words).stream().findFirst()).or(() -> views(words).stream().findFirst());
  }

  /** Masked tables and columns among the words (names, strings and bodies, decoded). */
  private Set<String> mentioned(Set<String> words) {
    Set<String> found = new TreeSet<>();
    for (Map.Entry<String, Set<String>> e : masked.entrySet()) {
      if (words.contains(e.getKey())) {
        found.add(e.getKey());
      }
      for (String c : e.getValue()) {
        if (words.contains(c)) {
          found.add(c);
        }
      }
    }
    return found;
  }

  /** Views exposing masked columns among the words. */
  private Set<String> views(Set<String> words) {
    Set<String> found = new TreeSet<>();
    for (String v : exposingViews.keySet()) {
      if (words.contains(v)) {
        found.add(v);
      }
    }
    return found;
  }

  /**
   * Whether an EXPLAIN may run its statement: ANALYZE among its options in any spelling the server
   * takes ({@code ANALYSE}, {@code (ANALYZE)}, {@code ("analyze" on)}, {@code U&"…"}). {@code (ANALYZE
   * false)} counts too: fail closed.
   */
  private static boolean explainAnalyzes(List<Token> tokens) {
    int at = statementAfterExplain(tokens);
    List<Token> options = tokens.subList(0, at < 0 ? tokens.size() : at);
    return options.stream().anyMatch(t -> t.isName()
        && (t.text().equalsIgnoreCase("analyze") || t.text().equalsIgnoreCase("analyse")));
  }

  /** The index of the first token of the statement EXPLAIN explains, or -1. */
  private static int statementAfterExplain(List<Token> tokens) {
    Set<String> options = Set.of("explain", "analyze", "analyse", "verbose");
    int i = 0;
    while (i < tokens.size()) {
      Token t = tokens.get(i);
      if (t.type() == Token.Type.LPAREN) {
        int depth = 0;
        for (; i < tokens.size(); i++) {
          if (tokens.get(i).type() == Token.Type.LPAREN) {
            depth++;
          } else if (tokens.get(i).type() == Token.Type.RPAREN && --depth == 0) {
            break;
          }
        }
        i++;
      } else if (t.type() == Token.Type.WORD && options.contains(t.text())) {
        i++;
      } else {
        return i;
      }
    }
    return -1;
  }

  /**
   * COPY's rows carry no column origins (the proxy cannot mask them in place): any masked column
   * in them is a violation, bare or not. COPY … FROM only reads.
   */
  private Optional<String> copyViolation(List<Token> tokens, String table) {
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
      if (end == 2) {
        return Optional.of(reason);
      }
      return parsedViolation(tokens.subList(2, end), table, true).map(r -> "COPY: " + r);
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

  /**
   * A DELETE the parser does not read ({@code ONLY}, {@code WHERE CURRENT OF}) moves no value
   * anywhere unless it returns rows or calls a function that could keep its argument.
   */
  private static boolean deleteReturningNothing(List<Token> tokens) {
    if (tokens.isEmpty() || !tokens.get(0).text().equals("delete") || indexOfWord(tokens, "returning") >= 0
        || indexOfWord(tokens, "with") >= 0) {
      return false;
    }
    for (int i = 0; i + 1 < tokens.size(); i++) {
      Token t = tokens.get(i);
      if ((t.type() == Token.Type.WORD || t.type() == Token.Type.IDENT) && tokens.get(i + 1).type() == Token.Type.LPAREN) {
        FunctionCall call = new FunctionCall(null, t.text().toLowerCase(Locale.ROOT));
        if (!FunctionCatalog.BuiltIns.isBuiltIn(call) || ColumnOrigins.STORING_BUILT_INS.contains(call.name())) {
          return false;
        }
      }
    }
    return true;
  }

  private static int indexOfWord(List<Token> tokens, String word) {
    for (int i = 0; i < tokens.size(); i++) {
      if (tokens.get(i).type() == Token.Type.WORD && tokens.get(i).text().equals(word)) {
        return i;
      }
    }
    return -1;
  }

  /**
   * Parses and follows the masked columns through the statement ({@link ColumnOrigins});
   * {@code copy}: the rows go to COPY, where even a bare masked column would leave unmasked. The
   * parser reads the tokens as this lexer read them ({@link SqlLexer#canonical}): {@code U&"\0073sn"}
   * reaches it as {@code "ssn"}, a dollar-quoted or {@code E''} string as a plain one, comments gone.
   */
  private Optional<String> parsedViolation(List<Token> tokens, String table, boolean copy) {
    String sql = SqlLexer.canonical(tokens);
    NoWaiting.check(); // parsing has no time limit here: not on a thread that may not wait
    Statements parsed;
    try {
      // In this thread (the convenience parseStatements(String) starts an executor per call).
      parsed = SqlParsing.jsqlparser(sql, p -> { });
    } catch (Exception | StackOverflowError e) {
      parsed = null;
    }
    if (parsed == null || parsed.isEmpty()) {
      return deleteReturningNothing(tokens) ? Optional.empty()
          : Optional.of("the statement names " + table + ", which has masked columns, and cannot be analysed");
    }
    ColumnOrigins origins = new ColumnOrigins(masked);
    boolean readsMasked = false;
    for (Statement st : parsed) {
      String v;
      try {
        v = copy ? origins.copyViolation(st) : origins.violation(st);
        readsMasked |= origins.readsMasked();
      } catch (RuntimeException | StackOverflowError e) {
        v = "the statement names " + table + ", which has masked columns, and its analysis failed ("
            + e.getClass().getSimpleName() + ")";
      }
      if (v != null) {
        return Optional.of(v);
      }
    }
    // Behind the walk over the parsed tree, the text itself: a volatile name followed by "(" in
    // any form the parser read as something else.
    return readsMasked ? VolatileCalls.inTokens(tokens) : Optional.empty();
  }

  private String anyMasked() {
    Map.Entry<String, Set<String>> e = masked.entrySet().iterator().next();
    return e.getKey() + "." + e.getValue().iterator().next();
  }

}
