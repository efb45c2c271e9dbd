package dev.gatehouse.policy;

import dev.gatehouse.policy.Token.Type;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import net.sf.jsqlparser.expression.Alias;
import net.sf.jsqlparser.expression.Expression;
import net.sf.jsqlparser.schema.Table;
import net.sf.jsqlparser.statement.Statement;
import net.sf.jsqlparser.statement.delete.Delete;
import net.sf.jsqlparser.statement.merge.Merge;
import net.sf.jsqlparser.statement.merge.MergeDelete;
import net.sf.jsqlparser.statement.merge.MergeOperation;
import net.sf.jsqlparser.statement.merge.MergeUpdate;
import net.sf.jsqlparser.statement.update.Update;
import net.sf.jsqlparser.util.TablesNamesFinder;

/**
 * Classifies one statement: its kind, the tables and functions it names, and which built-in rules
 * it trips. Independent of any policy, so the result can be cached by fingerprint.
 *
 * <p>The lexer decides the kind from the leading keywords (it reads every PostgreSQL statement,
 * the parser does not), and two nets run over every token whatever the parser makes of it:
 * function calls (a name followed by {@code (}), and data-modifying statements nested in a
 * statement ({@code (DELETE ...}, {@code ) UPDATE ...} after a WITH list), each judged as a
 * statement of its own. JSqlParser is asked only what a lexer cannot answer: whether a DELETE's,
 * UPDATE's or MERGE's condition restricts the rows, and the exact table names. Whatever neither
 * understands is unclassified.
 */
final class StatementAnalyzer {
  /** A built-in rule a statement trips, with the reason an operator reads. */
  record Finding(BuiltInRule rule, String reason) {}

  /**
   * One thing a statement does, with the tables it does it to: the statement itself (its kind, every
   * table it names) and each write inside it — a data-modifying WITH, a MERGE action, {@code COPY
   * FROM}, {@code INSERT ... ON CONFLICT DO UPDATE}, the statement {@code EXPLAIN ANALYZE} or
   * {@code PREPARE} holds, the table {@code CREATE TABLE AS} fills. Operator rules match any of them.
   */
  record Operation(String kind, Set<String> tables) {
    Operation {
      tables = Collections.unmodifiableSet(new LinkedHashSet<>(tables));
    }
  }

  /**
   * @param operations the statement's own kind first, then every write inside it
   * @param calls functions called, as PostgreSQL resolves their names (for {@code user-functions})
   * @param unclassified why the statement is not understood, or {@code null}
   * @param cacheable false when the answer came from a timeout or a full pool, not the statement
   * @param prepares the name {@code PREPARE} gives its statement, or {@code null}
   * @param prepared what {@code PREPARE} stores: the analysis of its statement, or {@code null}
   * @param executes prepared statements this one runs ({@code EXECUTE}, {@code CREATE TABLE AS
   *     EXECUTE}, {@code EXPLAIN ANALYZE EXECUTE})
   * @param forgets a name {@code DEALLOCATE} drops, {@link #ALL_PREPARED} for all, or {@code null}
   */
  record Analysis(
      String kind,
      Set<String> tables,
      Set<String> functions,
      List<Finding> findings,
      String unclassified,
      boolean cacheable,
      List<Operation> operations,
      Set<FunctionCall> calls,
      String prepares,
      Analysis prepared,
      Set<String> executes,
      String forgets) {
    boolean understood() {
      return unclassified == null;
    }
  }

  /** {@code DEALLOCATE ALL}, {@code DISCARD ALL}: every prepared statement is gone. */
  static final String ALL_PREPARED = "*";

  /** Functions with a side effect outside the tables a statement names (built-in rule admin-functions). */
  static final Set<String> ADMIN_FUNCTIONS =
      Set.of(
          "pg_terminate_backend", "pg_cancel_backend", "setval", "lo_unlink", "lo_create", "lo_creat",
          "lo_put", "lo_from_bytea", "lowrite", "lo_truncate", "lo_truncate64", "pg_rotate_logfile",
          "pg_switch_wal", "pg_create_restore_point", "pg_promote", "pg_wal_replay_pause",
          "pg_wal_replay_resume", "pg_backup_start", "pg_backup_stop", "pg_start_backup",
          "pg_stop_backup", "pg_log_backend_memory_contexts", "pg_drop_replication_slot",
          "pg_create_physical_replication_slot", "pg_create_logical_replication_slot",
          "pg_copy_physical_replication_slot", "pg_copy_logical_replication_slot",
          "pg_replication_slot_advance", "pg_logical_slot_get_changes",
          "pg_logical_slot_get_binary_changes", "pg_logical_emit_message",
          "pg_import_system_collations", "pg_nextoid");

  /** Families of admin functions by prefix: every advisory lock, replication origin, statistics reset. */
  static final List<String> ADMIN_FUNCTION_PREFIXES =
      List.of("pg_advisory_", "pg_try_advisory_", "pg_replication_origin_", "pg_stat_reset");

  /**
   * Keywords PostgreSQL's grammar turns into expressions that look like calls ({@code
   * COALESCE(a, b)}): no function of that name is called.
   */
  private static final Set<String> GRAMMAR_CALLS =
      Set.of(
          "coalesce", "nullif", "greatest", "least", "trim", "treat", "collation", "grouping",
          "xmlelement", "xmlforest", "xmlconcat", "xmlparse", "xmlpi", "xmlroot", "xmlserialize",
          "xmlexists", "xmlattributes", "xmltable", "xmlnamespaces", "current_time",
          "current_timestamp", "localtime", "localtimestamp", "json_object", "json_array",
          "json_arrayagg", "json_objectagg", "json", "json_scalar", "json_serialize");

  static boolean isAdminFunction(String name) {
    return ADMIN_FUNCTIONS.contains(name) || ADMIN_FUNCTION_PREFIXES.stream().anyMatch(name::startsWith);
  }

  static final int MAX_DEPTH = 8;
  static final int MAX_NESTED = 32;

