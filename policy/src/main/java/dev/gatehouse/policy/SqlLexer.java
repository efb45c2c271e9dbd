package dev.gatehouse.policy;

import dev.gatehouse.policy.Token.Type;
import java.util.ArrayList;
import java.util.List;

/**
 * A lexer for PostgreSQL's SQL as the server reads it: {@code '...'} with {@code ''}, {@code
 * E'...'} with backslash escapes, {@code $tag$...$tag$}, {@code "quoted"} and {@code U&"..."}
 * identifiers, {@code --} and nested {@code /* /* *}{@code /} comments. It decides where statements
 * end and what is a keyword, so that a keyword inside a string, an identifier or a comment is never
 * taken for one, and one outside them is never missed.
 *
 * <p>{@code standard_conforming_strings} (on since PostgreSQL 9.1, settable per session) decides
 * whether a backslash escapes in a plain {@code '...'} string; the judge lexes both ways when it
 * matters (see {@link Token#backslash()}).
 */
final class SqlLexer {
  private final String s;
  private final boolean standardStrings;
  private final List<Token> out = new ArrayList<>();
  private int i;

  private SqlLexer(String s, boolean standardStrings) {
    this.s = s;
    this.standardStrings = standardStrings;
  }

  /** The tokens of {@code sql}; comments and white space are dropped. */
  static List<Token> tokenize(String sql, boolean standardConformingStrings) {
    SqlLexer lx = new SqlLexer(sql, standardConformingStrings);
    lx.run();
    return lx.out;
  }

  static List<Token> tokenize(String sql) {
    return tokenize(sql, true);
  }

  /** Splits at every {@code ;} token; empty statements (only comments or blanks) are dropped. */
  static List<List<Token>> statements(List<Token> tokens) {
    List<List<Token>> result = new ArrayList<>();
    List<Token> cur = new ArrayList<>();
    for (Token t : tokens) {
      if (t.type() == Type.SEMICOLON) {
        if (!cur.isEmpty()) {
          result.add(List.copyOf(cur));
        }
        cur.clear();
      } else {
        cur.add(t);
      }
    }
    if (!cur.isEmpty()) {
      result.add(List.copyOf(cur));
    }
    return result;
  }

  /** The statement's text in the source, from its first token to its last. */
  static String source(String sql, List<Token> statement) {
    return sql.substring(statement.get(0).start(), statement.get(statement.size() - 1).end());
  }

  /**
   * The statement rebuilt from its tokens, for the parser: comments gone, every string in the
   * plain {@code '...'} form, every quoted identifier re-quoted. The parser thus reads exactly the
   * tokens this lexer read, whatever its own idea of E-strings or nested comments.
   */
  static String canonical(List<Token> tokens) {
    return render(tokens, false);
  }

  /**
   * The statement with literals replaced by {@code ?}, names folded, blanks and comments gone:
   * statements that differ only in their constants share it. The one literal that decides a
   * verdict, the setting name in {@code set_config('role', ...)}, is kept.
   */
  static String fingerprint(List<Token> tokens) {
    return render(tokens, true);
  }

  private static String render(List<Token> tokens, boolean abstractLiterals) {
    StringBuilder b = new StringBuilder();
    Token prev = null;
    for (int k = 0; k < tokens.size(); k++) {
      Token t = tokens.get(k);
      if (prev != null && spaceBetween(prev, t)) {
        b.append(' ');
      }
      switch (t.type()) {
        case STRING -> {
          if (abstractLiterals && !isSetConfigName(tokens, k)) {
            b.append('?');
          } else {
            String v = abstractLiterals ? t.text().toLowerCase(java.util.Locale.ROOT) : t.text();
            b.append('\'').append(v.replace("'", "''")).append('\'');
          }
        }
        case NUMBER -> b.append(abstractLiterals ? "?" : t.text());
        case IDENT -> b.append('"').append(t.text().replace("\"", "\"\"")).append('"');
        default -> b.append(t.text());
      }
      prev = t;
    }
    return b.toString();
  }

  private static boolean spaceBetween(Token a, Token b) {
    if (a.type() == Type.DOT || b.type() == Type.DOT) {
      return false;
    }
    if (b.type() == Type.LPAREN && a.isName()) {
      return false;
    }
    return true;
  }

