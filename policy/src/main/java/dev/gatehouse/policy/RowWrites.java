package dev.gatehouse.policy;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Which parts of a query string the database must count row changes of ({@code maxRowsChanged}).
 * The judge's classification only decides what may be skipped: a statement is skipped when it
 * certainly cannot change rows (a SELECT without data-changing words whose functions are all
 * well-known read-only ones, SHOW, SET, EXPLAIN without ANALYZE, transaction control, VACUUM and
 * the other statements that cannot run inside a transaction block). Everything else is counted,
 * whatever it looks like: the count comes from the server, so writes in triggers, functions,
 * procedures and CTEs are included.
 */
public final class RowWrites {
  /** How the proxy sends one query string. */
  public sealed interface Plan permits Uncounted, Counted, Refused {}

  /** Nothing in it can change rows: sent as it is. */
  public record Uncounted() implements Plan {}

  /**
   * Sent as these pieces, in order; each counted piece is one unit whose row changes are summed
   * and checked before the next piece (a piece never spans the end of a transaction). {@code
   * copies}: a COPY among them (its data comes from the client in between).
   */
  public record Counted(List<Piece> pieces, boolean copies) implements Plan {
    public Counted {
      pieces = List.copyOf(pieces);
    }
  }

  /** It cannot be counted safely; refused with this reason. */
  public record Refused(String reason) implements Plan {}

  /** Statements sent together; {@code counted} when their row changes are checked. */
  public record Piece(String sql, boolean counted) {}

  /** Kinds that cannot change a row of a table. */
  private static final Set<String> NEVER_WRITES = Set.of(
      "show", "set", "reset", "begin", "commit", "rollback", "savepoint", "release", "listen", "unlisten",
      "notify", "deallocate", "discard", "prepare", "lock", "explain", "maintenance", "system", "load", "close");

  /** Kinds after which a transaction (or the savepoint the count was taken in) may be gone. */
  private static final Set<String> ENDS_TRANSACTION = Set.of("commit", "rollback");

  /** Words that make a SELECT (or a WITH whose main statement is one) change or create rows. */
  private static final Set<String> WRITING_WORDS =
      Set.of("insert", "update", "delete", "merge", "into", "copy", "call", "execute", "do");

  /** Built-in functions that change nothing; a SELECT calling only these is not counted. */
  static final Set<String> READ_ONLY_FUNCTIONS = Set.of(
      "count", "sum", "avg", "min", "max", "bool_and", "bool_or", "every", "string_agg", "array_agg",
      "json_agg", "jsonb_agg", "json_object_agg", "jsonb_object_agg", "stddev", "variance",
      "row_number", "rank", "dense_rank", "percent_rank", "cume_dist", "ntile", "lag", "lead",
      "first_value", "last_value", "nth_value",
      "now", "clock_timestamp", "statement_timestamp", "transaction_timestamp", "timeofday", "age",
      "date_trunc", "date_part", "make_date", "make_timestamp", "make_interval", "to_char", "to_date",
      "to_timestamp", "to_number", "justify_days", "justify_hours", "isfinite",
      "lower", "upper", "initcap", "length", "char_length", "octet_length", "concat", "concat_ws",
      "substring", "substr", "replace", "translate", "trim", "btrim", "ltrim", "rtrim", "lpad", "rpad",
      "left", "right", "position", "strpos", "split_part", "starts_with", "repeat", "reverse", "format",
      "md5", "sha256", "encode", "decode", "regexp_replace", "regexp_match", "regexp_matches",
      "regexp_split_to_array", "regexp_split_to_table", "quote_ident", "quote_literal", "quote_nullable",
      "abs", "round", "floor", "ceil", "ceiling", "trunc", "mod", "power", "sqrt", "exp", "ln", "log",
      "sign", "greatest", "least", "random", "width_bucket", "div",
      "array_length", "array_to_string", "string_to_array", "array_position", "array_remove",
      "array_append", "array_cat", "cardinality", "unnest", "generate_series", "generate_subscripts",
      "to_json", "to_jsonb", "row_to_json", "json_build_object", "jsonb_build_object", "json_build_array",
      "jsonb_build_array", "jsonb_set", "jsonb_pretty", "json_array_elements", "jsonb_array_elements",
      "json_each", "jsonb_each", "json_object_keys", "jsonb_object_keys", "jsonb_typeof", "json_typeof",
      "jsonb_path_query", "jsonb_extract_path", "jsonb_extract_path_text", "json_extract_path_text",
      "version", "current_setting", "current_database", "current_schema", "current_schemas",
      "pg_backend_pid", "pg_typeof", "inet_server_addr", "inet_server_port", "pg_postmaster_start_time",
      "pg_size_pretty", "pg_relation_size", "pg_total_relation_size", "pg_table_size", "pg_indexes_size",
      "pg_database_size", "pg_column_size", "pg_get_userbyid", "format_type", "pg_get_expr",
      "pg_get_constraintdef", "pg_get_indexdef", "pg_get_viewdef", "pg_get_triggerdef",
      "pg_get_functiondef", "pg_get_function_arguments", "pg_get_function_result", "pg_table_is_visible",
      "pg_type_is_visible", "pg_function_is_visible", "obj_description", "col_description",
      "shobj_description", "pg_encoding_to_char", "has_table_privilege", "has_schema_privilege",
      "has_database_privilege", "pg_has_role", "array_to_json", "pg_get_partkeydef",
      "pg_get_statisticsobjdef_columns", "pg_relation_is_publishable", "pg_is_in_recovery",
      "pg_get_serial_sequence", "txid_current_if_assigned", "pg_current_wal_lsn", "pg_is_other_temp_schema",
      "pg_collation_is_visible", "pg_conversion_is_visible", "pg_opclass_is_visible", "pg_operator_is_visible",
      "pg_ts_config_is_visible", "pg_statistics_obj_is_visible", "pg_get_ruledef", "array_upper", "array_lower");