  static final Set<String> SERVER_FILE_FUNCTIONS =
      Set.of(
          "pg_read_file", "pg_read_binary_file", "pg_ls_dir", "pg_stat_file", "lo_import",
          "lo_export", "pg_ls_logdir", "pg_ls_waldir", "pg_ls_tmpdir", "pg_ls_archive_statusdir",
          "pg_ls_logicalsnapdir", "pg_ls_logicalmapdir", "pg_ls_replslotdir", "pg_file_write",
          "pg_file_rename", "pg_file_unlink", "pg_file_sync", "pg_logdir_ls");

  /** Functions that run SQL handed to them as a string, which the judge cannot see. */
  static final Set<String> DYNAMIC_SQL_FUNCTIONS =
      Set.of(
          "dblink", "dblink_exec", "dblink_open", "dblink_send_query", "query_to_xml",
          "query_to_xmlschema", "query_to_xml_and_xmlschema");

  private static final Set<String> ROLE_SETTINGS = Set.of("role", "session_authorization");

  /** Keywords that may be followed by {@code (} without being a function call. */
  private static final Set<String> NOT_FUNCTIONS =
      Set.of(
          "select", "from", "where", "and", "or", "not", "in", "exists", "values", "as", "on",
          "using", "join", "any", "all", "some", "array", "row", "over", "filter", "within",
          "table", "into", "set", "with", "union", "intersect", "except", "case", "when", "then",
          "else", "end", "is", "distinct", "lateral", "only", "returning", "window", "by", "like",
          "ilike", "similar", "between", "cast", "primary", "key", "unique", "check",
          "references", "default", "constraint", "index", "include", "do", "conflict", "analyze",
          "analyse", "vacuum", "explain", "copy", "for", "limit", "offset", "order", "group",
          "having", "returns", "language", "declare", "prepare", "execute", "rows", "range",
          "groups", "partition", "tablesample", "recursive", "materialized", "varchar", "char",
          "character", "varying", "numeric", "decimal", "timestamp", "timestamptz", "time",
          "timetz", "interval", "bit", "float", "double", "precision", "matched",
          "options", "storage", "inherits", "cube", "rollup", "sets", "symmetric", "asymmetric");

  /** A name after these is a relation, a type or a definition, not a call. */
  private static final Set<String> NOT_CALL_AFTER =
      Set.of(
          "into", "table", "references", "as", "copy", "function", "procedure", "aggregate",
          "execute", "prepare", "with", "recursive", "only", "view", "type", "index", "trigger",
          "update", "exists");

  private static final Set<String> TABLE_INTRODUCERS =
      Set.of("from", "join", "update", "into", "table", "truncate", "lock", "using", "copy");

  private static final Set<String> TABLE_MODIFIERS = Set.of("only", "lateral", "table", "if", "exists", "not");

  private static final Set<String> NOT_TABLES =
      Set.of(
          "only", "lateral", "table", "if", "exists", "not", "set", "select", "values", "where",
          "of", "nowait", "skip", "default", "with", "rows", "stdin", "stdout", "program", "in",
          "as", "on", "using", "natural", "cross", "left", "right", "inner", "outer", "full");

  private static final Set<String> SELECT_FAMILY = Set.of("select", "values", "table");

  private final SqlParsing parsing;

  /** EXPLAIN options that never run the statement (spelled as keywords, unquoted). */
  private static final Set<String> EXPLAIN_OPTIONS =
      Set.of("verbose", "costs", "settings", "buffers", "wal", "timing", "summary", "format", "generic_plan");

  StatementAnalyzer(SqlParsing parsing) {
    this.parsing = parsing;
  }

  Analysis analyze(List<Token> tokens) {
    return new Work(tokens, 0, "").run();
  }

  private final class Work {
    private final List<Token> ts;
    private final int depth;
    private final String context;
    private String kind = StatementKinds.UNCLASSIFIED;
    private final Set<String> tables = new LinkedHashSet<>();
    private final Set<String> functions = new LinkedHashSet<>();
    private final List<Finding> findings = new ArrayList<>();
    private String unclassified;
    private boolean cacheable = true;
    private int nested;
    private final List<Operation> operations = new ArrayList<>();
    private final Set<FunctionCall> calls = new LinkedHashSet<>();
    private String prepares;
    private Analysis prepared;
    private final Set<String> executes = new LinkedHashSet<>();
    private String forgets;

    Work(List<Token> ts, int depth, String context) {
      this.ts = ts;
      this.depth = depth;
      this.context = context;
    }

    Analysis run() {
      if (ts.isEmpty()) {
        unclassify("an empty statement");
      } else if (depth > MAX_DEPTH) {
        unclassify("statements nested more than " + MAX_DEPTH + " deep");
      } else {
        Token error = ts.stream().filter(t -> t.type() == Type.ERROR).findFirst().orElse(null);
        functionNet();
        if (error != null) {
          unclassify(error.text());
        } else {
          nestedNet();
          classify();
        }
      }
      List<Operation> ops = new ArrayList<>(operations.size() + 1);
      ops.add(new Operation(kind, tables));
      ops.addAll(operations);
      return new Analysis(
          kind,
          Collections.unmodifiableSet(tables),
          Collections.unmodifiableSet(functions),
          List.copyOf(findings),
          unclassified,
          cacheable,
          List.copyOf(ops),
          Collections.unmodifiableSet(calls),
          prepares,
          prepared,
          Collections.unmodifiableSet(executes),
          forgets);
    }

    /** A write inside this statement: {@code kind} on {@code table}. */
    private void writes(String kind, String table) {
      if (table != null) {
        tables.add(table);
        operations.add(new Operation(kind, Set.of(table)));
      }
    }

    // ---- helpers ------------------------------------------------------------------------------

    private void find(BuiltInRule rule, String reason) {
      for (Finding f : findings) {
        if (f.rule() == rule) {
          return;
        }
      }
      findings.add(new Finding(rule, context + reason));
    }

    private void unclassify(String why) {
      if (unclassified == null) {
        unclassified = context + why;
      }
    }

    private String word(int k) {
      return k >= 0 && k < ts.size() && ts.get(k).type() == Type.WORD ? ts.get(k).text() : "";
    }

