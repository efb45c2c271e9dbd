package dev.gatehouse.gateway.psql;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * Sees every line before psql does and decides whether psql's backslash meta-commands on it are
 * allowed. SQL itself is judged at the wire by the proxy; what only psql can do — run a shell
 * ({@code \!}, backticks, {@code \g |cmd}), read or write files on the bastion ({@code \i},
 * {@code \o}, {@code \w}, {@code \copy}, {@code \lo_*}), change its environment or directory —
 * must be stopped here, because it never reaches the wire.
 *
 * <p>The guard reads each line with psql's own lexer rules (PostgreSQL 15's {@code psqlscan.l} as
 * psql's {@code MainLoop} drives it, one line at a time without its newline), so that it finds a
 * backslash command exactly where psql would and nowhere else. What psql cannot be relied on to
 * read the same way is refused: a plain {@code :name} variable reference, because psql lexes the
 * variable's value again (a value the server can set, such as {@code :LAST_ERROR_MESSAGE}, could
 * carry a backslash); control characters; unpaired UTF-16 surrogates (sent as {@code ?}).
 *
 * <p>psql lexes {@code '...'} like {@code E'...'} when the session's
 * {@code standard_conforming_strings} is off. The guard is told that setting by a supplier; while
 * the supplier does not know it, the guard follows both readings and refuses a line that is a
 * meta-command under either.
 */
public final class MetaCommandGuard {
  /** What to do with one line. */
  public sealed interface Decision permits Pass, Refuse {}

  /** Send the line to psql; {@code statementComplete} when psql will now run something. */
  public record Pass(boolean statementComplete) implements Decision {}

  public record Refuse(String command, String reason) implements Decision {}

  /** Meta-commands that only read or display (described with their psql names, no backslash). */
  private static final Set<String> ALLOWED = Set.of(
      "l", "l+", "list", "list+", "x", "timing", "conninfo", "?", "h", "help", "q", "quit", "echo", "pset",
      "g", "gx", "dconfig");
  private static final Pattern DESCRIBE = Pattern.compile("d[a-zA-Z]{0,3}[S+]{0,2}");
  private static final Set<String> SAFE_PSET = Set.of(
      "format", "border", "null", "expanded", "x", "tuples_only", "t", "footer", "title", "fieldsep", "recordsep",
      "linestyle", "unicode_border_linestyle", "unicode_column_linestyle", "unicode_header_linestyle", "columns",
      "numericlocale", "csv_fieldsep", "xheader_width");
  /**
   * Arguments of an allowed command: plain words only. psql reads quotes, backticks (a shell),
   * {@code :variables}, {@code |pipes} and a further backslash command in arguments; none of
   * those characters is in this set.
   */
  private static final Pattern SAFE_ARGUMENTS = Pattern.compile("[A-Za-z0-9 \\t_.,+*=-]*");
  /** A line longer than this is refused rather than scanned (psql has no such limit; a human does). */
  static final int MAX_LINE_CHARS = 1 << 20;
  /** Readings followed at once while the setting is unknown; more than this is refused. */
  private static final int MAX_READINGS = 16;

  /** psql's exclusive lexer states ({@code xqs} needs no state of its own: see {@link Lexer}). */
  enum Mode { INITIAL, XB, XH, XQ, XE, XUS, XD, XUI, XC, XDOLQ }

  /**
   * One reading of psql's lexer state between lines: the exclusive state, the dollar-quote tag,
   * comment depth, and what psql keeps to decide whether a semicolon ends the statement
   * (parenthesis depth and its {@code CREATE FUNCTION ... BEGIN} heuristic).
   */
  record LexState(Mode mode, String dollarTag, int commentDepth, int parenDepth, int beginDepth,
      int identifierCount, String identifiers, boolean pendingSql) {
    static final LexState START = new LexState(Mode.INITIAL, null, 0, 0, 0, 0, "\0\0\0\0", false);

    boolean atTopLevel() {
      return mode == Mode.INITIAL;
    }
  }

  private final Supplier<Optional<Boolean>> standardConformingStrings;
  private Set<LexState> readings = Set.of(LexState.START);
  /**
   * False from a line on which psql may run a statement until {@link #psqlCaughtUp()}: psql lexes
   * the next line with the setting as that statement left it (a {@code SET} may change it), and
   * the supplier may not have heard the change yet.
   */
  private boolean settingSettled = true;

  /** A guard that does not know {@code standard_conforming_strings}: it follows both readings. */
  public MetaCommandGuard() {
    this(Optional::empty);
  }