  /** Whether the string at {@code k} is the first argument of {@code set_config(}. */
  static boolean isSetConfigName(List<Token> tokens, int k) {
    return k >= 2
        && tokens.get(k - 1).type() == Type.LPAREN
        && tokens.get(k - 2).isName()
        && tokens.get(k - 2).text().equalsIgnoreCase("set_config");
  }

  /** Whether lexing with {@code standard_conforming_strings} off could read this differently. */
  static boolean dependsOnStandardStrings(List<Token> tokens) {
    for (Token t : tokens) {
      if (t.backslash()) {
        return true;
      }
    }
    return false;
  }

  // ---------------------------------------------------------------------------------------------

  private void run() {
    int n = s.length();
    while (i < n) {
      char c = s.charAt(i);
      if (Character.isWhitespace(c)) {
        i++;
      } else if (c == '-' && peek(1) == '-') {
        while (i < n && s.charAt(i) != '\n' && s.charAt(i) != '\r') {
          i++;
        }
      } else if (c == '/' && peek(1) == '*') {
        if (!blockComment()) {
          return;
        }
      } else if (c == '\'') {
        quoted(i, i, !standardStrings);
      } else if (c == '"') {
        identifier(i, i, false);
      } else if (c == '$' && isDigit(peek(1))) {
        int st = i;
        i++;
        while (i < n && isDigit(s.charAt(i))) {
          i++;
        }
        add(Type.PARAM, s.substring(st, i), st, false);
      } else if (c == '$' && dollarTag(i) > 0) {
        if (!dollarString()) {
          return;
        }
      } else if (isIdentStart(c)) {
        word();
      } else if (isDigit(c) || (c == '.' && isDigit(peek(1)))) {
        number();
      } else if (c == '(') {
        single(Type.LPAREN);
      } else if (c == ')') {
        single(Type.RPAREN);
      } else if (c == ',') {
        single(Type.COMMA);
      } else if (c == ';') {
        single(Type.SEMICOLON);
      } else if (c == '.') {
        single(Type.DOT);
      } else if (c == ':' && peek(1) == ':') {
        add(Type.OP, "::", i, false);
        i += 2;
      } else if (isOpChar(c)) {
        int st = i;
        while (i < n && isOpChar(s.charAt(i))) {
          if (i > st && ((s.charAt(i) == '-' && peek(1) == '-') || (s.charAt(i) == '/' && peek(1) == '*'))) {
            break;
          }
          i++;
        }
        add(Type.OP, s.substring(st, i), st, false);
      } else {
        single(Type.OP);
      }
      if (!out.isEmpty() && out.get(out.size() - 1).type() == Type.ERROR) {
        return;
      }
    }
  }

  private char peek(int ahead) {
    int k = i + ahead;
    return k < s.length() ? s.charAt(k) : '\0';
  }

  private void single(Type type) {
    add(type, String.valueOf(s.charAt(i)), i, false);
    i++;
  }

  private void add(Type type, String text, int start, boolean backslash) {
    out.add(new Token(type, text, start, i > start ? i : start + text.length(), backslash));
  }

  private void error(String what, int start) {
    i = s.length();
    out.add(new Token(Type.ERROR, what, start, s.length(), false));
  }

  private boolean blockComment() {
    int st = i;
    int depth = 0;
    int n = s.length();
    while (i < n) {
      if (s.charAt(i) == '/' && peek(1) == '*') {
        depth++;
        i += 2;
      } else if (s.charAt(i) == '*' && peek(1) == '/') {
        depth--;
        i += 2;
        if (depth == 0) {
          return true;
        }
      } else {
        i++;
      }
    }
    error("unterminated /* comment", st);
    return false;
  }

  /**
   * A string from the quote at {@code quote}; the token starts at {@code start} (before a prefix
   * such as {@code E}). {@code escapes}: a backslash escapes the next character.
   */
  private void quoted(int start, int quote, boolean escapes) {
    StringBuilder v = new StringBuilder();
    boolean backslash = false;
    int n = s.length();
    i = quote + 1;
    while (i < n) {
      char c = s.charAt(i);
      if (c == '\'') {
        if (peek(1) == '\'') {
          v.append('\'');
          i += 2;
          continue;
        }
        i++;
        add(Type.STRING, v.toString(), start, backslash && !escapes);
        return;
      }
      if (c == '\\') {
        backslash = true;
        if (escapes) {
          i++;
          if (i >= n) {
            break;
          }
          i = unescape(v, i);
          continue;
        }
      }
      v.append(c);
      i++;
    }
    error("unterminated quoted string", start);
  }