  private RowWrites() {}

  /** The plan for {@code sql}, as {@code judgement} (the judge's, of the same text) split it. */
  public static Plan plan(Judgement judgement, String sql) {
    List<StatementVerdict> statements = judgement.statements();
    List<List<Token>> tokens = tokensOf(statements, sql);
    boolean[] counted = new boolean[statements.size()];
    boolean any = false;
    boolean endsTransaction = false;
    boolean copies = false;
    for (int i = 0; i < statements.size(); i++) {
      StatementVerdict s = statements.get(i);
      counted[i] = mayWrite(s, tokens != null ? tokens.get(i) : SqlLexer.tokenize(s.sql()));
      any |= counted[i];
      copies |= s.kind().equals("copy");
      endsTransaction |= any && ENDS_TRANSACTION.contains(s.kind());
    }
    if (!any) {
      return new Uncounted();
    }
    if (!endsTransaction) {
      return new Counted(List.of(new Piece(sql, true)), copies); // the text exactly as sent
    }
    if (sql.indexOf('\\') >= 0) {
      // Split at the judge's statement boundaries only where no setting can move them.
      return new Refused("a query string that changes rows and ends its transaction is counted statement by"
          + " statement, and this one holds a backslash that could move its statement boundaries; send the"
          + " statements one by one");
    }
    List<Piece> pieces = new ArrayList<>();
    StringBuilder segment = new StringBuilder();
    boolean segmentCounted = false;
    for (int i = 0; i < statements.size(); i++) {
      StatementVerdict s = statements.get(i);
      if (ENDS_TRANSACTION.contains(s.kind())) {
        if (!segment.isEmpty()) {
          pieces.add(new Piece(segment.toString(), segmentCounted));
          segment.setLength(0);
          segmentCounted = false;
        }
        pieces.add(new Piece(s.sql(), false));
      } else {
        segment.append(segment.isEmpty() ? "" : ";\n").append(s.sql());
        segmentCounted |= counted[i];
      }
    }
    if (!segment.isEmpty()) {
      pieces.add(new Piece(segment.toString(), segmentCounted));
    }
    return new Counted(pieces, copies);
  }

  /**
   * Each statement's tokens as the whole text's lexing has them (the judge has just lexed the
   * same text, so this is usually the lexer's remembered list), or null when that lexing does not
   * split into exactly the judged statements (the judge read the text another way): then each
   * statement is lexed from its own text. A statement's tokens within the whole are those of its
   * text alone: a statement starts and ends at a token boundary outside any string, comment or
   * quoted name, where the lexer is in its initial state (StatementTokensTest checks this).
   */
  static List<List<Token>> tokensOf(List<StatementVerdict> statements, String sql) {
    SqlLexer.Split split = SqlLexer.split(SqlLexer.tokenize(sql));
    List<List<Token>> each = split.statements();
    if (!split.certain() || each.size() != statements.size()) {
      return null;
    }
    for (int i = 0; i < each.size(); i++) {
      List<Token> st = each.get(i);
      String own = statements.get(i).sql();
      if (st.isEmpty() || st.get(st.size() - 1).end() - st.get(0).start() != own.length()
          || !sql.startsWith(own, st.get(0).start())) {
        return null;
      }
    }
    return each;
  }

