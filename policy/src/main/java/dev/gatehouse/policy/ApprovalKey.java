package dev.gatehouse.policy;

import dev.gatehouse.policy.Token.Type;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * What an approval of a SQL text is bound to: the text as PostgreSQL's scanner reads it, with
 * only the white space between tokens left out. Two texts have the same key when they read into
 * the same sequence of tokens and comments, each compared by kind and by its exact source text —
 * keywords and names as written (case kept), string literals, quoted identifiers and
 * dollar-quoted bodies character for character, every comment character for character. Runs of
 * white space between pieces may differ (but for a vertical tab, which PostgreSQL 15 refuses and 16
 * reads as a blank: a run holding one is kept as written), and trailing semicolons may be left
 * out; nothing else.
 *
 * <p>Folding white space in a cleaned-up copy of the text is not the same: the newline that ends
 * a {@code --} comment is white space, and folding it turns {@code id = 7 -- note OR id > 0} (a
 * one-row delete) and {@code id = 7 -- note}, newline, {@code OR id > 0} (a delete of every row)
 * into one text. Here the first has a comment holding {@code OR id > 0} and the second has three
 * more tokens: different keys.
 *
 * <p>{@code standard_conforming_strings} decides where a {@code '...'} string with a backslash
 * ends. When the text reads the same either way the key does not depend on it; otherwise the key
 * names the value the server reads it with ({@code unknown} — both readings — when the session's
 * value is not known), so an approval given for one reading never covers the other.
 *
 * <p>Whatever the lexer cannot read (an unterminated string, an invalid escape, number junk, a NUL)
 * ends in an error token whose source runs to the end of the text: from there on, the texts must
 * agree character for character.
 */
public final class ApprovalKey {
  /** Marks the key's format; a key in another format (an older store's) never equals one of these. */
  static final String FORMAT = "sql1:";
  private static final char VERTICAL_TAB = 0x0B;

  private ApprovalKey() {}

  /** The key of {@code sql} read with {@code reading}; a SHA-256 in hex after {@value #FORMAT}. */
  public static String of(String sql, StandardConformingStrings reading) {
    List<Token> on = SqlLexer.tokenizeWithComments(sql, true);
    List<Token> off = SqlLexer.tokenizeWithComments(sql, false);
    StringBuilder b = new StringBuilder(sql.length() + 64);
    if (samePieces(sql, on, off)) {
      b.append("either\n");
      append(b, sql, on);
    } else if (reading == StandardConformingStrings.ON) {
      b.append("on\n");
      append(b, sql, on);
    } else if (reading == StandardConformingStrings.OFF) {
      b.append("off\n");
      append(b, sql, off);
    } else {
      b.append("unknown\n");
      append(b, sql, on);
      b.append("\n");
      append(b, sql, off);
    }
    return FORMAT + sha256(b.toString());
  }

  /**
   * Each piece as its kind, the length of its source and the source itself (length-prefixed, so
   * no two sequences encode alike); trailing semicolons are left out. White space between pieces
   * is left out too, unless it holds a vertical tab: a blank from PostgreSQL 16 on, but an error
   * to 15, so such a gap is kept as written.
   */
  private static void append(StringBuilder b, String sql, List<Token> pieces) {
    int last = pieces.size();
    while (last > 0 && pieces.get(last - 1).type() == Type.SEMICOLON) {
      last--;
    }
    int gapStart = 0;
    for (int k = 0; k < last; k++) {
      Token t = pieces.get(k);
      gap(b, sql, gapStart, t.start());
      String source = sql.substring(t.start(), t.end());
      b.append(t.type().ordinal()).append(',').append(source.length()).append(':').append(source);
      gapStart = t.end();
    }
    gap(b, sql, gapStart, sql.length()); // the trailing semicolons and blanks; kept only with a vertical tab
  }

  private static void gap(StringBuilder b, String sql, int from, int to) {
    if (sql.substring(from, to).indexOf(VERTICAL_TAB) >= 0) {
      b.append("gap,").append(to - from).append(':').append(sql, from, to);
    }
  }

  private static boolean samePieces(String sql, List<Token> a, List<Token> b) {
    if (a.size() != b.size()) {
      return false;
    }
    for (int k = 0; k < a.size(); k++) {
      Token x = a.get(k);
      Token y = b.get(k);
      if (x.type() != y.type() || x.start() != y.start() || x.end() != y.end() || !x.text().equals(y.text())) {
        return false;
      }
    }
    return true;
  }

  /** Over the UTF-16 code units, so that no two strings (not even with lone surrogates) hash alike. */
  private static String sha256(String s) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      byte[] units = new byte[s.length() * 2];
      for (int k = 0; k < s.length(); k++) {
        units[2 * k] = (byte) (s.charAt(k) >> 8);
        units[2 * k + 1] = (byte) s.charAt(k);
      }
      return HexFormat.of().formatHex(md.digest(units));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