  /**
   * @param standardConformingStrings the session's {@code standard_conforming_strings} as psql
   *     last heard it from the server, empty while unknown; asked once per line
   */
  public MetaCommandGuard(Supplier<Optional<Boolean>> standardConformingStrings) {
    this.standardConformingStrings = standardConformingStrings;
  }

  /** Whether a statement has been started and not yet terminated (for the prompt). */
  public boolean inStatement() {
    return readings.stream().anyMatch(s -> s.pendingSql() || !s.atTopLevel() || s.parenDepth() > 0);
  }

  /**
   * Whether psql's lexer is outside quotes and comments under every reading, so that psql would
   * read a backslash at the start of the next line as a command (the console's {@code \r}).
   */
  public boolean outsideQuotesAndComments() {
    return readings.stream().allMatch(LexState::atTopLevel);
  }

  /**
   * Tells the guard that psql has finished everything it was given (the console saw its sync
   * marker), so the supplier's {@code standard_conforming_strings} is the one psql will use next.
   */
  public void psqlCaughtUp() {
    settingSettled = true;
  }

  /** Forgets an unfinished statement (after psql has done so too, by {@code \r}). */
  public void reset() {
    readings = Set.of(LexState.START);
  }

  /** Judges one input line (without its newline) and advances the lexical state. */
  public Decision line(String line) {
    Refuse unreadable = unreadable(line);
    if (unreadable != null) {
      return unreadable;
    }
    Optional<Boolean> known = settingSettled ? standardConformingStrings.get() : Optional.empty();
    List<Boolean> settings = known.map(List::of).orElse(List.of(true, false));
    Set<LexState> next = new LinkedHashSet<>();
    boolean allComplete = true;
    boolean anyExecuted = false;
    for (LexState from : readings) {
      for (boolean std : settings) {
        Lexer lexer = new Lexer(from, line, std);
        Refuse refused = lexer.scan();
        if (refused != null) {
          return refused;
        }
        next.add(lexer.state());
        allComplete &= lexer.executed && lexer.state().atTopLevel();
        anyExecuted |= lexer.executed;
      }
    }
    if (next.size() > MAX_READINGS) {
      return new Refuse("standard_conforming_strings",
          "the line reads too many ways while standard_conforming_strings is unknown; end open strings first");
    }
    readings = Set.copyOf(next);
    if (anyExecuted) {
      settingSettled = false;
    }
    return new Pass(allComplete);
  }

  private static Refuse unreadable(String line) {
    if (line.length() > MAX_LINE_CHARS) {
      return new Refuse("line length", "lines longer than " + MAX_LINE_CHARS + " characters are not allowed");
    }
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if ((c < 0x20 && c != '\t') || c == 0x7f) { // DEL included: a terminal's erase key
        // psql reads \r and \n inside a line as newlines (which continue strings), the terminal others.
        return new Refuse("control character", "control characters are not allowed in a line");
      }
      if (Character.isHighSurrogate(c) && i + 1 < line.length() && Character.isLowSurrogate(line.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        // Encoded as '?', which psql reads as an operator and not as part of an identifier.
        return new Refuse("invalid character", "the line is not valid Unicode");
      }
    }
    return null;
  }

  private static boolean identStart(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_' || c >= 0x80;
  }

  private static boolean digit(char c) {
    return c >= '0' && c <= '9';
  }

  /** psql's {@code ident_cont}: identifiers go on through digits and dollars ({@code x$a$} is one). */
  private static boolean identCont(char c) {
    return identStart(c) || digit(c) || c == '$';
  }

  /** psql's {@code dolq_cont} and {@code variable_char}: identifier characters without the dollar. */
  private static boolean wordChar(char c) {
    return identStart(c) || digit(c);
  }

  /**
   * psql's lexer over one line, from one starting state and one {@code standard_conforming_strings}.
   *
   * <p>psql's {@code MainLoop} hands the lexer each line without its newline, and the guard refuses
   * {@code \r}, so the lexer never sees a newline: a closing quote's look-ahead for a string
   * continuation ({@code xqs}, which needs a newline) always fails, and {@code xqs} reads as
   * {@code INITIAL}. A {@code --} comment runs to the end of the line.
   */
  private static final class Lexer {
    private final String s;
    private final int n;
    private final boolean std;
    private Mode mode;
    private String tag;
    private int commentDepth;
    private int paren;
    private int begin;
    private int identifierCount;
    private StringBuilder identifiers;
    private boolean pending;
    boolean executed;
    private int i;