  /** Decodes the escape whose first character (after the backslash) is at {@code k}. */
  private int unescape(StringBuilder v, int k) {
    char c = s.charAt(k);
    switch (c) {
      case 'b' -> v.append('\b');
      case 'f' -> v.append('\f');
      case 'n' -> v.append('\n');
      case 'r' -> v.append('\r');
      case 't' -> v.append('\t');
      case 'x' -> {
        int e = k + 1;
        while (e < s.length() && e < k + 3 && isHex(s.charAt(e))) {
          e++;
        }
        if (e == k + 1) {
          v.append('x');
          return k + 1;
        }
        v.append((char) Integer.parseInt(s.substring(k + 1, e), 16));
        return e;
      }
      case 'u', 'U' -> {
        int len = c == 'u' ? 4 : 8;
        if (k + len < s.length() && s.substring(k + 1, k + 1 + len).chars().allMatch(SqlLexer::isHex)) {
          v.appendCodePoint(codePoint(s.substring(k + 1, k + 1 + len)));
          return k + 1 + len;
        }
        v.append(c);
      }
      default -> {
        if (c >= '0' && c <= '7') {
          int e = k;
          while (e < s.length() && e < k + 3 && s.charAt(e) >= '0' && s.charAt(e) <= '7') {
            e++;
          }
          v.append((char) (Integer.parseInt(s.substring(k, e), 8) & 0xff));
          return e;
        }
        v.append(c);
      }
    }
    return k + 1;
  }

  private static int codePoint(String hex) {
    long cp = Long.parseLong(hex, 16);
    return cp > Character.MAX_CODE_POINT ? 0xFFFD : (int) cp;
  }

  /** A quoted identifier from the quote at {@code quote}; {@code unicode}: {@code U&"..."}. */
  private void identifier(int start, int quote, boolean unicode) {
    StringBuilder v = new StringBuilder();
    int n = s.length();
    i = quote + 1;
    while (i < n) {
      char c = s.charAt(i);
      if (c == '"') {
        if (peek(1) == '"') {
          v.append('"');
          i += 2;
          continue;
        }
        i++;
        String name = unicode ? unicodeEscapes(v.toString(), uescape()) : v.toString();
        add(Type.IDENT, name, start, false);
        return;
      }
      v.append(c);
      i++;
    }
    error("unterminated quoted identifier", start);
  }

  /** {@code UESCAPE 'c'} after a U& literal: consumed here; returns the escape character. */
  private char uescape() {
    int k = i;
    while (k < s.length() && Character.isWhitespace(s.charAt(k))) {
      k++;
    }
    if (s.regionMatches(true, k, "uescape", 0, 7)) {
      int q = k + 7;
      while (q < s.length() && Character.isWhitespace(s.charAt(q))) {
        q++;
      }
      if (q + 2 < s.length() && s.charAt(q) == '\'' && s.charAt(q + 2) == '\'') {
        i = q + 3;
        return s.charAt(q + 1);
      }
    }
    return '\\';
  }

  static String unicodeEscapes(String v, char esc) {
    StringBuilder b = new StringBuilder();
    for (int k = 0; k < v.length(); k++) {
      char c = v.charAt(k);
      if (c != esc) {
        b.append(c);
      } else if (k + 1 < v.length() && v.charAt(k + 1) == esc) {
        b.append(esc);
        k++;
      } else if (k + 7 < v.length() && v.charAt(k + 1) == '+' && v.substring(k + 2, k + 8).chars().allMatch(SqlLexer::isHex)) {
        b.appendCodePoint(codePoint(v.substring(k + 2, k + 8)));
        k += 7;
      } else if (k + 4 < v.length() && v.substring(k + 1, k + 5).chars().allMatch(SqlLexer::isHex)) {
        b.appendCodePoint(codePoint(v.substring(k + 1, k + 5)));
        k += 4;
      } else {
        b.append(c);
      }
    }
    return b.toString();
  }

