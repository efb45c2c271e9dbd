package dev.gatehouse.policy;

import dev.gatehouse.policy.Token.Type;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A lexer for PostgreSQL's SQL exactly as the server's own scanner ({@code scan.l} of PostgreSQL
 * 15, plus the {@code UESCAPE} look-ahead of its {@code parser.c}) reads it: it decides where
 * statements end and what is a keyword, so that a keyword inside a string, an identifier or a
 * comment is never taken for one, and one outside them is never missed. An approximation is a
 * bypass: a character the server reads as part of a name but a lexer reads as a space decides
 * whether a {@code $a$} that follows opens a quote.
 *
 * <p>The server's rules, as followed here: white space is only space, tab, newline, carriage
 * return, form feed (and vertical tab, which PostgreSQL 16 added; a 15 server rejects it outside
 * strings, so reading it as space never hides anything); every character from U+0080 up is a
 * letter; {@code $} continues a name, so {@code x$a$} is one name and a dollar quote only opens
 * where a token starts; {@code '...'} strings continue across white space holding a newline;
 * {@code B''} and {@code X''} have no {@code ''} escape; a number running into a letter is an
 * error (PostgreSQL 15; older servers split it, newer ones read {@code 0x1F} and {@code 1_000},
 * and both end here as an error, which the judge refuses).
 *
 * <p>Whatever the server would reject while scanning, and whatever this lexer is not sure of
 * (an unterminated string or comment, an invalid escape, a NUL), ends the tokens with an {@link
 * Type#ERROR} token, which the judge never allows.
 *
 * <p>{@code standard_conforming_strings} (on since PostgreSQL 9.1, settable per session) decides
 * whether a backslash escapes in a plain {@code '...'} string, and whether {@code U&'...'} is
 * allowed at all; the caller says which value the server will read the text with.
 */
final class SqlLexer {
  private final String s;
  private final int n;
  private final boolean standardStrings;
  private final boolean splitNumbers;
  private final List<Token> out = new ArrayList<>();
  /** Where each comment between tokens starts, and where it ends (filled by {@link #skipBlanks}). */
  private final java.util.TreeMap<Integer, Integer> comments = new java.util.TreeMap<>();
  private int i;

  private SqlLexer(String s, boolean standardStrings, boolean splitNumbers) {
    this.s = s;
    this.n = s.length();
    this.standardStrings = standardStrings;
    this.splitNumbers = splitNumbers;
  }

  /** The tokens of {@code sql}; comments and white space are dropped. */
  static List<Token> tokenize(String sql, boolean standardConformingStrings) {
    Recent recent = RECENT.get();
    int slot = standardConformingStrings ? 0 : 1;
    String seen = recent.sql[slot];
    if (seen != null && (seen == sql || seen.equals(sql))) {
      return recent.tokens[slot];
    }
    SqlLexer lx = new SqlLexer(sql, standardConformingStrings, false);
    lx.run();
    List<Token> tokens = List.copyOf(lx.out);
    if (sql.length() <= Recent.MAX_CHARS) {
      recent.sql[slot] = sql;
      recent.tokens[slot] = tokens;
    }
    return tokens;
  }

  /**
   * The last text this thread tokenized in each reading, with its tokens. Judging one statement
   * reads it several times (the judge, the masking checks, the row limit's plan, each from the
   * text); the tokens are a pure function of the text and the reading and an immutable list, so
   * the same text gets the same list back instead of being lexed again. One entry per reading and
   * thread, and only for texts up to {@link #MAX_CHARS}: nothing large is kept alive.
   */
  private static final class Recent {
    static final int MAX_CHARS = 16 * 1024;
    final String[] sql = new String[2];
    @SuppressWarnings("unchecked")
    final List<Token>[] tokens = new List[2];
  }

  private static final ThreadLocal<Recent> RECENT = ThreadLocal.withInitial(Recent::new);

  /**
   * Whether {@code tokens} is a list {@link #tokenize} returned and still remembers on this thread:
   * then it is immutable and the tokens of one text, so what is computed from it alone may be
   * remembered by its identity for as long ({@link Mentions#words}).
   */
  static boolean remembered(List<Token> tokens) {
    Recent recent = RECENT.get();
    return tokens == recent.tokens[0] || tokens == recent.tokens[1];
  }

  /**
   * The tokens as a server before PostgreSQL 15 reads them, where a number ends before the letter
   * that follows it ({@code 1or 1=1} is {@code 1 or 1 = 1}); a 15 server refuses such text.
   */
  static List<Token> tokenizeAsBefore15(String sql, boolean standardConformingStrings) {
    SqlLexer lx = new SqlLexer(sql, standardConformingStrings, true);
    lx.run();
    return List.copyOf(lx.out);
  }

  /** Whether the tokens end in the error of a number running into a letter. */
  static boolean endsInNumberJunk(List<Token> tokens) {
    return !tokens.isEmpty() && tokens.get(tokens.size() - 1).type() == Type.ERROR
        && tokens.get(tokens.size() - 1).text().startsWith(TRAILING_JUNK);
  }

  static List<Token> tokenize(String sql) {
    return tokenize(sql, true);
  }

  /**
   * The tokens of {@code sql} with its comments in place, in source order: every character of the
   * text that is not white space between two of these pieces belongs to exactly one of them. A
   * comment is a {@link Type#COMMENT} token whose text is its source. Comments inside a token's
   * extent (between a {@code U&} literal and its {@code UESCAPE}, between the parts of a continued
   * string, after the start of an error) are part of that token.
   */
  static List<Token> tokenizeWithComments(String sql, boolean standardConformingStrings) {
    SqlLexer lx = new SqlLexer(sql, standardConformingStrings, false);
    lx.run();
    List<Token> pieces = new ArrayList<>(lx.out.size() + lx.comments.size());
    int k = 0;
    for (var c : lx.comments.entrySet()) {
      while (k < lx.out.size() && lx.out.get(k).end() <= c.getKey()) {
        pieces.add(lx.out.get(k++));
      }
      if (k < lx.out.size() && lx.out.get(k).start() <= c.getKey()) {
        continue; // inside this token's extent
      }
      pieces.add(new Token(Type.COMMENT, sql.substring(c.getKey(), c.getValue()), c.getKey(), c.getValue()));
    }
    while (k < lx.out.size()) {
      pieces.add(lx.out.get(k++));
    }
    return List.copyOf(pieces);
  }

  /**
   * How a text splits into statements, as the server splits it. {@code doubt}: why the split is
   * not certain, or null; a doubtful text is one "statement" of all its tokens (semicolons
   * included), never pieces, and its consumers refuse it (unclassified, or refused while columns are
   * masked).
   */
  record Split(List<List<Token>> statements, String doubt) {
    boolean certain() {
      return doubt == null;
    }
  }

  /**
   * The statements of a text, split where PostgreSQL 15's grammar splits them: at every {@code ;}
   * except those inside the SQL-standard body of {@code CREATE [OR REPLACE] FUNCTION|PROCEDURE …
   * BEGIN ATOMIC … END}, where {@code ;} ends each statement of the body. Empty statements (only
   * comments or blanks) are dropped. See {@link #split} for where the split is not certain.
   */
  static List<List<Token>> statements(List<Token> tokens) {
    return split(tokens).statements();
  }

  /**
   * The split, with whether it is certain. In the grammar ({@code gram.y}) a {@code ;} appears in
   * two places only: between statements ({@code stmtmulti}) and after each statement of a routine
   * body ({@code BEGIN_P ATOMIC routine_body_stmt_list END_P}, the last part of {@code
   * CreateFunctionStmt}). So outside a statement that starts with {@code CREATE [OR REPLACE]
   * FUNCTION|PROCEDURE} every {@code ;} ends a statement. Inside one, {@code BEGIN ATOMIC} outside
   * parentheses opens the body (nothing else in that statement can be the two words in a row), and
   * the body ends at the first {@code END} that starts a statement of the body — right after
   * {@code ATOMIC} or after a {@code ;}: no statement of a body starts with {@code END} (the
   * grammar allows {@code BEGIN}/{@code END} transaction statements only at the top level, {@code
   * TransactionStmtLegacy}), while an {@code END} elsewhere in it closes a {@code CASE} or is a
   * column label ({@code SELECT 1 end}). psql's own heuristic (counting {@code BEGIN}, {@code CASE}
   * and {@code END}) differs from the server there; this follows the server.
   *
   * <p>Not certain, so the whole text is one doubtful statement: a body that does not end (no
   * {@code END} at a statement's start), a {@code ;} inside parentheses in a body, a body inside a
   * body ({@code BEGIN ATOMIC} again), anything but {@code ;} or the end of the text after the
   * body's {@code END}, and a lexer error inside a body.
   */
  static Split split(List<Token> tokens) {
    List<List<Token>> result = new ArrayList<>();
    int from = 0;
    try {
      while (from < tokens.size()) {
        int end = statementEnd(tokens, from);
        if (end > from) {
          result.add(List.copyOf(tokens.subList(from, end)));
        }
        from = end + 1; // past the ;
      }
    } catch (SplitDoubt d) {
      return new Split(tokens.isEmpty() ? List.of() : List.of(List.copyOf(tokens)), d.getMessage());
    }
    return new Split(List.copyOf(result), null);
  }

  /** Why a text's statement boundaries are not certain. */
  private static final class SplitDoubt extends Exception {
    SplitDoubt(String why) {
      super(why, null, false, false);
    }
  }

  /** The index of the {@code ;} that ends the statement starting at {@code from}, or the size. */
  private static int statementEnd(List<Token> tokens, int from) throws SplitDoubt {
    int i = routineHeaderEnd(tokens, from);
    if (i < 0) {
      return nextSemicolon(tokens, from);
    }
    int depth = 0;
    for (; i < tokens.size(); i++) {
      Token t = tokens.get(i);
      if (t.type() == Type.SEMICOLON) {
        return i; // a routine without a BEGIN ATOMIC body (AS '…', RETURN …)
      } else if (t.type() == Type.LPAREN) {
        depth++;
      } else if (t.type() == Type.RPAREN) {
        depth--;
      } else if (depth == 0 && t.is("begin") && i + 1 < tokens.size() && tokens.get(i + 1).is("atomic")) {
        int end = bodyEnd(tokens, i + 2);
        if (end + 1 < tokens.size() && tokens.get(end + 1).type() != Type.SEMICOLON) {
          throw new SplitDoubt("something follows the END of a BEGIN ATOMIC body");
        }
        return end + 1;
      }
    }
    return tokens.size();
  }

  /** After {@code CREATE [OR REPLACE] FUNCTION|PROCEDURE} at {@code from}: the next index; else -1. */
  private static int routineHeaderEnd(List<Token> tokens, int from) {
    int i = from;
    if (i >= tokens.size() || !tokens.get(i).is("create")) {
      return -1;
    }
    i++;
    if (i + 1 < tokens.size() && tokens.get(i).is("or") && tokens.get(i + 1).is("replace")) {
      i += 2;
    }
    return i < tokens.size() && (tokens.get(i).is("function") || tokens.get(i).is("procedure")) ? i + 1 : -1;
  }

  /** The index of the body's {@code END}, the body's first token at {@code from}. */
  private static int bodyEnd(List<Token> tokens, int from) throws SplitDoubt {
    int i = from;
    while (true) {
      if (i >= tokens.size() || tokens.get(i).type() == Type.ERROR) {
        throw new SplitDoubt("a BEGIN ATOMIC body without its END");
      }
      if (tokens.get(i).is("end")) {
        return i;
      }
      int depth = 0;
      for (; i < tokens.size() && tokens.get(i).type() != Type.SEMICOLON; i++) {
        Token t = tokens.get(i);
        if (t.type() == Type.LPAREN) {
          depth++;
        } else if (t.type() == Type.RPAREN) {
          depth--;
        } else if (t.is("begin") && i + 1 < tokens.size() && tokens.get(i + 1).is("atomic")) {
          throw new SplitDoubt("a BEGIN ATOMIC body inside a BEGIN ATOMIC body");
        }
      }
      if (depth != 0) {
        throw new SplitDoubt("a ; inside parentheses in a BEGIN ATOMIC body");
      }
      i++; // past the ; that ends this statement of the body
    }
  }

  private static int nextSemicolon(List<Token> tokens, int from) {
    for (int i = from; i < tokens.size(); i++) {
      if (tokens.get(i).type() == Type.SEMICOLON) {
        return i;
      }
    }
    return tokens.size();
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
    return render(tokens, false, false);
  }

  /**
   * The statement with literals replaced by {@code ?}, names folded, blanks and comments gone:
   * statements that differ only in their constants share it. The one literal that decides a
   * verdict, the setting name in {@code set_config('role', ...)}, is kept.
   */
  static String fingerprint(List<Token> tokens) {
    return render(tokens, true, false);
  }

  /**
   * As {@link #fingerprint}, but a number that may be a position keeps its text: in {@code ORDER
   * BY 2}, {@code GROUP BY 2}, {@code DISTINCT ON (2)} (also parenthesized, {@code ORDER BY (2)},
   * and in a list, {@code GROUP BY ROLLUP (1, 2)}) the number picks an output column, so two
   * statements differing only there may read different columns. Kept: every number right after
   * {@code BY}, {@code (} or {@code ,} — more than the positions (function arguments, VALUES), never
   * fewer.
   */
  static String fingerprintKeepingPositions(List<Token> tokens) {
    return render(tokens, true, true);
  }

  private static boolean mayBePosition(List<Token> tokens, int k) {
    if (k == 0) {
      return false;
    }
    Token before = tokens.get(k - 1);
    return before.is("by") || before.type() == Type.LPAREN || before.type() == Type.COMMA;
  }

  private static String render(List<Token> tokens, boolean abstractLiterals, boolean keepPositions) {
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
        case NUMBER -> b.append(abstractLiterals && !(keepPositions && mayBePosition(tokens, k)) ? "?" : t.text());
        case IDENT -> b.append('"').append(t.text().replace("\"", "\"\"")).append('"');
        // A name with $ or characters from U+0080 (never a keyword) goes quoted: the parser might
        // read a Unicode space in it as a blank, where the server reads one name.
        case WORD -> b.append(isPlainWord(t.text()) ? t.text() : '"' + t.text() + '"');
        default -> b.append(t.text());
      }
      prev = t;
    }
    return b.toString();
  }

  private static boolean isPlainWord(String w) {
    for (int k = 0; k < w.length(); k++) {
      char c = w.charAt(k);
      if (!((c >= 'a' && c <= 'z') || c == '_' || (k > 0 && c >= '0' && c <= '9'))) {
        return false;
      }
    }
    return true;
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

  /**
   * Whether the text reads into the same tokens (kind, extent and value) under both values of
   * {@code standard_conforming_strings}.
   */
  static boolean readsTheSameEitherWay(List<Token> standard, List<Token> escaped) {
    if (standard.size() != escaped.size()) {
      return false;
    }
    for (int k = 0; k < standard.size(); k++) {
      if (!standard.get(k).equals(escaped.get(k))) {
        return false;
      }
    }
    return true;
  }

  // ---- the scanner ------------------------------------------------------------------------------

  /** What the server refuses while scanning; ends the tokens with an ERROR token. */
  private static final class ScanError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    ScanError(String message) {
      super(message, null, false, false);
    }
  }

  /** The kinds of quoted string, as scan.l's start states name them. */
  private enum Quoting {
    /** {@code xq}: {@code ''} is a quote, a backslash is a backslash. */
    PLAIN,
    /** {@code xe}: {@code ''} and backslash escapes. */
    ESCAPED,
    /** {@code xb}, {@code xh}: the first quote ends it; the contents are checked later. */
    BITS,
    /** {@code xus}: as plain; the escapes are decoded after the whole literal is read. */
    UNICODE
  }

  private static final String TRAILING_JUNK = "trailing junk after";

  /** PostgreSQL's NAMEDATALEN - 1: longer names are cut to this many bytes. */
  private static final int MAX_NAME_BYTES = 63;

  private void run() {
    int nul = s.indexOf('\0');
    if (nul >= 0) {
      // The wire protocol cannot carry it: whatever reads this text stops or fails there.
      error("a NUL character at offset " + nul, 0);
      return;
    }
    while (true) {
      int tokenStart = i;
      try {
        skipBlanks();
        if (i >= n) {
          return;
        }
        tokenStart = i;
        token();
      } catch (ScanError e) {
        error(e.getMessage(), tokenStart);
        return;
      }
    }
  }

  /** Skips white space and comments; an unterminated block comment is an error. */
  private void skipBlanks() {
    while (i < n) {
      char c = s.charAt(i);
      if (isSpace(c)) {
        i++;
      } else if (c == '-' && at(i + 1) == '-') {
        int st = i;
        i = endOfLine(i);
        comments.put(st, i);
      } else if (c == '/' && at(i + 1) == '*') {
        int st = i;
        blockComment();
        comments.put(st, i);
      } else {
        return;
      }
    }
  }

  /** The end of the {@code --} comment starting at {@code k}: before the newline or CR. */
  private int endOfLine(int k) {
    while (k < n && !isNewline(s.charAt(k))) {
      k++;
    }
    return k;
  }

  private void blockComment() {
    int st = i;
    int depth = 0;
    while (i < n) {
      if (s.charAt(i) == '/' && at(i + 1) == '*') {
        depth++;
        i += 2;
      } else if (s.charAt(i) == '*' && at(i + 1) == '/') {
        depth--;
        i += 2;
        if (depth == 0) {
          return;
        }
      } else {
        i++;
      }
    }
    i = st;
    throw new ScanError("unterminated /* comment");
  }

  private void token() {
    char c = s.charAt(i);
    char c1 = at(i + 1);
    if (c == '\'') {
      int st = i; // quoted() moves i: the start must be taken first
      add(Type.STRING, quoted(st, st, standardStrings ? Quoting.PLAIN : Quoting.ESCAPED), st);
    } else if (c == '"') {
      quotedIdentifier(i, i, false);
    } else if ((c == 'b' || c == 'B' || c == 'x' || c == 'X') && c1 == '\'') {
      int st = i;
      add(Type.STRING, quoted(st, st + 1, Quoting.BITS), st);
    } else if ((c == 'e' || c == 'E') && c1 == '\'') {
      int st = i;
      add(Type.STRING, quoted(st, st + 1, Quoting.ESCAPED), st);
    } else if ((c == 'n' || c == 'N') && c1 == '\'') {
      // NCHAR and then an ordinary string: it follows standard_conforming_strings too
      int st = i;
      add(Type.STRING, quoted(st, st + 1, standardStrings ? Quoting.PLAIN : Quoting.ESCAPED), st);
    } else if ((c == 'u' || c == 'U') && c1 == '&' && at(i + 2) == '\'') {
      unicodeString();
    } else if ((c == 'u' || c == 'U') && c1 == '&' && at(i + 2) == '"') {
      quotedIdentifier(i, i + 2, true);
    } else if (c == '$') {
      dollar();
    } else if (isDigit(c) || (c == '.' && isDigit(c1))) {
      number();
    } else if (isIdentStart(c)) {
      word();
    } else {
      punctuation(c, c1);
    }
  }

  private char at(int k) {
    return k < n ? s.charAt(k) : '\0';
  }

  private void single(Type type) {
    i++;
    add(type, s.substring(i - 1, i), i - 1);
  }

  /** A token from {@code start} up to the current position. */
  private void add(Type type, String text, int start) {
    out.add(new Token(type, text, start, i));
  }

  private void error(String what, int start) {
    i = n;
    out.add(new Token(Type.ERROR, what, start, n));
  }

  /**
   * A string's value, from the quote at {@code quote}; the token starts at {@code start} (before
   * a prefix such as {@code E}). Two literals separated only by white space that holds a newline
   * are one ({@code 'a'\n'b'} is {@code 'ab'}), read in the same way.
   */
  private String quoted(int start, int quote, Quoting quoting) {
    StringBuilder v = new StringBuilder();
    ByteArrayOutputStream bytes = quoting == Quoting.ESCAPED ? new ByteArrayOutputStream() : null;
    i = quote + 1;
    while (true) {
      if (i >= n) {
        i = start;
        throw new ScanError(
            quoting != Quoting.BITS
                ? "unterminated quoted string"
                : (s.charAt(start) == 'b' || s.charAt(start) == 'B')
                    ? "unterminated bit string literal"
                    : "unterminated hexadecimal string literal");
      }
      char c = s.charAt(i);
      if (c == '\'') {
        if (quoting != Quoting.BITS && at(i + 1) == '\'') {
          v.append('\'');
          i += 2;
          continue;
        }
        int next = continuation(i + 1);
        if (next < 0) {
          i++;
          break;
        }
        i = next + 1;
      } else if (c == '\\' && quoting == Quoting.ESCAPED) {
        escape(v, bytes);
      } else {
        v.append(c);
        i++;
      }
    }
    if (bytes == null) {
      return v.toString();
    }
    flush(v, bytes);
    return utf8(bytes.toByteArray());
  }

  /**
   * Where the next literal's opening quote is if {@code k} (just after a closing quote) starts
   * scan.l's {@code whitespace_with_newline} followed by a quote; else -1. Only blanks and
   * {@code --} comments count, and one newline at least; a block comment ends the literal.
   */
  private int continuation(int k) {
    while (k < n && (isHorizontalSpace(s.charAt(k)) || (s.charAt(k) == '-' && at(k + 1) == '-'))) {
      k = s.charAt(k) == '-' ? endOfLine(k) : k + 1;
    }
    if (k >= n || !isNewline(s.charAt(k))) {
      return -1;
    }
    k++;
    while (k < n) {
      char c = s.charAt(k);
      if (isSpace(c)) {
        k++;
      } else if (c == '-' && at(k + 1) == '-') {
        k = endOfLine(k);
        if (k >= n) {
          return -1;
        }
      } else {
        break;
      }
    }
    return k < n && s.charAt(k) == '\'' ? k : -1;
  }

  /** One backslash escape of an {@code E''} string, at {@code i}. */
  private void escape(StringBuilder v, ByteArrayOutputStream bytes) {
    if (i + 1 >= n) {
      throw new ScanError("unterminated quoted string");
    }
    char e = s.charAt(i + 1);
    if (e == 'u' || e == 'U') {
      int cp = unicodeEscapeAt(i);
      if (Character.isHighSurrogate((char) cp) && cp <= 0xFFFF) {
        int low = at(i) == '\\' && (at(i + 1) == 'u' || at(i + 1) == 'U') ? unicodeEscapeAt(i) : -1;
        if (low < 0 || low > 0xFFFF || !Character.isLowSurrogate((char) low)) {
          throw new ScanError("invalid Unicode surrogate pair");
        }
        cp = Character.toCodePoint((char) cp, (char) low);
      } else if (cp <= 0xFFFF && Character.isLowSurrogate((char) cp)) {
        throw new ScanError("invalid Unicode surrogate pair");
      }
      if (!validCodePoint(cp)) {
        throw new ScanError("invalid Unicode escape value");
      }
      v.appendCodePoint(cp);
    } else if (e >= '0' && e <= '7') {
      int k = i + 1;
      int value = 0;
      while (k < n && k < i + 4 && s.charAt(k) >= '0' && s.charAt(k) <= '7') {
        value = value * 8 + (s.charAt(k) - '0');
        k++;
      }
      flush(v, bytes);
      bytes.write(value & 0xff);
      i = k;
    } else if (e == 'x' && isHex(at(i + 2))) {
      int k = i + 2;
      while (k < n && k < i + 4 && isHex(s.charAt(k))) {
        k++;
      }
      flush(v, bytes);
      bytes.write(Integer.parseInt(s.substring(i + 2, k), 16));
      i = k;
    } else {
      v.append(
          switch (e) {
            case 'b' -> '\b';
            case 'f' -> '\f';
            case 'n' -> '\n';
            case 'r' -> '\r';
            case 't' -> '\t';
            default -> e;
          });
      i += 2;
    }
  }

  /** The code point of {@code \\uXXXX} or {@code \\UXXXXXXXX} at {@code k}; moves past it. */
  private int unicodeEscapeAt(int k) {
    int len = s.charAt(k + 1) == 'u' ? 4 : 8;
    if (k + 2 + len > n || !allHex(k + 2, k + 2 + len)) {
      throw new ScanError("invalid Unicode escape");
    }
    long cp = Long.parseLong(s.substring(k + 2, k + 2 + len), 16);
    i = k + 2 + len;
    return cp > Integer.MAX_VALUE ? -1 : (int) cp;
  }

  private static boolean validCodePoint(int cp) {
    return cp > 0 && cp <= Character.MAX_CODE_POINT;
  }

  private static void flush(StringBuilder v, ByteArrayOutputStream bytes) {
    byte[] b = v.toString().getBytes(StandardCharsets.UTF_8);
    bytes.write(b, 0, b.length);
    v.setLength(0);
  }

  /** The server checks bytes made by escapes: they must be UTF-8 (the gateway's encoding) and no NUL. */
  private static String utf8(byte[] bytes) {
    try {
      String v = StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
      if (v.indexOf('\0') >= 0) {
        throw new ScanError("invalid byte sequence for encoding \"UTF8\": 0x00");
      }
      return v;
    } catch (CharacterCodingException e) {
      throw new ScanError("invalid byte sequence for encoding \"UTF8\"");
    }
  }

  /** {@code U&'...'}, refused by the server while {@code standard_conforming_strings} is off. */
  private void unicodeString() {
    int st = i;
    if (!standardStrings) {
      throw new ScanError("unsafe use of string constant with Unicode escapes");
    }
    String raw = quoted(st, st + 2, Quoting.UNICODE);
    char esc = uescape(st);
    add(Type.STRING, unicodeEscapes(raw, esc), st);
  }

  /** A quoted identifier from the quote at {@code quote}; {@code unicode}: {@code U&"..."}. */
  private void quotedIdentifier(int start, int quote, boolean unicode) {
    StringBuilder v = new StringBuilder();
    i = quote + 1;
    while (true) {
      if (i >= n) {
        i = start;
        throw new ScanError("unterminated quoted identifier");
      }
      char c = s.charAt(i);
      if (c == '"') {
        if (at(i + 1) == '"') {
          v.append('"');
          i += 2;
          continue;
        }
        i++;
        break;
      }
      v.append(c);
      i++;
    }
    if (v.length() == 0) {
      throw new ScanError("zero-length delimited identifier");
    }
    String name = unicode ? unicodeEscapes(v.toString(), uescape(start)) : v.toString();
    add(Type.IDENT, truncateName(name), start);
  }

  /**
   * The escape character of the {@code U&} literal just read: the one {@code UESCAPE 'c'} names
   * (consumed here, as the server's parser does), else a backslash.
   */
  private char uescape(int literalStart) {
    int save = i;
    skipBlanks();
    int e = i;
    while (e < n && isIdentCont(s.charAt(e))) {
      e++;
    }
    if (e - i != 7 || !s.regionMatches(true, i, "uescape", 0, 7)) {
      i = save;
      return '\\';
    }
    i = e;
    skipBlanks();
    char c = at(i);
    boolean simpleString = c == '\'' || c == '$' || ((c == 'e' || c == 'E') && at(i + 1) == '\'');
    int before = out.size();
    if (i < n && simpleString) {
      token();
    }
    if (out.size() != before + 1 || out.get(before).type() != Type.STRING) {
      // what was read after UESCAPE is part of the error, not a token before it
      out.subList(before, out.size()).clear();
      throw new ScanError("UESCAPE must be followed by a simple string literal");
    }
    String esc = out.remove(before).text();
    if (esc.length() != 1 || !validEscapeCharacter(esc.charAt(0))) {
      throw new ScanError("invalid Unicode escape character");
    }
    return esc.charAt(0);
  }

  private static boolean validEscapeCharacter(char c) {
    return c < 0x80 && !isHex(c) && c != '+' && c != '\'' && c != '"' && !isSpace(c);
  }

  /** Decodes {@code U&} escapes as the server's parser does; anything it refuses is an error. */
  static String unicodeEscapes(String v, char esc) {
    StringBuilder b = new StringBuilder();
    int high = -1;
    for (int k = 0; k < v.length(); ) {
      char c = v.charAt(k);
      int cp;
      if (c != esc) {
        if (high >= 0) {
          throw new ScanError("invalid Unicode surrogate pair");
        }
        b.append(c);
        k++;
        continue;
      }
      if (k + 1 < v.length() && v.charAt(k + 1) == esc) {
        if (high >= 0) {
          throw new ScanError("invalid Unicode surrogate pair");
        }
        b.append(esc);
        k += 2;
        continue;
      } else if (k + 5 <= v.length() && allHex(v, k + 1, k + 5)) {
        cp = Integer.parseInt(v.substring(k + 1, k + 5), 16);
        k += 5;
      } else if (k + 8 <= v.length() && v.charAt(k + 1) == '+' && allHex(v, k + 2, k + 8)) {
        cp = Integer.parseInt(v.substring(k + 2, k + 8), 16);
        k += 8;
      } else {
        throw new ScanError("invalid Unicode escape");
      }
      if (!validCodePoint(cp)) {
        throw new ScanError("invalid Unicode escape value");
      }
      boolean isHigh = cp >= 0xD800 && cp <= 0xDBFF;
      boolean isLow = cp >= 0xDC00 && cp <= 0xDFFF;
      if (high >= 0) {
        if (!isLow) {
          throw new ScanError("invalid Unicode surrogate pair");
        }
        b.appendCodePoint(Character.toCodePoint((char) high, (char) cp));
        high = -1;
      } else if (isLow) {
        throw new ScanError("invalid Unicode surrogate pair");
      } else if (isHigh) {
        high = cp;
      } else {
        b.appendCodePoint(cp);
      }
    }
    if (high >= 0) {
      throw new ScanError("invalid Unicode surrogate pair");
    }
    return b.toString();
  }

  /**
   * At a {@code $}: a parameter ({@code $1}), a dollar quote ({@code $$}, {@code $tag$}: the tag
   * is a name without {@code $}; the body ends at the first copy of the tag), or a lone {@code $}.
   */
  private void dollar() {
    int st = i;
    if (isDigit(at(i + 1))) {
      int e = i + 1;
      while (e < n && isDigit(s.charAt(e))) {
        e++;
      }
      if (e < n && isIdentStart(s.charAt(e)) && !splitNumbers) {
        throw new ScanError(TRAILING_JUNK + " parameter");
      }
      i = e;
      add(Type.PARAM, s.substring(st, i), st);
      return;
    }
    int e = i + 1;
    if (e < n && isIdentStart(s.charAt(e))) {
      e++;
      while (e < n && isIdentCont(s.charAt(e)) && s.charAt(e) != '$') {
        e++;
      }
    }
    if (e < n && s.charAt(e) == '$') {
      String tag = s.substring(st, e + 1);
      int close = s.indexOf(tag, e + 1);
      if (close < 0) {
        throw new ScanError("unterminated dollar-quoted string " + tag);
      }
      i = close + tag.length();
      add(Type.STRING, s.substring(e + 1, close), st);
      return;
    }
    single(Type.OP); // the server returns the $ alone and scans the rest again
  }

  /**
   * A number as PostgreSQL 15 reads it: digits, a fraction, an exponent; a letter right after
   * one is an error ("trailing junk"), and so is an {@code e} without exponent digits, even
   * {@code 1e+}.
   */
  private void number() {
    int st = i;
    digits();
    if (at(i) == '.' && at(i + 1) != '.') {
      i++;
      digits();
    }
    if (at(i) == 'e' || at(i) == 'E') {
      char sign = at(i + 1);
      if (isDigit(sign)) {
        i++;
        digits();
        // scan.l's {integer_junk}/{decimal_junk} is the number before the e followed by a whole
        // identifier, and flex takes the longest match: e3 and a $ after it are one identifier,
        // so 1e3$ is junk (1e+3$ is not: the sign ends it).
        if (at(i) == '$' && !splitNumbers) {
          throw new ScanError(TRAILING_JUNK + " numeric literal");
        }
      } else if ((sign == '+' || sign == '-') && isDigit(at(i + 2))) {
        i += 2;
        digits();
      } else if (!splitNumbers) {
        throw new ScanError(TRAILING_JUNK + " numeric literal"); // {realfail}, and 1e is junk too
      }
    }
    if (i < n && isIdentStart(s.charAt(i)) && !splitNumbers) {
      throw new ScanError(TRAILING_JUNK + " numeric literal");
    }
    add(Type.NUMBER, s.substring(st, i), st);
  }

  private void digits() {
    while (i < n && isDigit(s.charAt(i))) {
      i++;
    }
  }

  private void word() {
    int st = i;
    while (i < n && isIdentCont(s.charAt(i))) {
      i++;
    }
    add(Type.WORD, truncateName(asciiLower(s.substring(st, i))), st);
  }

  private void punctuation(char c, char c1) {
    switch (c) {
      case '(' -> single(Type.LPAREN);
      case ')' -> single(Type.RPAREN);
      case ',' -> single(Type.COMMA);
      case ';' -> single(Type.SEMICOLON);
      case '.' -> {
        if (c1 == '.') {
          i += 2;
          add(Type.OP, "..", i - 2);
        } else {
          single(Type.DOT);
        }
      }
      case ':' -> {
        if (c1 == ':' || c1 == '=') {
          i += 2;
          add(Type.OP, s.substring(i - 2, i), i - 2);
        } else {
          single(Type.OP);
        }
      }
      default -> {
        if (isOpChar(c)) {
          operator();
        } else {
          single(Type.OP); // scan.l's {other}: a character of its own, which the grammar refuses
        }
      }
    }
  }

  /**
   * scan.l's operator rule: the longest run of operator characters, cut before a {@code /*} or
   * {@code --} inside it (a comment starts there), and without a trailing {@code +} or {@code -}
   * unless the run holds one of {@code ~!@#^&|`?%}.
   */
  private void operator() {
    int st = i;
    int e = i;
    while (e < n && isOpChar(s.charAt(e))) {
      e++;
    }
    int len = e - st;
    for (int k = st + 1; k + 1 < e; k++) {
      char a = s.charAt(k);
      char b = s.charAt(k + 1);
      if ((a == '/' && b == '*') || (a == '-' && b == '-')) {
        len = k - st;
        break;
      }
    }
    while (len > 1 && (s.charAt(st + len - 1) == '+' || s.charAt(st + len - 1) == '-')) {
      boolean unusual = false;
      for (int k = st; k < st + len - 1; k++) {
        unusual |= "~!@#^&|`?%".indexOf(s.charAt(k)) >= 0;
      }
      if (unusual) {
        break;
      }
      len--;
    }
    if (len > MAX_NAME_BYTES) {
      throw new ScanError("operator too long");
    }
    i = st + len;
    add(Type.OP, s.substring(st, i), st);
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

  /** Names are cut to 63 bytes of UTF-8, never inside a character, as the server cuts them. */
  static String truncateName(String name) {
    int bytes = 0;
    for (int k = 0; k < name.length(); ) {
      int cp = name.codePointAt(k);
      bytes += cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
      if (bytes > MAX_NAME_BYTES) {
        return name.substring(0, k);
      }
      k += Character.charCount(cp);
    }
    return name;
  }

  /** scan.l's {@code space}; nothing else (no-break space, em space, BOM…) separates tokens. */
  private static boolean isSpace(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\u000B';
  }

  private static boolean isHorizontalSpace(char c) {
    return c == ' ' || c == '\t' || c == '\f';
  }

  private static boolean isNewline(char c) {
    return c == '\n' || c == '\r';
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  private static boolean isHex(int c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
  }

  private boolean allHex(int from, int to) {
    return allHex(s, from, to);
  }

  private static boolean allHex(String v, int from, int to) {
    for (int k = from; k < to; k++) {
      if (!isHex(v.charAt(k))) {
        return false;
      }
    }
    return true;
  }

  /** scan.l's {@code ident_start}: every character from U+0080 up is a letter. */
  private static boolean isIdentStart(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c >= 0x80;
  }

  /** scan.l's {@code ident_cont}: with digits and {@code $}. */
  private static boolean isIdentCont(char c) {
    return isIdentStart(c) || isDigit(c) || c == '$';
  }

  private static boolean isOpChar(char c) {
    return "~!@#^&|`?+-*/%<>=".indexOf(c) >= 0;
  }
}