    private Token tok(int k) {
      return k >= 0 && k < ts.size() ? ts.get(k) : null;
    }

    /** Index after the parenthesis that closes the one at {@code open}. */
    private int afterParen(int open) {
      int d = 0;
      for (int k = open; k < ts.size(); k++) {
        Type t = ts.get(k).type();
        if (t == Type.LPAREN) {
          d++;
        } else if (t == Type.RPAREN && --d == 0) {
          return k + 1;
        }
      }
      return ts.size();
    }

    /** Index of the first WORD in {@code words} at parenthesis depth 0 from {@code from}, or -1. */
    private int atTop(int from, Set<String> words) {
      int d = 0;
      for (int k = from; k < ts.size(); k++) {
        Token t = ts.get(k);
        if (t.type() == Type.LPAREN) {
          d++;
        } else if (t.type() == Type.RPAREN) {
          d--;
        } else if (d == 0 && t.type() == Type.WORD && words.contains(t.text())) {
          return k;
        }
      }
      return -1;
    }

    /** A dotted name from {@code k}: its normalised text, or null. */
    private String nameAt(int k) {
      Token t = tok(k);
      if (t == null || !t.isName()) {
        return null;
      }
      StringBuilder b = new StringBuilder(t.text());
      int e = k;
      while (tok(e + 1) != null && tok(e + 1).type() == Type.DOT && tok(e + 2) != null && tok(e + 2).isName()) {
        e += 2;
        b.append('.').append(ts.get(e).text());
      }
      return b.toString();
    }

    private int nameEnd(int k) {
      int e = k;
      while (tok(e + 1) != null && tok(e + 1).type() == Type.DOT && tok(e + 2) != null && tok(e + 2).isName()) {
        e += 2;
      }
      return e + 1;
    }

    /**
     * Takes in what a statement inside this one does; {@code runs} is false when it is not executed
     * (plain EXPLAIN), so its writes are not this statement's.
     */
    private void merge(Analysis a, boolean runs) {
      tables.addAll(a.tables());
      functions.addAll(a.functions());
      calls.addAll(a.calls());
      executes.addAll(a.executes());
      if (runs) {
        operations.addAll(a.operations());
      }
      for (Finding f : a.findings()) {
        if (findings.stream().noneMatch(x -> x.rule() == f.rule())) {
          findings.add(f);
        }
      }
      if (!a.understood()) {
        unclassify(a.unclassified());
      }
      cacheable &= a.cacheable();
    }

    private Analysis sub(int from, int to, String ctx) {
      return new Work(ts.subList(from, to), depth + 1, context + ctx).run();
    }

    // ---- nets over every token ----------------------------------------------------------------

    private void functionNet() {
      for (int k = 0; k + 1 < ts.size(); k++) {
        Token t = ts.get(k);
        if (!t.isName() || ts.get(k + 1).type() != Type.LPAREN) {
          continue;
        }
        if (t.type() == Type.WORD && NOT_FUNCTIONS.contains(t.text())) {
          continue;
        }
        int q = k;
        while (q >= 2 && ts.get(q - 1).type() == Type.DOT && ts.get(q - 2).isName()) {
          q -= 2;
        }
        Token before = tok(q - 1);
        if (before != null
            && ((before.type() == Type.WORD && NOT_CALL_AFTER.contains(before.text()))
                || (before.type() == Type.OP && before.text().equals("::")))) {
          continue;
        }
        String name = t.text().toLowerCase(Locale.ROOT);
        functions.add(name);
        // what certainly calls nothing: MERGE ... THEN INSERT (columns), a CTE's column list
        // (WITH a AS (...), b (x, y) AS (SELECT ...)), COALESCE and its grammar relatives
        boolean notACall = (t.is("insert") && before != null && before.is("then"))
            || (q == k && before != null && (before.type() == Type.COMMA || before.is("with") || before.is("recursive"))
                && definesCte(k + 1))
            || (t.type() == Type.WORD && GRAMMAR_CALLS.contains(t.text()));
        if (!notACall) {
          calls.add(new FunctionCall(q < k ? ts.get(k - 2).text() : null, t.text()));
        }
        if (isAdminFunction(name)) {
          find(BuiltInRule.ADMIN_FUNCTIONS, name + "() acts on the server, other sessions or sequences, not on rows");
        }
        if (SERVER_FILE_FUNCTIONS.contains(name)) {
          find(BuiltInRule.SERVER_FILES, name + "() works on files of the database server");
        } else if (DYNAMIC_SQL_FUNCTIONS.contains(name)) {
          find(BuiltInRule.DYNAMIC_SQL, name + "() runs SQL given as a string, which cannot be judged");
        } else if (name.equals("pg_reload_conf")) {
          find(BuiltInRule.SYSTEM_SETTINGS, "pg_reload_conf() reloads the server's configuration");
        } else if (name.equals("set_config")) {
          setConfig(k);
        }
      }
    }

    /** Whether the parenthesis at {@code open} is a CTE's column list: {@code ) AS [NOT] [MATERIALIZED] (}. */
    private boolean definesCte(int open) {
      int j = afterParen(open);
      if (!word(j).equals("as")) {
        return false;
      }
      j++;
      if (word(j).equals("not")) {
        j++;
      }
      if (word(j).equals("materialized")) {
        j++;
      }
      if (tok(j) == null || tok(j).type() != Type.LPAREN) {
        return false;
      }
      // a query, not the column definition list of FROM f() AS (a int, ...)
      String first = word(j + 1);
      return (tok(j + 1) != null && tok(j + 1).type() == Type.LPAREN)
          || Set.of("select", "with", "values", "table").contains(first)
          || (first.equals("insert") && word(j + 2).equals("into"))
          || (first.equals("delete") && word(j + 2).equals("from"))
          || (first.equals("merge") && word(j + 2).equals("into"))
          || (first.equals("update") && atTop(j + 2, Set.of("set")) >= 0 && atTop(j + 2, Set.of("set")) < afterParen(j));
    }

