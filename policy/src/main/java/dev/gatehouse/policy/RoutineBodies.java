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
 *       words do not find ({@code spi_exec_query}, {@code plv8.execute}).
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

  private RoutineBodies() {}

  static Optional<String> violation(List<Token> tokens) {
    String kind = routineKind(tokens);
    if (kind == null) {
      return Optional.empty();
    }
    String language = kind.equals("DO") ? "plpgsql" : "sql";
    StringBuilder body = new StringBuilder();
    for (int i = 0; i < tokens.size(); i++) {
      Token t = tokens.get(i);
      if (t.is("language") && i + 1 < tokens.size()) {
        Token l = tokens.get(i + 1);
        language = l.type() == Token.Type.STRING || l.type() == Token.Type.IDENT ? l.text() : l.text().toLowerCase(Locale.ROOT);
      }
      if (t.type() == Token.Type.STRING) {
        body.append(t.text()).append('\n');
      } else if (t.isName()) {
        body.append(' ').append(t.text()).append(' ');
      }
    }
    if (!LANGUAGES.contains(language)) {
      return Optional.of("a " + kind + " in language " + language + " runs code whose SQL the masking rule cannot"
          + " follow; while columns are masked, use sql or plpgsql");
    }
    String text = body.toString().toLowerCase(Locale.ROOT);
    for (String word : RUNNERS) {
      if (containsWord(text, word)) {
        return Optional.of("a " + kind + " whose body uses " + word + " builds SQL or changes settings at run time;"
            + " its rows would carry no column origin and could hold masked values unmasked. While columns are"
            + " masked, write the statements out (static SQL)");
      }
    }
    return Optional.empty();
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

  private static boolean containsWord(String text, String word) {
    for (int i = text.indexOf(word); i >= 0; i = text.indexOf(word, i + 1)) {
      boolean before = i == 0 || !isNameChar(text.charAt(i - 1));
      int end = i + word.length();
      boolean after = end >= text.length() || !isNameChar(text.charAt(end));
      if (before && after) {
        return true;
      }
    }
    return false;
  }

  private static boolean isNameChar(char c) {
    return Character.isLetterOrDigit(c) || c == '_' || c == '$';
  }
}
