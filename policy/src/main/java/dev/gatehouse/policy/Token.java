package dev.gatehouse.policy;

/**
 * One lexical token of PostgreSQL SQL.
 *
 * @param text for {@link Type#WORD} the word folded to ASCII lower case (as PostgreSQL folds
 *     unquoted names); for {@link Type#IDENT} the quoted identifier's name; for {@link Type#STRING}
 *     the literal's value; otherwise the source text
 * @param start offset of the first character in the source
 * @param end offset after the last character
 */
record Token(Type type, String text, int start, int end) {
  enum Type {
    /** An unquoted name or keyword. */
    WORD,
    /** A {@code "quoted"} or {@code U&"quoted"} identifier: never a keyword. */
    IDENT,
    /** Any string constant: {@code '...'}, {@code E'...'}, {@code $tag$...$tag$}, B, X, N, U&. */
    STRING,
    NUMBER,
    /** {@code $1}. */
    PARAM,
    /** An operator, {@code ::}, or other punctuation. */
    OP,
    LPAREN,
    RPAREN,
    COMMA,
    SEMICOLON,
    DOT,
    /**
     * A {@code --} or {@code /* *}{@code /} comment, only from {@link SqlLexer#tokenizeWithComments}
     * (every other reading drops comments).
     */
    COMMENT,
    /**
     * What the server's scanner refuses, or this lexer is not sure of (an unterminated string or
     * comment, an invalid escape, a NUL): the text cannot be understood. Always the last token.
     */
    ERROR
  }

  boolean is(String word) {
    return type == Type.WORD && text.equals(word);
  }

  boolean isName() {
    return type == Type.WORD || type == Type.IDENT;
  }
}