    private void setConfig(int k) {
      Token arg = tok(k + 2);
      int after = k + 3;
      if (tok(after) != null && tok(after).type() == Type.OP && tok(after).text().equals("::") && tok(after + 1) != null && tok(after + 1).isName()) {
        after += 2;
      }
      boolean literal = arg != null && arg.type() == Type.STRING && tok(after) != null && tok(after).type() == Type.COMMA;
      if (!literal) {
        find(BuiltInRule.ROLE_CHANGE, "set_config() with a setting name computed at run time may change the role");
      } else if (ROLE_SETTINGS.contains(arg.text().strip().toLowerCase(Locale.ROOT))) {
        find(BuiltInRule.ROLE_CHANGE, "set_config('" + arg.text().strip().toLowerCase(Locale.ROOT) + "', ...) changes the session's role");
      }
    }

    /** Data-modifying statements inside this one: {@code (DELETE}, {@code ) UPDATE}, {@code INSTEAD INSERT}. */
    private void nestedNet() {
      for (int k = 1; k < ts.size(); k++) {
        Token t = ts.get(k);
        if (!(t.is("delete") || t.is("update") || t.is("insert") || t.is("merge"))) {
          continue;
        }
        Token prev = ts.get(k - 1);
        if (!(prev.type() == Type.LPAREN || prev.type() == Type.RPAREN || prev.is("instead") || prev.is("also"))) {
          continue;
        }
        if (ts.get(0).is("explain") && ts.get(1).type() == Type.LPAREN && k == afterParen(1)) {
          continue; // EXPLAIN (options) UPDATE ...: explain() decides whether it runs
        }
        if (++nested > MAX_NESTED) {
          unclassify("more than " + MAX_NESTED + " nested data-modifying statements");
          return;
        }
        int d = 0;
        int e = k;
        for (; e < ts.size(); e++) {
          Type y = ts.get(e).type();
          if (y == Type.LPAREN) {
            d++;
          } else if (y == Type.RPAREN && d-- == 0) {
            break;
          }
        }
        merge(sub(k, e, ""), true);
      }
    }

    // ---- what the statement is ----------------------------------------------------------------

    private void classify() {
      int k = 0;
      while (k < ts.size() && ts.get(k).type() == Type.LPAREN) {
        k++;
      }
      Token first = tok(k);
      if (first == null || first.type() != Type.WORD) {
        unclassify("a statement that starts with " + (first == null ? "nothing" : "'" + first.text() + "'"));
        return;
      }
      String w = first.text();
      String w1 = word(k + 1);
      switch (w) {
        case "select", "values", "table" -> {
          kind = "select";
          selectInto(k);
          tableNet();
          parsedTables();
        }
        case "with" -> with(k);
        case "insert" -> {
          kind = "insert";
          tableNet();
          parsedTables();
          onConflictUpdate(k);
        }
        case "update", "delete" -> {
          kind = w;
          tableNet();
          rowLevel(k);
        }
        case "merge" -> {
          kind = "merge";
          tableNet();
          mergeStatement(k);
        }
        case "explain" -> explain(k);
        case "drop" -> drop(k);
        case "truncate" -> {
          kind = "truncate";
          tableNet();
          find(BuiltInRule.TRUNCATE, "TRUNCATE empties " + describe(tables));
        }
        case "grant", "revoke" -> {
          kind = "grant";
          find(BuiltInRule.GRANT, w.toUpperCase(Locale.ROOT) + " changes privileges");
        }
        case "reassign" -> {
          kind = "grant";
          find(BuiltInRule.GRANT, "REASSIGN OWNED changes who owns objects");
        }
        case "create" -> create(k);
        case "alter" -> alter(k);
        case "refresh" -> {
          kind = "ddl";
          if (w1.equals("materialized")) {
            int j = word(k + 3).equals("concurrently") ? k + 4 : k + 3;
            writes("insert", nameAt(j)); // runs the view's query again into it
          }
          find(BuiltInRule.DDL, "REFRESH " + w1.toUpperCase(Locale.ROOT) + " changes the schema");
        }
        case "comment", "security", "import" -> {
          kind = "ddl";
          find(BuiltInRule.DDL, w.toUpperCase(Locale.ROOT) + " " + w1.toUpperCase(Locale.ROOT) + " changes the schema");
        }
        case "vacuum", "analyze", "analyse", "cluster", "reindex", "checkpoint" -> {
          kind = "maintenance";
          find(BuiltInRule.DDL, w.toUpperCase(Locale.ROOT) + " is maintenance, reviewed as ddl");
        }
        case "set" -> set(k);
        case "reset" -> reset(k);
        case "show" -> kind = "show";
        case "begin", "start" -> kind = "begin";
        case "commit", "end" -> kind = "commit";
        case "rollback", "abort" -> kind = "rollback";
        case "savepoint" -> kind = "savepoint";
        case "release" -> kind = "release";
        case "prepare" -> {
          if (w1.equals("transaction")) {
            kind = "commit";
          } else {
            prepare(k);
          }
        }
        case "execute" -> {
          kind = "execute";
          Token name = tok(k + 1);
          if (name == null || !name.isName()) {
            unclassify("EXECUTE without the name of a prepared statement");
          } else {
            executes.add(name.text());
          }
        }
        case "deallocate" -> {
          kind = "deallocate";
          int j = word(k + 1).equals("prepare") ? k + 2 : k + 1;
          Token name = tok(j);
          forgets = name == null || name.is("all") ? ALL_PREPARED : name.text();
        }
        case "do" -> {
          kind = "do";
          find(BuiltInRule.DYNAMIC_SQL, "DO runs a procedural block that cannot be judged");
        }
        case "copy" -> copy(k);
        case "declare" -> declare(k);
        case "discard" -> {
          kind = "discard";
          if (w1.equals("all")) {
            forgets = ALL_PREPARED;
          }
        }
        case "call" -> {
          kind = "call";
          find(BuiltInRule.PROCEDURE_CALL, "CALL runs procedure " + describeName(nameAt(k + 1)) + ", whose body cannot be judged");
        }
        case "fetch", "move", "close", "listen", "notify", "unlisten" -> kind = w;
        case "lock" -> lock(k);
        case "load" -> {
          kind = "load";
          find(BuiltInRule.SERVER_FILES, "LOAD loads a library from the database server's disk");
        }
        default -> unclassify("an unknown statement " + w.toUpperCase(Locale.ROOT));
      }
    }