    Lexer(LexState from, String line, boolean std) {
      this.s = line;
      this.n = line.length();
      this.std = std;
      this.mode = from.mode();
      this.tag = from.dollarTag();
      this.commentDepth = from.commentDepth();
      this.paren = from.parenDepth();
      this.begin = from.beginDepth();
      this.identifierCount = from.identifierCount();
      this.identifiers = new StringBuilder(from.identifiers());
      this.pending = from.pendingSql();
    }

    LexState state() {
      return new LexState(mode, tag, commentDepth, paren, begin, identifierCount, identifiers.toString(), pending);
    }

    private char at(int k) {
      return k < n ? s.charAt(k) : '\0';
    }

    /** Scans to the end of the line; the refusal, or null when psql would run no forbidden command. */
    Refuse scan() {
      while (i < n) {
        switch (mode) {
          case INITIAL -> {
            Refuse r = initial();
            if (r != null) {
              return r;
            }
          }
          case XQ, XUS -> quoted(false);
          case XE -> quoted(true);
          case XB, XH -> {
            // No doubled quote here: the quote ends the literal and a second one opens a new string.
            if (s.charAt(i) == '\'') {
              mode = Mode.INITIAL;
            }
            i++;
          }
          case XD, XUI -> {
            if (s.charAt(i) == '"') {
              if (at(i + 1) == '"') {
                i++;
              } else {
                mode = Mode.INITIAL;
              }
            }
            i++;
          }
          case XC -> comment();
          case XDOLQ -> {
            int end = s.indexOf(tag, i);
            if (end < 0) {
              i = n;
            } else {
              i = end + tag.length();
              tag = null;
              mode = Mode.INITIAL;
            }
          }
          default -> throw new IllegalStateException(mode.toString());
        }
      }
      return null;
    }

    /** {@code xq}, {@code xus} and {@code xe}: {@code ''} is a quote; in {@code xe} a backslash escapes. */
    private void quoted(boolean escapes) {
      char c = s.charAt(i);
      if (escapes && c == '\\') {
        i += 2; // at the end of the line it escapes nothing: the next line starts afresh
        if (i > n) {
          i = n;
        }
      } else if (c == '\'') {
        if (at(i + 1) == '\'') {
          i += 2;
        } else {
          mode = Mode.INITIAL;
          i++;
        }
      } else {
        i++;
      }
    }

    /** {@code xc}: nested comments; a backslash is text. */
    private void comment() {
      if (s.startsWith("/*", i)) {
        commentDepth++;
        i += 2;
      } else if (s.charAt(i) == '*') {
        int j = i;
        while (j < n && s.charAt(j) == '*') {
          j++;
        }
        if (at(j) == '/') {
          if (commentDepth <= 0) {
            mode = Mode.INITIAL;
          } else {
            commentDepth--;
          }
          j++;
        }
        i = j;
      } else {
        i++;
      }
    }

    private Refuse initial() {
      char c = s.charAt(i);
      char next = at(i + 1);
      if (c == ' ' || c == '\t') {
        i++;
        return null;
      }
      if (c == '-' && next == '-') {
        i = n; // a comment to the end of the line; psql reads a backslash in it as text
        return null;
      }
      if (c == '\\') {
        if (next == ';' || next == ':') {
          // psql puts a literal ';' or ':' into the query buffer: no command, no end of statement.
          if (next == ';') {
            identifierCount = 0;
          }
          pending = true;
          i += 2;
          return null;
        }
        return metaCommand();
      }
      pending = true;
      if (c == '/' && next == '*') {
        mode = Mode.XC;
        commentDepth = 0;
        i += 2;
      } else if (c == '\'') {
        mode = std ? Mode.XQ : Mode.XE;
        i++;
      } else if (c == '"') {
        mode = Mode.XD;
        i++;
      } else if ((c == 'e' || c == 'E') && next == '\'') {
        mode = Mode.XE;
        i += 2;
      } else if ((c == 'b' || c == 'B') && next == '\'') {
        mode = Mode.XB;
        i += 2;
      } else if ((c == 'x' || c == 'X') && next == '\'') {
        mode = Mode.XH;
        i += 2;
      } else if ((c == 'n' || c == 'N') && next == '\'') {
        i++; // only the N: the quote then opens an ordinary string
      } else if ((c == 'u' || c == 'U') && next == '&') {
        char third = at(i + 2);
        if (third == '\'') {
          mode = Mode.XUS;
          i += 3;
        } else if (third == '"') {
          mode = Mode.XUI;
          i += 3;
        } else {
          i++; // psql's xufailed: the U alone, not counted as an identifier
        }
      } else if (c == '$') {
        dollar();
      } else if (identStart(c)) {
        identifier();
      } else if (digit(c) || (c == '.' && digit(next))) {
        number();
      } else if (c == ':') {
        return colon();
      } else if (c == ';') {
        if (paren == 0 && begin == 0) {
          executed = true;
          pending = false;
          identifierCount = 0;
        }
        i++;
      } else if (c == '(') {
        paren++;
        i++;
      } else if (c == ')') {
        if (paren > 0) {
          paren--;
        }
        i++;
      } else {
        // Operators and other single characters. An operator stops where "--" or "/*" begins,
        // and both are checked at every position, so one character at a time reads the same.
        i++;
      }
      return null;
    }

