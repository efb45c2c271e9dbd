package dev.gatehouse.policy;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The bodies of {@code DO} blocks and of functions and procedures being created are text the
 * masking rule does not parse; rows a function returns carry no column origin, so nothing they
 * hold is masked. A body that names a masked column is refused elsewhere; one that builds its SQL
 * at run time ({@code EXECUTE 'SELECT ss' || 'n FROM us' || 'ers'}) names nothing and can read
 * anything. While columns are masked, a body is refused when it
 *
 * <ul>
 *   <li>runs SQL built at run time: plpgsql {@code EXECUTE} (also {@code RETURN QUERY EXECUTE},
 *       {@code OPEN … FOR EXECUTE}) or a function that runs query text ({@code query_to_xml},
 *       {@code dblink}, …);
 *   <li>changes settings ({@code set_config}, {@code pg_settings}, {@code SET}/{@code RESET} of
 *       search_path): the body could move pg_catalog later in search_path;
 *   <li>is in a language other than {@code sql} and {@code plpgsql}, whose dynamic SQL these
 *       words do not find ({@code spi_exec_query}, {@code plv8.execute});
 *   <li>uses cursors ({@code FETCH}, {@code MOVE}, {@code OPEN c …}, {@code refcursor}, {@code
 *       CURSOR FOR}, which a {@code FOR r IN c} loop needs): a cursor is reached by its name, so a
 *       body that names nothing masked can read the rows of a cursor the session declared over
 *       masked columns ({@code FETCH c INTO r} with {@code c} given as {@code 'c'}); those rows
 *       carry no column origin.
 * </ul>
 *
 * Ordinary functions — SQL and plpgsql with static statements — stay possible. Functions that
 * already exist (created before masking was configured, or by a role outside the gateway) are
 * outside this rule: their bodies are not read.
 */
final class RoutineBodies {
  private static final Set<String> LANGUAGES = Set.of("sql", "plpgsql");
  private static final Set<String> RUNNERS = Set.of(
      "execute", "set_config", "pg_settings", "search_path", "query_to_xml", "query_to_xmlschema",
      "query_to_xml_and_xmlschema", "table_to_xml", "table_to_xmlschema", "table_to_xml_and_xmlschema",
      "cursor_to_xml", "cursor_to_xmlschema", "schema_to_xml", "schema_to_xmlschema", "schema_to_xml_and_xmlschema",
      "database_to_xml", "database_to_xmlschema", "database_to_xml_and_xmlschema", "dblink", "dblink_exec",
      "dblink_open", "dblink_send_query", "ts_stat", "ts_rewrite", "xpath_table", "crosstab", "crosstab2", "crosstab3",
      "crosstab4", "connectby");

  /** Words only a body that reads or opens cursors uses (OPEN is found by its shape: see {@link #opensCursor}). */
  private static final Set<String> CURSOR_WORDS = Set.of("fetch", "move", "refcursor", "cursor");

  private RoutineBodies() {}

  static Optional<String> violation(List<Token> tokens) {
    String kind = routineKind(tokens);
    if (kind == null) {
      return Optional.empty();
    }
    String language = kind.equals("DO") ? "plpgsql" : "sql";
    for (int i = 0; i + 1 < tokens.size(); i++) {
      if (tokens.get(i).is("language")) {
        Token l = tokens.get(i + 1);
        language = l.type() == Token.Type.STRING || l.type() == Token.Type.IDENT ? l.text() : l.text().toLowerCase(Locale.ROOT);
      }
    }
    if (!LANGUAGES.contains(language)) {
      return Optional.of("a " + kind + " in language " + language + " runs code whose SQL the masking rule cannot"
          + " follow; while columns are masked, use sql or plpgsql");
    }
    // The body's words as the server will read them when it runs: U&"…" names decoded, in the
    // body and in strings inside it (EXECUTE spelled U&"\0045XECUTE" is no statement, but a
    // function name or search_path spelled so is the function or setting).
    Set<String> words = Mentions.words(tokens);
    for (String word : RUNNERS) {
      if (words.contains(word)) {
        return Optional.of("a " + kind + " whose body uses " + word + " builds SQL or changes settings at run time;"
            + " its rows would carry no column origin and could hold masked values unmasked. While columns are"
            + " masked, write the statements out (static SQL)");
      }
    }
    for (String word : CURSOR_WORDS) {
      if (words.contains(word)) {
        return Optional.of(cursorReason(kind, word));
      }
    }
    if (opensCursor(tokens, 0)) {
      return Optional.of(cursorReason(kind, "open"));
    }
    return Optional.empty();
  }

  private static String cursorReason(String kind, String word) {
    return "a " + kind + " whose body uses cursors (" + word + ") could read, by its name, a cursor the session"
        + " declared over masked columns; the rows it returns carry no column origin. While columns are masked,"
        + " read cursors with FETCH from the client, where their columns are masked";
  }

  /**
   * plpgsql's {@code OPEN c [[NO] SCROLL] FOR …}, {@code OPEN c(args)} or {@code OPEN c;}, in the
   * tokens or in any string read as SQL (down {@link Mentions#NESTING} levels): {@code open}
   * followed by a name and then one of those. Not the word alone: {@code status = 'open'} and a
   * column named {@code open} are ordinary.
   */
  private static boolean opensCursor(List<Token> tokens, int depth) {
    for (int i = 0; i < tokens.size(); i++) {
      Token t = tokens.get(i);
      if (t.isName() && t.text().equalsIgnoreCase("open") && i + 1 < tokens.size() && tokens.get(i + 1).isName()) {
        Token after = i + 2 < tokens.size() ? tokens.get(i + 2) : null;
        if (after == null || after.type() == Token.Type.SEMICOLON || after.type() == Token.Type.LPAREN
            || after.is("for") || after.is("scroll") || after.is("no")) {
          return true;
        }
      }
      if (t.type() == Token.Type.STRING && depth < Mentions.NESTING
          && (opensCursor(SqlLexer.tokenize(t.text(), true), depth + 1)
              || opensCursor(SqlLexer.tokenize(t.text(), false), depth + 1))) {
        return true;
      }
    }
    return false;
  }

  /** "DO", "FUNCTION" or "PROCEDURE" when the statement creates or runs one, else null. */
  private static String routineKind(List<Token> tokens) {
    if (tokens.isEmpty()) {
      return null;
    }
    if (tokens.get(0).is("do")) {
      return "DO";
    }
    if (!tokens.get(0).is("create")) {
      return null;
    }
    int i = 1;
    if (i + 1 < tokens.size() && tokens.get(i).is("or") && tokens.get(i + 1).is("replace")) {
      i += 2;
    }
    if (i < tokens.size() && (tokens.get(i).is("function") || tokens.get(i).is("procedure"))) {
      return tokens.get(i).text().toUpperCase(Locale.ROOT);
    }
    return null;
  }
}