    /**
     * LOCK TABLE: a mode that keeps other sessions from writing (SHARE and up) or reading (ACCESS
     * EXCLUSIVE, the default) holds the table until the transaction ends. The three weakest modes
     * are what SELECT, SELECT FOR UPDATE and DML take anyway.
     */
    private void lock(int k) {
      kind = "lock";
      tableNet();
      int in = atTop(k, Set.of("in"));
      int modeEnd = in < 0 ? -1 : atTop(in, Set.of("mode"));
      String mode = "access exclusive";
      if (in >= 0 && modeEnd > in + 1) {
        StringBuilder b = new StringBuilder();
        for (int j = in + 1; j < modeEnd; j++) {
          b.append(b.length() == 0 ? "" : " ").append(ts.get(j).text());
        }
        mode = b.toString();
      }
      if (!Set.of("access share", "row share", "row exclusive").contains(mode)) {
        find(BuiltInRule.LOCK_TABLE, "LOCK " + describe(tables) + " IN " + mode.toUpperCase(Locale.ROOT)
            + " MODE stops other sessions until the transaction ends");
      }
    }

    /** INSERT ... ON CONFLICT ... DO UPDATE updates the rows it collides with. */
    private void onConflictUpdate(int k) {
      int conflict = atTop(k, Set.of("conflict"));
      int update = conflict < 0 ? -1 : atTop(conflict, Set.of("update"));
      if (update >= 0 && word(update - 1).equals("do")) {
        writes("update", intoTarget(k));
      }
    }

    /** The table after INTO (skipping ONLY, TEMP, TABLE ...), or null. */
    private String intoTarget(int from) {
      int into = atTop(from, Set.of("into"));
      if (into < 0) {
        return null;
      }
      int j = into + 1;
      while (Set.of("only", "temp", "temporary", "unlogged", "table", "local", "global").contains(word(j))) {
        j++;
      }
      return nameAt(j);
    }

    private void with(int k) {
      int main = atTop(k + 1, Set.of("select", "insert", "update", "delete", "merge", "values", "table"));
      if (main < 0) {
        unclassify("a WITH clause without a statement");
        return;
      }
      String m = ts.get(main).text();
      kind = SELECT_FAMILY.contains(m) ? "select" : m;
      if (SELECT_FAMILY.contains(m)) {
        selectInto(main);
      }
      // a data-modifying main statement is judged by the nested net, at ") DELETE ...", unless a
      // SEARCH or CYCLE clause stands between the last CTE and it
      if (!SELECT_FAMILY.contains(m) && ts.get(main - 1).type() != Type.RPAREN) {
        merge(sub(main, ts.size(), ""), true);
      }
      tableNet();
      parsedTables();
      tables.removeAll(cteNames(k, main));
    }

    /** The names a WITH list defines (they are not tables): a name at depth 0 before AS or (cols) AS. */
    private Set<String> cteNames(int from, int to) {
      Set<String> names = new LinkedHashSet<>();
      int d = 0;
      for (int k = from + 1; k < to; k++) {
        Token t = ts.get(k);
        if (t.type() == Type.LPAREN) {
          d++;
        } else if (t.type() == Type.RPAREN) {
          d--;
        } else if (d == 0 && t.isName() && !t.is("recursive") && !t.is("as") && !t.is("materialized") && !t.is("not")) {
          names.add(t.text());
        }
      }
      return names;
    }

    private void selectInto(int k) {
      if (atTop(k, Set.of("into")) >= 0) {
        find(BuiltInRule.DDL, "SELECT INTO creates a table");
        String target = intoTarget(k);
        if (target == null) {
          unclassify("SELECT INTO without a table name");
        } else {
          writes("ddl", target);
          writes("insert", target);
        }
      }
    }

    private void explain(int k) {
      int j = k + 1;
      boolean analyze = false;
      if (tok(j) != null && tok(j).type() == Type.LPAREN) {
        int end = afterParen(j);
        for (int o = j + 1; o < end - 1; o++) {
          Token opt = ts.get(o);
          boolean optionStart = ts.get(o - 1).type() == Type.LPAREN || ts.get(o - 1).type() == Type.COMMA;
          // PostgreSQL reads option names as identifiers: "analyze" (quoted, or U&"…") turns it on
          // too. An option name this list does not know as harmless counts as ANALYZE (fail closed).
          if (optionStart && !(opt.type() == Type.WORD && EXPLAIN_OPTIONS.contains(opt.text()))) {
            Token v = ts.get(o + 1);
            boolean off = v.is("false") || v.is("off") || (v.type() == Type.NUMBER && v.text().equals("0"))
                || ((v.type() == Type.STRING || v.type() == Type.IDENT)
                    && Set.of("false", "off", "0", "no").contains(v.text().toLowerCase(Locale.ROOT)));
            analyze |= !off;
          }
        }
        j = end;
      } else {
        while (word(j).equals("analyze") || word(j).equals("analyse") || word(j).equals("verbose")) {
          analyze |= !word(j).equals("verbose");
          j++;
        }
      }
      if (j >= ts.size()) {
        unclassify("EXPLAIN without a statement");
        return;
      }
      Analysis inner = sub(j, ts.size(), analyze ? "EXPLAIN ANALYZE executes it: " : "EXPLAIN: ");
      kind = analyze ? inner.kind() : "explain";
      merge(inner, analyze);
    }

