package dev.gatehouse.policy;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The SQL policy's lexer ({@link SqlLexer}, PostgreSQL's scan.l) for readers outside this package
 * that only need to know which statements a text holds and their words: the shell guard's reading
 * of {@code psql -c}. Fails closed: null for a text the server's scanner refuses or this lexer is
 * not sure of, and for an escape string or a Unicode-escaped string or name ({@code E'…'}, {@code
 * U&'…'}, {@code U&"…"}), whose words a reader of tokens alone should not trust.
 */
public final class SqlTokens {
  private SqlTokens() {}

  /** What a token is; {@link #PUNCT} covers operators and punctuation other than the semicolon. */
  public enum Kind { WORD, NAME, STRING, NUMBER, PARAM, PUNCT, SEMICOLON }

  /**
   * One token: for {@link Kind#WORD} the word folded to ASCII lower case, for {@link Kind#NAME} the
   * quoted name, for {@link Kind#PUNCT} its source; empty for strings, numbers and parameters.
   */
  public record Tok(Kind kind, String text) {}

  /** The tokens of {@code sql} (comments dropped), or null as above. */
  public static List<Tok> read(String sql, boolean standardConformingStrings) {
    List<Tok> out = new ArrayList<>();
    for (Token t : SqlLexer.tokenize(sql, standardConformingStrings)) {
      String source = sql.substring(t.start(), t.end()).toLowerCase(Locale.ROOT);
      Tok tok = switch (t.type()) {
        case ERROR -> null;
        case WORD -> new Tok(Kind.WORD, t.text());
        case IDENT -> source.startsWith("u&") ? null : new Tok(Kind.NAME, t.text());
        case STRING -> source.startsWith("e'") || source.startsWith("u&") ? null : new Tok(Kind.STRING, "");
        case NUMBER -> new Tok(Kind.NUMBER, "");
        case PARAM -> new Tok(Kind.PARAM, "");
        case SEMICOLON -> new Tok(Kind.SEMICOLON, ";");
        case COMMENT -> new Tok(Kind.PUNCT, ""); // not produced by tokenize
        default -> new Tok(Kind.PUNCT, sql.substring(t.start(), t.end()));
      };
      if (tok == null) {
        return null;
      }
      if (t.type() != Token.Type.COMMENT) {
        out.add(tok);
      }
    }
    return out;
  }
}
