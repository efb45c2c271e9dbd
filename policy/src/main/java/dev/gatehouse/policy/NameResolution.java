package dev.gatehouse.policy;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The masking rule takes calls, operators and casts by their names for PostgreSQL's own: {@code
 * lower(ssn)}, {@code ssn = 'x'} and {@code ssn::text} reach pg_catalog while it is searched
 * first and nothing in another schema matches the arguments better. While columns are masked,
 * the statements that could make a name reach code someone wrote are refused:
 *
 * <ul>
 *   <li>a search_path that does not keep pg_catalog first, or is set in a way the rule cannot
 *       read: only {@code SET [SESSION|LOCAL] search_path TO/= list} (also in {@code ALTER ROLE/
 *       DATABASE/FUNCTION … SET}), {@code RESET}, {@code SHOW} and {@code set_config('search_path',
 *       'list', bool)} are read; a list may name pg_catalog only first;
 *   <li>{@code set_config} whose setting name is not a string literal ({@code 'search' ||
 *       '_path'}, {@code $1}): it could be search_path;
 *   <li>any write to {@code pg_settings} (its UPDATE rule calls set_config);
 *   <li>{@code CREATE/ALTER OPERATOR} (operators resolve by argument types, so a {@code =(text,
 *       integer)} in public wins over pg_catalog for {@code ssn = 5}), {@code CREATE CAST},
 *       {@code CREATE CONVERSION}, {@code CREATE TRANSFORM};
 *   <li>a function, procedure or aggregate created (or renamed) with the name of a pg_catalog
 *       function: an overload with other argument types ({@code lower(text, integer)}, {@code
 *       lower(varchar)}) is chosen by PostgreSQL over pg_catalog's.
 * </ul>
 */
final class NameResolution {
  private NameResolution() {}

  static Optional<String> violation(List<Token> tokens) {
    return searchPathChange(tokens)
        .or(() -> computedSetting(tokens))
        .or(() -> settingsWrite(tokens))
        .or(() -> overloadDefinition(tokens));
  }

  private static final String KEEP_FIRST = "while columns are masked, set it with SET search_path TO schema, …"
      + " (pg_catalog, if named, first)";

  /**
   * A statement that mentions search_path (as a word, or in a string that dynamic SQL or
   * set_config may use) is allowed only as {@code SHOW}, {@code RESET}, a plain {@code SET
   * [SESSION|LOCAL] search_path TO/=} list in {@code SET} or {@code ALTER}, or {@code SELECT
   * set_config('search_path', 'list', true|false)} as drivers and pg_dump send it, with pg_catalog
   * not named or named first.
   */
  static Optional<String> searchPathChange(List<Token> tokens) {
    List<String> shape = tokens.stream().map(t -> t.type() == Token.Type.STRING ? "'" : t.text().toLowerCase(Locale.ROOT)).toList();
    if (shape.size() >= 9 && shape.subList(0, 5).equals(List.of("select", "set_config", "(", "'", ","))
        && tokens.get(3).text().trim().equalsIgnoreCase("search_path") && shape.get(5).equals("'") && shape.get(6).equals(",")
        && Set.of("true", "false").contains(shape.get(7)) && shape.get(8).equals(")")
        && shape.subList(9, shape.size()).stream().allMatch(";"::equals)) {
      return pgCatalogFirst(List.of(tokens.get(5).text().split(",", -1)))
          ? Optional.empty()
          : Optional.of("a search_path that names pg_catalog after another schema could put functions and operators"
              + " of that schema before PostgreSQL's own, which the masking rule takes them for");
    }
    int at = -1;
    for (int i = 0; i < tokens.size(); i++) {
      Token t = tokens.get(i);
      boolean name = t.isName() && t.text().equalsIgnoreCase("search_path");
      boolean inString = t.type() == Token.Type.STRING && t.text().toLowerCase(Locale.ROOT).contains("search_path");
      if (inString || name && at >= 0) {
        return Optional.of("this statement changes search_path in a way the masking rule cannot follow; " + KEEP_FIRST);
      }
      if (name) {
        at = i;
      }
    }
    if (at < 0) {
      return Optional.empty();
    }
    String first = tokens.get(0).text().toLowerCase(Locale.ROOT);
    if (first.equals("show") || first.equals("reset")) {
      return Optional.empty();
    }
    boolean set = at > 0 && (tokens.get(at - 1).is("set") || tokens.get(at - 1).is("session") || tokens.get(at - 1).is("local"));
    if (!set || !Set.of("set", "alter").contains(first)) {
      return Optional.of("this statement uses search_path in a way the masking rule cannot follow; " + KEEP_FIRST);
    }
    List<String> items = new java.util.ArrayList<>();
    for (int i = at + 1; i < tokens.size(); i++) {
      Token t = tokens.get(i);
      if (t.type() == Token.Type.SEMICOLON) {
        break;
      }
      if (i == at + 1 && (t.is("to") || t.text().equals("="))) {
        continue;
      }
      boolean item = t.type() == Token.Type.WORD || t.type() == Token.Type.IDENT || t.type() == Token.Type.STRING;
      if (!item && t.type() != Token.Type.COMMA) {
        return Optional.of("a search_path computed with " + t.text() + " could put functions and operators of another"
            + " schema before PostgreSQL's own, which the masking rule takes them for; " + KEEP_FIRST);
      }
      if (item) {
        items.add(t.text());
      }
    }
    return pgCatalogFirst(items) ? Optional.empty()
        : Optional.of("a search_path that names pg_catalog after another schema could put functions and operators of"
            + " that schema before PostgreSQL's own, which the masking rule takes them for; " + KEEP_FIRST);
  }

