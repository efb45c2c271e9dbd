package dev.gatehouse.policy;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which of a set of names a query string mentions anywhere: as a name (quoted, unquoted,
 * {@code U&"..."}, schema-qualified or not) or as a word inside a string constant, where dynamic
 * SQL ({@code DO} bodies, {@code EXECUTE format(...)}) keeps the names it will run. Read the way
 * the server reads the text; when {@code standard_conforming_strings} is not known, both ways.
 */
final class Mentions {
  /** A name as it can appear inside a string: letters, digits, _ and $ (the scanner's identifier characters). */
  private static final Pattern WORD_IN_STRING = Pattern.compile("[\\p{L}\\p{N}_$]+");

  /** What a lexer error stands for: the rest of the text could not be read. */
  static final String UNREADABLE = "";

  private Mentions() {}

  /**
   * The first of {@code names} (lower-case) the text mentions; {@link #UNREADABLE} when the text
   * has what the lexer cannot read (and {@code unreadableCounts}), or empty.
   */
  static Optional<String> first(String sql, StandardConformingStrings standardStrings, Set<String> names,
      boolean unreadableCounts) {
    if (names.isEmpty()) {
      return Optional.empty();
    }
    for (List<Token> tokens : readings(sql, standardStrings)) {
      for (Token t : tokens) {
        if (t.type() == Token.Type.ERROR) {
          if (unreadableCounts) {
            return Optional.of(UNREADABLE);
          }
        } else if (t.isName()) {
          String n = t.text().toLowerCase(Locale.ROOT);
          if (names.contains(n)) {
            return Optional.of(n);
          }
        } else if (t.type() == Token.Type.STRING) {
          Matcher m = WORD_IN_STRING.matcher(t.text());
          while (m.find()) {
            String w = m.group().toLowerCase(Locale.ROOT);
            if (names.contains(w)) {
              return Optional.of(w);
            }
          }
        }
      }
    }
    return Optional.empty();
  }

  private static List<List<Token>> readings(String sql, StandardConformingStrings standardStrings) {
    List<List<Token>> out = new ArrayList<>(2);
    if (standardStrings != StandardConformingStrings.OFF) {
      out.add(SqlLexer.tokenize(sql, true));
    }
    if (standardStrings != StandardConformingStrings.ON) {
      out.add(SqlLexer.tokenize(sql, false));
    }
    return out;
  }
}