    private void drop(int k) {
      kind = "ddl";
      String obj = word(k + 1);
      switch (obj) {
        case "database" -> find(BuiltInRule.DROP_DATABASE, "DROP DATABASE " + describeName(nameAt(skipIfExists(k + 2))));
        case "table" -> {
          dropList(k + 2);
          find(BuiltInRule.DROP_TABLE, "DROP TABLE " + describe(tables));
        }
        case "schema" -> {
          if (atTop(k, Set.of("cascade")) >= 0) {
            find(BuiltInRule.DROP_TABLE, "DROP SCHEMA ... CASCADE drops every table in it");
          }
        }
        case "owned" -> find(BuiltInRule.DROP_TABLE, "DROP OWNED drops every table the role owns");
        case "role", "user", "group" -> {
          if (!word(k + 2).equals("mapping")) {
            kind = "role";
            find(BuiltInRule.ROLE_CHANGE, "DROP " + obj.toUpperCase(Locale.ROOT) + " changes roles");
          }
        }
        default -> {}
      }
      find(BuiltInRule.DDL, "DROP " + obj.toUpperCase(Locale.ROOT) + " changes the schema");
    }

    private int skipIfExists(int j) {
      return word(j).equals("if") && word(j + 1).equals("exists") ? j + 2 : j;
    }

    private void dropList(int j) {
      j = skipIfExists(j);
      while (true) {
        String n = nameAt(j);
        if (n == null) {
          return;
        }
        tables.add(n);
        j = nameEnd(j);
        if (tok(j) == null || tok(j).type() != Type.COMMA) {
          return;
        }
        j++;
      }
    }

    private void create(int k) {
      kind = "ddl";
      int j = k + 1;
      Set<String> modifiers = Set.of("or", "replace", "temp", "temporary", "unlogged", "global", "local", "unique", "trusted", "procedural", "default", "constraint", "recursive");
      while (modifiers.contains(word(j))) {
        j++;
      }
      String obj = word(j);
      if (word(j + 1).equals("mapping") || word(j + 1).equals("trigger") || word(j + 1).equals("view") || word(j + 1).equals("table")) {
        obj = obj + " " + word(j + 1);
      }
      switch (obj) {
        case "table" -> createAs(j + 1);
        case "materialized view" -> createAs(j + 2);
        case "function", "procedure" -> find(BuiltInRule.DYNAMIC_SQL, "CREATE " + obj.toUpperCase(Locale.ROOT) + ": its body cannot be judged");
        case "role", "user", "group" -> {
          if (!word(j + 1).equals("mapping")) {
            kind = "role";
            find(BuiltInRule.ROLE_CHANGE, "CREATE " + obj.toUpperCase(Locale.ROOT) + " changes roles");
          }
        }
        default -> {}
      }
      find(BuiltInRule.DDL, "CREATE " + obj.toUpperCase(Locale.ROOT) + " changes the schema");
    }

    /** CREATE TABLE / MATERIALIZED VIEW name ... AS query: the query runs and fills the new table. */
    private void createAs(int j) {
      j = word(j).equals("if") && word(j + 1).equals("not") && word(j + 2).equals("exists") ? j + 3 : j;
      String name = nameAt(j);
      int as = name == null ? -1 : atTop(nameEnd(j), Set.of("as"));
      if (as < 0) {
        if (name != null) {
          tables.add(name);
        }
        return;
      }
      int end = ts.size();
      if (end - 2 > as && word(end - 2).equals("with") && word(end - 1).equals("data")) {
        end -= 2;
      } else if (end - 3 > as && word(end - 3).equals("with") && word(end - 2).equals("no") && word(end - 1).equals("data")) {
        end -= 3;
      }
      if (as + 1 >= end) {
        unclassify("CREATE ... AS without a query");
        return;
      }
      writes("ddl", name);
      writes("insert", name);
      merge(sub(as + 1, end, "CREATE ... AS: "), true);
    }

    private void alter(int k) {
      kind = "ddl";
      String obj = word(k + 1);
      switch (obj) {
        case "system" -> {
          kind = "system";
          find(BuiltInRule.SYSTEM_SETTINGS, "ALTER SYSTEM changes the server's configuration");
          return;
        }
        case "default" -> {
          kind = "grant";
          find(BuiltInRule.GRANT, "ALTER DEFAULT PRIVILEGES changes privileges");
          return;
        }
        case "role", "user", "group" -> {
          if (!word(k + 2).equals("mapping")) {
            kind = "role";
            find(BuiltInRule.ROLE_CHANGE, "ALTER " + obj.toUpperCase(Locale.ROOT) + " changes roles");
          }
        }
        default -> {}
      }
      find(BuiltInRule.DDL, "ALTER " + obj.toUpperCase(Locale.ROOT) + " changes the schema");
    }

    private String settingAt(int j) {
      Token t = tok(j);
      return t != null && t.isName() ? t.text().toLowerCase(Locale.ROOT) : "";
    }

    private void set(int k) {
      kind = "set";
      int j = k + 1;
      if (word(j).equals("local") || (word(j).equals("session") && !word(j + 1).equals("authorization") && !word(j + 1).equals("characteristics"))) {
        j++;
      }
      String name = settingAt(j);
      if (ROLE_SETTINGS.contains(name) || (name.equals("session") && word(j + 1).equals("authorization"))) {
        find(BuiltInRule.ROLE_CHANGE, "SET " + (name.equals("role") ? "ROLE" : "SESSION AUTHORIZATION") + " changes the session's role");
      }
    }

    private void reset(int k) {
      kind = "reset";
      String name = settingAt(k + 1);
      if (ROLE_SETTINGS.contains(name) || (name.equals("session") && word(k + 2).equals("authorization"))) {
        find(BuiltInRule.ROLE_CHANGE, "RESET " + (name.equals("role") ? "ROLE" : "SESSION AUTHORIZATION") + " changes the session's role");
      }
    }

    private void prepare(int k) {
      kind = "prepare";
      int j = k + 2;
      if (tok(j) != null && tok(j).type() == Type.LPAREN) {
        j = afterParen(j);
      }
      if (!word(j).equals("as") || j + 1 >= ts.size()) {
        unclassify("PREPARE without AS statement");
        return;
      }
      Token name = tok(k + 1);
      if (name == null || !name.isName()) {
        unclassify("PREPARE without a name");
        return;
      }
      prepared = sub(j + 1, ts.size(), "PREPARE " + name.text() + ": ");
      prepares = name.text();
      merge(prepared, true);
    }