  /** pg_catalog is not in the list, or it is the first entry. */
  private static boolean pgCatalogFirst(List<String> items) {
    for (int i = 0; i < items.size(); i++) {
      String s = items.get(i).trim().replace("\"", "").toLowerCase(Locale.ROOT);
      if (s.contains("pg_catalog") && (i > 0 || !s.equals("pg_catalog"))) {
        return false;
      }
    }
    return true;
  }

  /** set_config( whose first argument is not a string literal. */
  private static Optional<String> computedSetting(List<Token> tokens) {
    for (int i = 0; i + 1 < tokens.size(); i++) {
      Token t = tokens.get(i);
      if (t.isName() && t.text().equalsIgnoreCase("set_config") && tokens.get(i + 1).type() == Token.Type.LPAREN) {
        boolean literal = i + 3 < tokens.size() && tokens.get(i + 2).type() == Token.Type.STRING
            && tokens.get(i + 3).type() == Token.Type.COMMA;
        if (!literal) {
          return Optional.of("set_config() with a setting name that is not a string literal could set search_path;"
              + " while columns are masked, name the setting as a literal");
        }
      }
    }
    return Optional.empty();
  }

  /** Words that make a statement naming pg_settings more than a read of it. */
  private static final Set<String> WRITES = Set.of(
      "update", "insert", "delete", "merge", "create", "alter", "copy", "prepare", "do", "call", "execute", "declare",
      "rule", "trigger");

  private static Optional<String> settingsWrite(List<Token> tokens) {
    boolean named = tokens.stream().anyMatch(t -> t.isName() && t.text().equalsIgnoreCase("pg_settings"));
    if (named && tokens.stream().anyMatch(t -> t.type() == Token.Type.WORD && WRITES.contains(t.text()))) {
      return Optional.of("writing pg_settings changes settings (search_path among them) in a way the masking rule"
          + " cannot follow; while columns are masked, pg_settings may only be read");
    }
    return Optional.empty();
  }

  private static Optional<String> overloadDefinition(List<Token> tokens) {
    int i = 0;
    if (!tokens.isEmpty() && (tokens.get(0).is("create") || tokens.get(0).is("alter"))) {
      i = 1;
    } else {
      return Optional.empty();
    }
    boolean create = tokens.get(0).is("create");
    if (create && i + 1 < tokens.size() && tokens.get(i).is("or") && tokens.get(i + 1).is("replace")) {
      i += 2;
    }
    if (create && i < tokens.size() && tokens.get(i).is("default")) {
      i++; // CREATE DEFAULT CONVERSION
    }
    if (i >= tokens.size()) {
      return Optional.empty();
    }
    String what = tokens.get(i).text();
    if (tokens.get(i).type() == Token.Type.WORD && (what.equals("operator")
        || create && Set.of("cast", "conversion", "transform").contains(what))) {
      return Optional.of((create ? "CREATE " : "ALTER ") + what.toUpperCase(Locale.ROOT) + " could make an operator or"
          + " cast of someone's own receive masked values that the masking rule takes for PostgreSQL's own;"
          + " not while columns are masked");
    }
    if (tokens.get(i).type() != Token.Type.WORD || !Set.of("function", "procedure", "aggregate", "routine").contains(what)) {
      return Optional.empty();
    }
    // The routine's name: the last name before its argument list.
    String name = null;
    int j = i + 1;
    for (; j < tokens.size() && tokens.get(j).type() != Token.Type.LPAREN; j++) {
      if (tokens.get(j).isName()) {
        name = tokens.get(j).text();
      } else if (tokens.get(j).type() != Token.Type.DOT) {
        break;
      }
    }
    if (create) {
      return shadows(name, what);
    }
    // ALTER FUNCTION f(...) RENAME TO name
    for (int k = j; k + 2 < tokens.size(); k++) {
      if (tokens.get(k).is("rename") && tokens.get(k + 1).is("to") && tokens.get(k + 2).isName()) {
        return shadows(tokens.get(k + 2).text(), what);
      }
    }
    return Optional.empty();
  }

  private static Optional<String> shadows(String name, String what) {
    if (name != null && FunctionCatalog.BuiltIns.isBuiltIn(new FunctionCall(null, name))) {
      return Optional.of((what.equals("aggregate") ? "an " : "a ") + what + " named " + name + ", as one of PostgreSQL's own functions, could be chosen over"
          + " it for arguments of other types and receive masked values; while columns are masked, give it another name");
    }
    return Optional.empty();
  }
}
