package dev.gatehouse.policy;

import java.util.ArrayList;
import java.util.LinkedHashSet;
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
 *
 * <p>A string constant is searched twice: for the words its value holds as it is, and for the
 * names the server would read if it ran the value as SQL (a routine's or DO block's body), decoded
 * by the same lexer: {@code $$ SELECT U&"\0073sn" FROM U&"\0075sers" $$} mentions {@code ssn} and
 * {@code users}, though neither word is in its text. Bodies nest (a body may hold a string that is
 * run again), so the search goes down {@value #NESTING} levels; a string deeper than that is
 * searched as words only.
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
      if (unreadableCounts && !tokens.isEmpty() && tokens.get(tokens.size() - 1).type() == Token.Type.ERROR) {
        return Optional.of(UNREADABLE);
      }
      for (String w : words(tokens)) {
        if (names.contains(w)) {
          return Optional.of(w);
        }
      }
    }
    return Optional.empty();
  }

  /** How deep strings are read again as SQL: a body, a string in a body, and two more. */
  static final int NESTING = 4;

  /**
   * Every word the tokens may name something by, lower-case, in order of appearance: each name
   * (decoded: {@code U&"\0075sers"} is {@code users}), each word of each string constant's value,
   * and — read as SQL with {@code standard_conforming_strings} on and off — the words of each
   * string constant's value, down {@value #NESTING} levels.
   */
  static Set<String> words(List<Token> tokens) {
    Recent recent = RECENT.get();
    for (int i = 0; i < recent.tokens.length; i++) {
      if (recent.tokens[i] == tokens) {
        return recent.words[i];
      }
    }
    boolean keep = SqlLexer.remembered(tokens); // asked first: lexing the strings' bodies below replaces it
    Set<String> out = new LinkedHashSet<>();
    words(tokens, 0, out);
    Set<String> words = java.util.Collections.unmodifiableSet(out);
    if (keep) {
      recent.tokens[recent.next] = tokens;
      recent.words[recent.next] = words;
      recent.next = (recent.next + 1) % recent.tokens.length;
    }
    return words;
  }

  /**
   * The words of the last token lists {@link SqlLexer#tokenize} returned, by their identity: one
   * statement's text is searched by several checks (the masking rule, statistics reads, masked
   * touches), each in both readings. Only lists the lexer remembers are kept (immutable, one
   * text's), two per thread, so nothing large or changing is held.
   */
  private static final class Recent {
    @SuppressWarnings("unchecked")
    final List<Token>[] tokens = new List[2];
    @SuppressWarnings("unchecked")
    final Set<String>[] words = new Set[2];
    int next;
  }

  private static final ThreadLocal<Recent> RECENT = ThreadLocal.withInitial(Recent::new);

  private static void words(List<Token> tokens, int depth, Set<String> out) {
    for (Token t : tokens) {
      if (t.isName()) {
        out.add(t.text().toLowerCase(Locale.ROOT));
      } else if (t.type() == Token.Type.STRING) {
        Matcher m = WORD_IN_STRING.matcher(t.text());
        while (m.find()) {
          out.add(m.group().toLowerCase(Locale.ROOT));
        }
        if (depth < NESTING) {
          words(SqlLexer.tokenize(t.text(), true), depth + 1, out);
          words(SqlLexer.tokenize(t.text(), false), depth + 1, out);
        }
      }
    }
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