  /** Length of a dollar-quote tag ({@code $$}, {@code $body$}) at {@code k}, or 0. */
  private int dollarTag(int k) {
    int e = k + 1;
    if (e < s.length() && isIdentStart(s.charAt(e))) {
      e++;
      while (e < s.length() && isIdentPart(s.charAt(e)) && s.charAt(e) != '$') {
        e++;
      }
    }
    return e < s.length() && s.charAt(e) == '$' ? e - k + 1 : 0;
  }

  private boolean dollarString() {
    int st = i;
    int len = dollarTag(i);
    String tag = s.substring(i, i + len);
    int end = s.indexOf(tag, i + len);
    if (end < 0) {
      error("unterminated dollar-quoted string " + tag, st);
      return false;
    }
    String value = s.substring(i + len, end);
    i = end + len;
    add(Type.STRING, value, st, false);
    return true;
  }

  private void word() {
    int st = i;
    char c = s.charAt(i);
    char next = peek(1);
    if (next == '\'' && "eEbBxXnN".indexOf(c) >= 0) {
      quoted(st, i + 1, c == 'e' || c == 'E' || !standardStrings && (c == 'n' || c == 'N'));
      return;
    }
    if ((c == 'u' || c == 'U') && next == '&' && (peek(2) == '\'' || peek(2) == '"')) {
      if (peek(2) == '"') {
        identifier(st, i + 2, true);
      } else {
        quoted(st, i + 2, false);
        Token t = out.remove(out.size() - 1);
        if (t.type() == Type.ERROR) {
          out.add(t);
          return;
        }
        out.add(new Token(Type.STRING, unicodeEscapes(t.text(), uescape()), st, i, false));
      }
      return;
    }
    while (i < s.length() && isIdentPart(s.charAt(i))) {
      i++;
    }
    add(Type.WORD, asciiLower(s.substring(st, i)), st, false);
  }

  /**
   * A number as PostgreSQL 14 reads it: letters after the digits start the next token (so {@code
   * 1or 1=1} is {@code 1 or 1 = 1}, as an old server executes it; newer ones refuse it), except the
   * exponent and the {@code 0x}/{@code 0o}/{@code 0b} prefixes and {@code _} separators of 16.
   */
  private void number() {
    int st = i;
    int n = s.length();
    if (s.charAt(i) == '0' && "xXoObB".indexOf(peek(1)) >= 0 && isHex(peek(2))) {
      i += 2;
      while (i < n && (isHex(s.charAt(i)) || s.charAt(i) == '_')) {
        i++;
      }
      add(Type.NUMBER, s.substring(st, i), st, false);
      return;
    }
    digits();
    if (i < n && s.charAt(i) == '.' && peek(1) != '.') {
      i++;
      digits();
    }
    if (i < n && (s.charAt(i) == 'e' || s.charAt(i) == 'E')
        && (isDigit(peek(1)) || ((peek(1) == '+' || peek(1) == '-') && isDigit(peek(2))))) {
      i += 2;
      digits();
    }
    add(Type.NUMBER, s.substring(st, i), st, false);
  }

  private void digits() {
    while (i < s.length() && (isDigit(s.charAt(i)) || (s.charAt(i) == '_' && isDigit(peek(1))))) {
      i++;
    }
  }

  /** PostgreSQL folds unquoted names to lower case in ASCII only; so does this. */
  static String asciiLower(String w) {
    StringBuilder b = null;
    for (int k = 0; k < w.length(); k++) {
      char c = w.charAt(k);
      if (c >= 'A' && c <= 'Z') {
        if (b == null) {
          b = new StringBuilder(w);
        }
        b.setCharAt(k, (char) (c + 32));
      }
    }
    return b == null ? w : b.toString();
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  private static boolean isHex(int c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
  }

  private static boolean isIdentStart(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c >= 0x80;
  }

  private static boolean isIdentPart(char c) {
    return isIdentStart(c) || isDigit(c) || c == '$';
  }

  private static boolean isOpChar(char c) {
    return "+-*/<>=~!@#%^&|`?".indexOf(c) >= 0;
  }
}