    private void declare(int k) {
      kind = "declare";
      int c = atTop(k + 1, Set.of("cursor"));
      int f = c < 0 ? -1 : atTop(c + 1, Set.of("for"));
      if (f < 0 || f + 1 >= ts.size()) {
        unclassify("DECLARE without CURSOR ... FOR query");
        return;
      }
      merge(sub(f + 1, ts.size(), "DECLARE CURSOR: "), true);
    }

    private void copy(int k) {
      kind = "copy";
      int j = k + 1;
      boolean query = tok(j) != null && tok(j).type() == Type.LPAREN;
      if (query) {
        j = afterParen(j);
        if (j - 1 <= k + 2) {
          unclassify("COPY with an empty query");
          return;
        }
        merge(sub(k + 2, j - 1, "COPY: "), true);
      } else {
        tableNet();
      }
      int dir = atTop(j, Set.of("from", "to"));
      Token target = tok(dir + 1);
      if (dir < 0 || target == null) {
        unclassify("COPY without FROM or TO");
        return;
      }
      String way = ts.get(dir).text().toUpperCase(Locale.ROOT);
      if (way.equals("FROM")) {
        if (query) {
          unclassify("COPY (query) FROM");
          return;
        }
        int t = word(k + 1).equals("only") ? k + 2 : k + 1;
        writes("insert", nameAt(t));
      }
      if (target.is("program")) {
        find(BuiltInRule.COPY_PROGRAM, "COPY ... " + way + " PROGRAM runs a command on the database server");
      } else if (target.type() == Type.STRING) {
        find(BuiltInRule.SERVER_FILES, "COPY ... " + way + " a file on the database server");
      } else if (!target.is("stdin") && !target.is("stdout")) {
        unclassify("COPY " + way + " something other than STDIN, STDOUT, a file or a program");
      }
    }

    // ---- row-level conditions (the parser's part) --------------------------------------------

    private void rowLevel(int k) {
      String what = kind.toUpperCase(Locale.ROOT);
      BuiltInRule rule = kind.equals("delete") ? BuiltInRule.DELETE_WITHOUT_WHERE : BuiltInRule.UPDATE_WITHOUT_WHERE;
      int where = atTop(k, Set.of("where"));
      SqlParsing.Outcome p = parsing.parse(forParser());
      if (!p.parsed()) {
        cacheable &= !p.transientFailure();
        if (where < 0) {
          find(rule, what + " without WHERE on " + describe(tables));
        } else if (!(word(where + 1).equals("current") && word(where + 2).equals("of"))) {
          unclassify("the WHERE clause of this " + what + " could not be read: " + p.failure());
        }
        return;
      }
      Statement s = p.statement();
      Expression cond;
      Set<String> targets = new LinkedHashSet<>();
      String target;
      if (s instanceof Delete d && kind.equals("delete")) {
        cond = d.getWhere();
        target = addTarget(d.getTable(), targets);
      } else if (s instanceof Update u && kind.equals("update")) {
        cond = u.getWhere();
        target = addTarget(u.getTable(), targets);
      } else {
        unclassify("the parser read a " + s.getClass().getSimpleName() + " where the lexer read " + what);
        return;
      }
      addParsedTables(s);
      if (cond == null) {
        if (where >= 0) {
          unclassify("the parser lost the WHERE clause of this " + what);
        } else {
          find(rule, what + " without WHERE on " + target);
        }
        return;
      }
      switch (RowCondition.truth(cond, targets)) {
        case TRUE -> find(rule, what + " on " + target + " with a WHERE that is always true");
        case CONSTANT -> find(rule, what + " on " + target + " with a WHERE that does not depend on its rows (all or nothing)");
        default -> {}
      }
    }

    private void mergeStatement(int k) {
      // WHEN NOT MATCHED BY SOURCE THEN DELETE/UPDATE touches every target row the source lacks
      boolean deletes = false;
      boolean updates = false;
      for (int w = atTop(k, Set.of("when")); w >= 0; w = atTop(w + 1, Set.of("when"))) {
        int then = atTop(w, Set.of("then"));
        if (then < 0) {
          break;
        }
        boolean bySource = false;
        for (int x = w; x < then; x++) {
          bySource |= ts.get(x).is("source");
        }
        String action = word(then + 1);
        deletes |= action.equals("delete");
        updates |= action.equals("update");
        if (Set.of("delete", "update", "insert").contains(action)) {
          String into = mergeTarget(k);
          if (into == null) {
            unclassify("a MERGE whose target table could not be read");
          } else {
            writes(action, into); // each action is a write of its own kind on the target
          }
        } else if (!action.equals("do")) {
          unclassify("a MERGE action " + action.toUpperCase(Locale.ROOT) + " that is not UPDATE, DELETE, INSERT or DO NOTHING");
        }
        if (bySource && (action.equals("delete") || action.equals("update"))) {
          String into = word(k + 1).equals("into") ? nameAt(k + 2) : null;
          find(action.equals("delete") ? BuiltInRule.DELETE_WITHOUT_WHERE : BuiltInRule.UPDATE_WITHOUT_WHERE,
              "MERGE ... WHEN NOT MATCHED BY SOURCE THEN " + action.toUpperCase(Locale.ROOT) + " can reach every row of "
                  + (into == null ? "the target" : into));
        }
      }
      if (!deletes && !updates) {
        parsedTables();
        return;
      }
      SqlParsing.Outcome p = parsing.parse(forParser());
      if (!p.parsed() || !(p.statement() instanceof Merge m)) {
        cacheable &= !p.transientFailure();
        unclassify("the ON condition of this MERGE could not be read: " + (p.parsed() ? "not a MERGE" : p.failure()));
        return;
      }
      addParsedTables(m);
      Set<String> targets = new LinkedHashSet<>();
      String target = addTarget(m.getTable(), targets);
      if (m.getOnCondition() == null) {
        unclassify("the parser lost the ON condition of this MERGE");
        return;
      }
      RowCondition.Truth t = RowCondition.truth(m.getOnCondition(), targets);
      if (t == RowCondition.Truth.TRUE || t == RowCondition.Truth.CONSTANT) {
        List<MergeOperation> ops = m.getOperations() == null ? List.of() : m.getOperations();
        for (MergeOperation op : ops) {
          if (op instanceof MergeDelete) {
            find(BuiltInRule.DELETE_WITHOUT_WHERE, "MERGE on " + target + " deletes with an ON that does not depend on its rows");
          } else if (op instanceof MergeUpdate) {
            find(BuiltInRule.UPDATE_WITHOUT_WHERE, "MERGE on " + target + " updates with an ON that does not depend on its rows");
          }
        }
        if (deletes && findings.stream().noneMatch(f -> f.rule() == BuiltInRule.DELETE_WITHOUT_WHERE)) {
          find(BuiltInRule.DELETE_WITHOUT_WHERE, "MERGE on " + target + " deletes with an ON that does not depend on its rows");
        }
        if (updates && findings.stream().noneMatch(f -> f.rule() == BuiltInRule.UPDATE_WITHOUT_WHERE)) {
          find(BuiltInRule.UPDATE_WITHOUT_WHERE, "MERGE on " + target + " updates with an ON that does not depend on its rows");
        }
      }
    }