  /** Whether the database must count what one statement changes; {@code tokens} are its text's. */
  static boolean mayWrite(StatementVerdict s, List<Token> tokens) {
    String kind = s.kind();
    if (NEVER_WRITES.contains(kind)) {
      return false;
    }
    if (kind.equals("ddl") && outsideTransactionOnly(tokens)) {
      return false; // it would fail inside the counting transaction, and it changes no table's rows
    }
    if (!kind.equals("select")) {
      return true;
    }
    for (int i = 0; i < tokens.size(); i++) {
      Token t = tokens.get(i);
      if (t.type() == Token.Type.WORD && WRITING_WORDS.contains(t.text())) {
        return true;
      }
      // name.name may be a function called by attribute notation (t.archive is archive(t)),
      // which no call syntax shows: count the statement rather than trust the name.
      if (i + 2 < tokens.size() && tokens.get(i).isName() && tokens.get(i + 1).type() == Token.Type.DOT
          && tokens.get(i + 2).isName()) {
        return true;
      }
    }
    return !READ_ONLY_FUNCTIONS.containsAll(s.functions());
  }

  /**
   * The ddl statements PostgreSQL 15 cannot run inside a transaction block, known by their
   * structure, word by word from the start ({@code CREATE [UNIQUE] INDEX CONCURRENTLY}, {@code DROP
   * INDEX CONCURRENTLY}, {@code CREATE|DROP DATABASE|TABLESPACE}, {@code ALTER DATABASE name SET
   * TABLESPACE}, {@code ALTER TABLE … DETACH PARTITION name CONCURRENTLY}, {@code
   * CREATE|ALTER|DROP SUBSCRIPTION}); never by a word anywhere ({@code SELECT g AS concurrently}
   * is a column's name). VACUUM, REINDEX, CLUSTER and ALTER SYSTEM are not ddl: their kinds are
   * never counted. A statement wrongly taken as able to run in a transaction fails in the counting
   * one and changes nothing; the other way round it would change rows uncounted.
   */
  static boolean outsideTransactionOnly(List<Token> tokens) {
    if (tokens.size() < 2) {
      return false;
    }
    String first = word(tokens, 0);
    String second = word(tokens, 1);
    if ((first.equals("create") || first.equals("drop")) && (second.equals("database") || second.equals("tablespace"))) {
      return true;
    }
    if ((first.equals("create") || first.equals("alter") || first.equals("drop")) && second.equals("subscription")) {
      return true;
    }
    if (first.equals("create")) {
      int i = second.equals("unique") ? 2 : 1;
      return word(tokens, i).equals("index") && word(tokens, i + 1).equals("concurrently");
    }
    if (first.equals("drop")) {
      return second.equals("index") && word(tokens, 2).equals("concurrently");
    }
    if (first.equals("alter") && second.equals("database")) {
      return tokens.size() == 6 && tokens.get(2).isName() && word(tokens, 3).equals("set")
          && word(tokens, 4).equals("tablespace") && tokens.get(5).isName();
    }
    if (first.equals("alter") && second.equals("table")) {
      // ALTER TABLE … DETACH PARTITION [schema.]name CONCURRENTLY: the last words, in this order.
      int n = tokens.size();
      if (!word(tokens, n - 1).equals("concurrently") || !tokens.get(n - 2).isName()) {
        return false;
      }
      int name = n - 2;
      if (name >= 2 && tokens.get(name - 1).type() == Token.Type.DOT && tokens.get(name - 2).isName()) {
        name -= 2;
      }
      return name >= 2 && word(tokens, name - 1).equals("partition") && word(tokens, name - 2).equals("detach");
    }
    return false;
  }

  /** The keyword at {@code i} (an unquoted word), or "" for anything else. */
  private static String word(List<Token> tokens, int i) {
    return i >= 0 && i < tokens.size() && tokens.get(i).type() == Token.Type.WORD ? tokens.get(i).text() : "";
  }
}