    /** {@code $1} a parameter; {@code $tag$} opens a dollar quote; otherwise the dollar alone. */
    private void dollar() {
      char next = at(i + 1);
      if (digit(next)) {
        int j = i + 1;
        while (j < n && digit(s.charAt(j))) {
          j++;
        }
        i = junk(j); // "$1e" is one token, as numbers are
        return;
      }
      int j = i + 1;
      if (identStart(next)) {
        while (j < n && wordChar(s.charAt(j))) {
          j++;
        }
      }
      if (at(j) == '$') {
        tag = s.substring(i, j + 1);
        mode = Mode.XDOLQ;
        i = j + 1;
      } else {
        i++; // dolqfailed: the dollar alone; what follows is read afresh (as an identifier)
      }
    }

    private void identifier() {
      int j = i + 1;
      while (j < n && identCont(s.charAt(j))) {
        j++;
      }
      String word = s.substring(i, j).toLowerCase(Locale.ROOT);
      i = j;
      // psql's heuristic for CREATE [OR REPLACE] FUNCTION|PROCEDURE ... BEGIN ... END, where a
      // semicolon does not end the statement: the first letters of the first four such words.
      if (identifierCount == 0) {
        identifiers = new StringBuilder("\0\0\0\0");
      }
      if (identifierCount < 4 && List.of("create", "function", "procedure", "or", "replace").contains(word)) {
        identifiers.setCharAt(identifierCount, word.charAt(0));
      }
      identifierCount++;
      char i0 = identifiers.charAt(0);
      char i1 = identifiers.charAt(1);
      char i2 = identifiers.charAt(2);
      char i3 = identifiers.charAt(3);
      if (i0 == 'c' && (i1 == 'f' || i1 == 'p' || (i1 == 'o' && i2 == 'r' && (i3 == 'f' || i3 == 'p')))
          && paren == 0) {
        if (word.equals("begin")) {
          begin++;
        } else if (word.equals("case")) {
          if (begin >= 1) {
            begin++;
          }
        } else if (word.equals("end") && begin > 0) {
          begin--;
        }
      }
    }

    /**
     * PostgreSQL 15's numbers; what matters is where they end. As flex does, the longest of
     * psql's number rules wins, and PostgreSQL 15 has rules for an identifier right after a number
     * ("trailing junk", an error at the server): {@code 1e'} is {@code 1e} and a plain string,
     * {@code 3e5$a$} is {@code 3} and the identifier {@code e5$a$}; {@code 1e-} is one token.
     */
    private void number() {
      int intEnd = i;
      while (intEnd < n && digit(s.charAt(intEnd))) {
        intEnd++;
      }
      boolean isInteger = intEnd > i;
      int longest = isInteger ? junk(intEnd) : -1;
      int consumed = longest;
      int decEnd = -1;
      if (at(intEnd) == '.') {
        if (isInteger && at(intEnd + 1) == '.') {
          // decimalfail "1..": the longest match, but psql gives back the dots
          if (intEnd + 2 > longest) {
            longest = intEnd + 2;
            consumed = intEnd;
          }
        } else {
          decEnd = intEnd + 1;
          while (decEnd < n && digit(s.charAt(decEnd))) {
            decEnd++;
          }
          if (!isInteger && decEnd == intEnd + 1) {
            decEnd = -1; // a lone '.' is no number (the caller saw a digit after it, so not reached)
          }
        }
      }
      if (decEnd >= 0 && junk(decEnd) > longest) {
        longest = junk(decEnd); // decimal, or decimal followed by an identifier
        consumed = longest;
      }
      int mantissaEnd = Math.max(isInteger ? intEnd : -1, decEnd);
      char e = at(mantissaEnd);
      if (mantissaEnd >= 0 && (e == 'e' || e == 'E')) {
        int k = mantissaEnd + 1;
        boolean sign = at(k) == '+' || at(k) == '-';
        if (sign) {
          k++;
        }
        if (digit(at(k))) {
          while (k < n && digit(s.charAt(k))) {
            k++;
          }
          int end = junk(k); // real, or real followed by an identifier
          if (end > longest) {
            longest = end;
            consumed = end;
          }
        } else if (sign && k > longest) {
          longest = k; // realfail: "1e-"
          consumed = k;
        }
      }
      i = consumed;
    }