    private String mergeTarget(int k) {
      if (!word(k + 1).equals("into")) {
        return null;
      }
      return nameAt(word(k + 2).equals("only") ? k + 3 : k + 2);
    }

    private String addTarget(Table t, Set<String> targets) {
      if (t == null) {
        return describe(tables);
      }
      String full = normalise(t.getFullyQualifiedName());
      targets.add(full.substring(full.lastIndexOf('.') + 1));
      Alias a = t.getAlias();
      if (a != null && a.getName() != null) {
        targets.add(normalise(a.getName()));
      }
      tables.add(full);
      return full;
    }

    // ---- table names ---------------------------------------------------------------------------

    /**
     * The statement for JSqlParser: the lexer's tokens, without the {@code ONLY} of {@code FROM ONLY
     * t} (inheritance does not change which rows a condition selects, and 5.3 cannot read it).
     */
    private String forParser() {
      List<Token> keep = new ArrayList<>(ts.size());
      for (int k = 0; k < ts.size(); k++) {
        Token t = ts.get(k);
        if (t.is("only") && k > 0 && (ts.get(k - 1).is("from") || ts.get(k - 1).is("update") || ts.get(k - 1).is("into")
            || ts.get(k - 1).is("join") || ts.get(k - 1).is("using"))) {
          continue;
        }
        keep.add(t);
      }
      return SqlLexer.canonical(keep);
    }

    private void parsedTables() {
      SqlParsing.Outcome p = parsing.parse(forParser());
      if (p.parsed()) {
        addParsedTables(p.statement());
      }
    }

    private void addParsedTables(Statement s) {
      try {
        for (String t : new TablesNamesFinder<Void>().getTables(s)) {
          tables.add(normalise(t));
        }
      } catch (RuntimeException e) {
        // TablesNamesFinder does not visit every statement; the lexer's net has the names
      }
    }

    /**
     * The second net for table names: a name after FROM, JOIN, UPDATE, INTO, TABLE, TRUNCATE,
     * LOCK, USING or COPY (lists after a comma too), not inside a function's parentheses ({@code
     * extract(year FROM ts)}) and not followed by {@code (} (a function in FROM).
     */
    private void tableNet() {
      java.util.ArrayDeque<Boolean> callParen = new java.util.ArrayDeque<>();
      for (int k = 0; k < ts.size(); k++) {
        Token t = ts.get(k);
        if (t.type() == Type.LPAREN) {
          callParen.push(k > 0 && ts.get(k - 1).isName() && !NOT_FUNCTIONS.contains(ts.get(k - 1).text()));
          continue;
        }
        if (t.type() == Type.RPAREN) {
          callParen.poll();
          continue;
        }
        if (t.type() != Type.WORD || !TABLE_INTRODUCERS.contains(t.text()) || Boolean.TRUE.equals(callParen.peek())) {
          continue;
        }
        if (t.is("from") && k > 0 && ts.get(k - 1).is("distinct")) {
          continue;
        }
        boolean list = t.is("from") || t.is("truncate") || t.is("lock") || t.is("using") || t.is("table");
        int j = k + 1;
        while (true) {
          while (tok(j) != null && tok(j).type() == Type.WORD && TABLE_MODIFIERS.contains(tok(j).text())) {
            j++;
          }
          String n = nameAt(j);
          if (n == null || (tok(j).type() == Type.WORD && NOT_TABLES.contains(tok(j).text()))) {
            break;
          }
          int e = nameEnd(j);
          if (tok(e) != null && tok(e).type() == Type.LPAREN && !t.is("into") && !t.is("copy")) {
            break; // a function in FROM
          }
          tables.add(n);
          if (!list) {
            break;
          }
          j = e;
          if (word(j).equals("as")) {
            j++;
          }
          if (tok(j) != null && tok(j).isName() && !(tok(j).type() == Type.WORD && isClauseWord(tok(j).text()))) {
            j++; // alias
          }
          if (tok(j) == null || tok(j).type() != Type.COMMA) {
            break;
          }
          j++;
        }
      }
    }
  }

  private static boolean isClauseWord(String w) {
    return Set.of("where", "join", "left", "right", "inner", "outer", "full", "cross", "natural", "on", "using",
            "group", "order", "limit", "offset", "having", "window", "union", "intersect", "except", "for",
            "returning", "set", "when", "fetch", "in", "restart", "continue", "cascade", "restrict", "nowait")
        .contains(w);
  }

  /** {@code public."Users"} → {@code public.Users}; unquoted parts lower-case. */
  static String normalise(String qualified) {
    List<Token> ts = SqlLexer.tokenize(qualified);
    StringBuilder b = new StringBuilder();
    for (Token t : ts) {
      if (t.isName()) {
        b.append(t.text());
      } else if (t.type() == Type.DOT) {
        b.append('.');
      } else {
        b.append(t.text());
      }
    }
    return b.toString();
  }

  private static String describe(Set<String> tables) {
    return tables.isEmpty() ? "a table" : String.join(", ", tables);
  }

  private static String describeName(String n) {
    return n == null ? "" : n;
  }
}