    /** After a number or parameter ending before {@code j}: an identifier there joins the token. */
    private int junk(int j) {
      if (j < n && identStart(s.charAt(j))) {
        j++;
        while (j < n && identCont(s.charAt(j))) {
          j++;
        }
      }
      return j;
    }

    /** Casts, {@code :=}, and psql's variable references. */
    private Refuse colon() {
      char next = at(i + 1);
      if (next == ':' || next == '=') {
        i += 2;
        return null;
      }
      if (wordChar(next)) {
        int j = i + 1;
        while (j < n && wordChar(s.charAt(j))) {
          j++;
        }
        String ref = s.substring(i, j);
        return new Refuse(ref, "psql variable references such as " + ref
            + " are not allowed here (psql reads a variable's value as input, which can hold a meta-command);"
            + " use :'name' or :\"name\", or write the value out");
      }
      if (next == '\'' || next == '"') {
        // :'name' and :"name" are replaced by a quoted literal or identifier, not lexed again.
        int j = i + 2;
        while (j < n && wordChar(s.charAt(j))) {
          j++;
        }
        if (j > i + 2 && at(j) == next) {
          i = j + 1;
          return null;
        }
      } else if (next == '{' && at(i + 2) == '?') {
        int j = i + 3;
        while (j < n && wordChar(s.charAt(j))) {
          j++;
        }
        if (j > i + 3 && at(j) == '}') {
          i = j + 1; // :{?name} is replaced by TRUE or FALSE
          return null;
        }
      }
      i++; // the colon alone; what follows is read afresh
      return null;
    }

    /**
     * A backslash psql reads as a command. psql takes its name up to white space or the next
     * backslash and its arguments from the rest of the line.
     */
    private Refuse metaCommand() {
      int j = i + 1;
      while (j < n && s.charAt(j) != ' ' && s.charAt(j) != '\t' && s.charAt(j) != '\\') {
        j++;
      }
      String name = s.substring(i + 1, j);
      String word = "\\" + name;
      String args = s.substring(j);
      if (args.indexOf('`') >= 0) {
        return new Refuse(word, "backtick interpolation runs a shell command");
      }
      if (!ALLOWED.contains(name) && !DESCRIBE.matcher(name).matches()) {
        return new Refuse(word, "the psql meta-command " + word + " is not allowed through Gatehouse");
      }
      if (!SAFE_ARGUMENTS.matcher(args).matches()) {
        return new Refuse(word, "arguments of " + word
            + " may hold only letters, digits, spaces and . , _ + - * = (no quotes, variables, pipes or commands)");
      }
      String trimmed = args.strip();
      if ((name.equals("g") || name.equals("gx")) && !trimmed.isEmpty()) {
        return new Refuse(word, word + " with an argument writes to a file or a pipe");
      }
      if (name.equals("pset")) {
        String option = trimmed.isEmpty() ? "" : trimmed.split("[ \\t]+")[0];
        if (!option.isEmpty() && !SAFE_PSET.contains(option)) {
          return new Refuse(word, "\\pset " + option + " is not allowed");
        }
      }
      if ((name.equals("x") || name.equals("timing")) && !trimmed.matches("(?i)(|on|off|auto)")) {
        return new Refuse(word, word + " takes only on, off or auto here");
      }
      if (name.equals("g") || name.equals("gx")) {
        // psql sends the buffer and forgets its parenthesis and BEGIN nesting.
        pending = false;
        paren = 0;
        begin = 0;
        identifierCount = 0;
      }
      executed = true; // psql acts on the line now: the console waits for its output
      i = n; // the arguments take the rest of the line
      return null;
    }
  }
}
