package dev.gatehouse.policy.shell;

import java.util.ArrayList;
import java.util.List;

/**
 * bash's brace expansion, read as bash's {@code braces.c} reads a word ({@code brace_expand},
 * {@code brace_gobbler}, {@code expand_amble}, {@code expand_seqterm}, {@code mkseq}): the first
 * unquoted {@code {} that has a matching {@code }} (nesting counted) with an unquoted comma or
 * {@code ..} at its own level is expanded; its text is split at its top-level commas (an inner
 * {@code {x}} or {@code {}} stays literal text in its alternative: {@code {a,{x}}} is {@code a {x}})
 * or, with no comma at all, read as a sequence {@code {a..b[..n]}} (zero-padded, letters by byte
 * value, kept literal when bash's sequence would overflow); each alternative and the text after
 * the {@code }} are expanded the same way.
 *
 * <p>Two readings: {@link #ofSource} reads a word as written (quotes, backslashes, {@code ${…}},
 * {@code $(…)} as bash does) and makes the words as written (quote removal not done); {@link
 * #ofValue} reads a value with every character literal. Null when not exactly known: more than
 * {@link PathPatterns#MAX_WORDS} words, nesting past {@link #MAX_DEPTH}, more work than {@link
 * #MAX_STEPS}, or a command substitution this reader does not skip exactly.
 */
final class BraceExpansion {
  private BraceExpansion() {}

  /** Brace levels (inner braces and the text after a brace, each a call in bash) read at most. */
  static final int MAX_DEPTH = 64;
  /** Characters scanned and copied at most for one word (bash's search restarts after each unmatched brace). */
  static final int MAX_STEPS = 1 << 20;

  /** The words bash's brace expansion makes of the word {@code source} as written; null when not exactly known. */
  static List<String> ofSource(String source) {
    return run(source, true);
  }

  /** The words brace expansion makes of {@code value} with every character literal; null when not exactly known. */
  static List<String> ofValue(String value) {
    return run(value, false);
  }

  private static List<String> run(String text, boolean quoting) {
    if (text.indexOf('{') < 0) {
      return List.of(text);
    }
    try {
      return new BraceExpansion.Reader(quoting).expand(text, 0);
    } catch (NotKnown e) {
      return null;
    }
  }

  /** Thrown when the words are not exactly known here. */
  private static final class NotKnown extends Exception {
    NotKnown() {
      super(null, null, false, false);
    }
  }

  private static final class Reader {
    private final boolean quoting;
    private long steps;

    Reader(boolean quoting) {
      this.quoting = quoting;
    }

    private void spend(long n) throws NotKnown {
      steps += n;
      if (steps > MAX_STEPS) {
        throw new NotKnown();
      }
    }

    /** brace_expand: preamble, the first valid brace's alternatives, the expanded rest. */
    List<String> expand(String text, int depth) throws NotKnown {
      if (depth > MAX_DEPTH) {
        throw new NotKnown();
      }
      int open = -1;
      int close = -1;
      for (int from = 0; from < text.length(); ) {
        int at = gobble(text, from, '{');
        if (at < 0) {
          break;
        }
        int end = gobble(text, at + 1, '}');
        if (end >= 0) {
          open = at;
          close = end;
          break;
        }
        from = at + 1; // no valid close: bash looks for the next open brace
      }
      if (open < 0) {
        return List.of(text);
      }
      String amble = text.substring(open + 1, close);
      List<String> tack;
      if (!hasComma(amble)) {
        tack = sequence(amble);
        if (tack == null) {
          if (close + 1 == text.length()) {
            return List.of(text);
          }
          tack = List.of(text.substring(open, close + 1)); // kept literal; the rest may still expand
        }
      } else {
        tack = alternatives(amble, depth);
      }
      List<String> out = concat(List.of(text.substring(0, open)), tack);
      String post = text.substring(close + 1);
      return post.isEmpty() ? out : concat(out, expand(post, depth + 1));
    }

    /** expand_amble: split at top-level unquoted commas, each part expanded. */
    private List<String> alternatives(String amble, int depth) throws NotKnown {
      List<String> out = new ArrayList<>();
      int start = 0;
      while (true) {
        int comma = gobble(amble, start, ',');
        int end = comma < 0 ? amble.length() : comma;
        out.addAll(expand(amble.substring(start, end), depth + 1));
        if (out.size() > PathPatterns.MAX_WORDS) {
          throw new NotKnown();
        }
        if (comma < 0) {
          return out;
        }
        start = comma + 1;
      }
    }

    /** Whether the text holds a comma not after a backslash (bash's test before a sequence: quotes not looked at). */
    private boolean hasComma(String amble) {
      for (int i = 0; i < amble.length(); i++) {
        char c = amble.charAt(i);
        if (c == '\\' && quoting) {
          i++;
        } else if (c == ',') {
          return true;
        }
      }
      return false;
    }

    /**
     * brace_gobbler: the index of the first {@code satisfy} from {@code from} at nesting level 0,
     * unquoted; for {@code }}, only once a top-level comma or {@code ..} (not just before a
     * {@code }}) was seen; -1 when there is none. An open brace at the start or after a blank and
     * before a blank, the end or a {@code }} is skipped (bash's {@code { x} and {@code {}}).
     */
    private int gobble(String text, int from, char satisfy) throws NotKnown {
      int level = 0;
      char quoted = 0;
      int commas = satisfy == '}' ? 0 : 1;
      int n = text.length();
      int i = from;
      while (i < n) {
        char c = text.charAt(i);
        if (quoting) {
          if (c == '\\' && (quoted == 0 || quoted == '"' || quoted == '`')) {
            i += 2;
            continue;
          }
          if (c == '$' && next(text, i) == '{' && quoted != '\'') {
            // ${…} is read like \{…}: its brace is skipped and counts as a level outside quotes
            i += 2;
            if (quoted == 0) {
              level++;
            }
            continue;
          }
          if (quoted != 0) {
            if (c == quoted) {
              quoted = 0;
            } else if (quoted == '"' && c == '$' && next(text, i) == '(') {
              i = substitutionEnd(text, i) + 1;
              continue;
            }
            i++;
            continue;
          }
          if (c == '"' || c == '\'' || c == '`') {
            quoted = c;
            i++;
            continue;
          }
          if ((c == '$' || c == '<' || c == '>') && next(text, i) == '(') {
            i = substitutionEnd(text, i) + 1;
            continue;
          }
        }
        if (c == satisfy && level == 0 && commas > 0) {
          if (c == '{' && ignoredOpen(text, i)) {
            i++;
            continue;
          }
          spend(i - from);
          return i;
        }
        if (c == '{') {
          level++;
        } else if (c == '}' && level > 0) {
          level--;
        } else if (satisfy == '}' && level == 0
            && (c == ',' || c == '.' && next(text, i) == '.' && (i + 2 >= n || text.charAt(i + 2) != '}'))) {
          commas++;
        }
        i++;
      }
      spend(n - from);
      return -1;
    }

    /**
     * bash skips an open brace with a blank or the start before it and a blank, the end or
     * {@code }} after it. In a value a blank was quoted (bash saw the quote or backslash beside
     * the brace, not a blank), so there only the start with a {@code }} or the end after counts.
     */
    private boolean ignoredOpen(String text, int i) {
      boolean before = i == 0 || quoting && blank(text.charAt(i - 1));
      char after = next(text, i);
      return before && (after == 0 || after == '}' || quoting && blank(after));
    }

    /**
     * Where the command substitution {@code $(} (or {@code <(}, {@code >(}) opened at {@code at}
     * ends: its closing parenthesis, nesting counted, parentheses inside quotes, after a backslash
     * or inside backquotes not counted (as bash's parser pairs them: {@code ${HOME:-$(getent passwd
     * "$USER")}}). One with a comment or {@code case} (where a parenthesis may not pair) is not
     * read here.
     */
    private int substitutionEnd(String text, int at) throws NotKnown {
      int depth = 0;
      int n = text.length();
      for (int i = at + 1; i < n; i++) {
        char c = text.charAt(i);
        if (c == '(') {
          depth++;
        } else if (c == ')' && --depth == 0) {
          spend(i - at);
          if (text.substring(at, i).contains("case")) {
            throw new NotKnown();
          }
          return i;
        } else if (c == '\\') {
          i++;
        } else if (c == '\'') {
          i = text.indexOf('\'', i + 1);
          if (i < 0) {
            throw new NotKnown();
          }
        } else if (c == '`') {
          i = backquoteEnd(text, i);
        } else if (c == '"') {
          i = doubleQuoteEnd(text, i);
        } else if (c == '#') {
          throw new NotKnown();
        }
      }
      throw new NotKnown();
    }

    /** The closing {@code "} of the double-quoted string opened at {@code at}: escapes, {@code $(…)} and backquotes inside skipped. */
    private int doubleQuoteEnd(String text, int at) throws NotKnown {
      for (int i = at + 1; i < text.length(); i++) {
        char c = text.charAt(i);
        if (c == '\\') {
          i++;
        } else if (c == '"') {
          return i;
        } else if (c == '$' && next(text, i) == '(') {
          i = substitutionEnd(text, i);
        } else if (c == '`') {
          i = backquoteEnd(text, i);
        }
      }
      throw new NotKnown();
    }

    /** The closing backquote of the one opened at {@code at} (a backslash escapes the next character). */
    private int backquoteEnd(String text, int at) throws NotKnown {
      for (int i = at + 1; i < text.length(); i++) {
        char c = text.charAt(i);
        if (c == '\\') {
          i++;
        } else if (c == '`') {
          return i;
        }
      }
      throw new NotKnown();
    }

    /** array_concat: each word of {@code left} followed by each of {@code right}. */
    private List<String> concat(List<String> left, List<String> right) throws NotKnown {
      if ((long) left.size() * right.size() > PathPatterns.MAX_WORDS) {
        throw new NotKnown();
      }
      List<String> out = new ArrayList<>(left.size() * right.size());
      for (String l : left) {
        for (String r : right) {
          spend(l.length() + r.length());
          out.add(l + r);
        }
      }
      return out;
    }
  }

  private static boolean blank(char c) {
    return c == ' ' || c == '\t' || c == '\n';
  }

  private static char next(String text, int i) {
    return i + 1 < text.length() ? text.charAt(i + 1) : 0;
  }

  /**
   * expand_seqterm: {@code a..b} or {@code a..b..n}, both ends integers (zero-padded to the wider
   * end when either is written with a leading zero) or both one ASCII letter (every byte value
   * between, so {@code a..Z} makes {@code [ \ ] ^ _ `} too); null when it is not one, or bash's
   * sequence would overflow (bash then keeps the braces literal). Not known when it makes a
   * {@code \} or {@code `}: bash reads the made character as an escape or a command substitution.
   */
  static List<String> sequence(String amble) throws NotKnown {
    int dots = amble.indexOf("..");
    if (dots <= 0 || dots + 2 >= amble.length()) {
      return null;
    }
    String lhs = amble.substring(0, dots);
    String rhs = amble.substring(dots + 2);
    Long lhsNumber = legalNumber(lhs);
    boolean lhsLetter = lhsNumber == null && lhs.length() == 1 && asciiLetter(lhs.charAt(0));
    if (lhsNumber == null && !lhsLetter) {
      return null;
    }
    int end; // where the rhs term ends in rhs
    long to;
    if (digit(rhs, 0) || (rhs.charAt(0) == '+' || rhs.charAt(0) == '-') && digit(rhs, 1)) {
      if (lhsLetter) {
        return null;
      }
      end = integerEnd(rhs, 0);
      Long v = parse(rhs.substring(0, end));
      if (v == null || end < rhs.length() && rhs.charAt(end) != '.') {
        return null;
      }
      to = v;
    } else if (asciiLetter(rhs.charAt(0)) && (rhs.length() == 1 || rhs.charAt(1) == '.')) {
      if (!lhsLetter) {
        return null;
      }
      end = 1;
      to = rhs.charAt(0);
    } else {
      return null;
    }
    long incr = 1;
    if (end < rhs.length()) {
      // "..n": strtoimax after the dots (leading blanks and a sign allowed), nothing after it
      if (!rhs.startsWith("..", end) || end + 2 >= rhs.length()) {
        return null;
      }
      String step = rhs.substring(end + 2);
      int s = 0;
      while (s < step.length() && strtoBlank(step.charAt(s))) {
        s++;
      }
      int stepEnd = integerEnd(step, s);
      Long v = stepEnd == s || !digit(step, stepEnd - 1) ? null : parse(step.substring(s, stepEnd));
      if (v == null || stepEnd != step.length()) {
        return null;
      }
      incr = v;
    }
    if (lhsLetter) {
      return mkseq(lhs.charAt(0), to, incr, true, 0);
    }
    int lhsLength = lhs.length();
    int rhsLength = end;
    int width = 0;
    boolean padded = false;
    if (lhsLength > 1 && lhs.charAt(0) == '0' || lhsLength > 2 && lhs.startsWith("-0")) {
      width = lhsLength;
      padded = true;
    }
    if ((rhsLength > 1 && rhs.charAt(0) == '0' || rhsLength > 2 && rhs.startsWith("-0")) && width < rhsLength) {
      width = rhsLength;
      padded = true;
    }
    if (padded) {
      width = Math.max(width, Math.max(lhsLength, rhsLength));
    }
    return mkseq(lhsNumber, to, incr, false, padded ? width : 0);
  }

  /** mkseq: the terms, or null where bash's own checks fail (the braces are then literal). */
  private static List<String> mkseq(long start, long end, long incr, boolean letters, int width) throws NotKnown {
    if (incr == 0) {
      incr = 1;
    }
    if (start > end && incr > 0) {
      incr = -incr;
    } else if (start < end && incr < 0) {
      if (incr == Long.MIN_VALUE) {
        return null;
      }
      incr = -incr;
    }
    long diff;
    try {
      diff = Math.subtractExact(end, start);
    } catch (ArithmeticException e) {
      return null;
    }
    if (diff < Long.MIN_VALUE + 3 || diff > Long.MAX_VALUE - 2) {
      return null;
    }
    long span = Math.abs(diff);
    long absIncr = incr == Long.MIN_VALUE ? Long.MAX_VALUE : Math.abs(incr);
    if (span / absIncr > Integer.MAX_VALUE - 3) {
      return null;
    }
    if (span / absIncr + 1 > PathPatterns.MAX_WORDS) {
      throw new NotKnown();
    }
    List<String> out = new ArrayList<>();
    long n = start;
    while (true) {
      if (letters) {
        if (n == '\\' || n == '`') {
          // bash reads a made \\ as an escape of what follows and a made ` as a command substitution
          throw new NotKnown();
        }
        out.add(String.valueOf((char) n));
      } else if (width > 0) {
        out.add(String.format("%0" + width + "d", (int) n)); // bash prints an int here
      } else {
        out.add(Long.toString(n));
      }
      long following;
      try {
        following = Math.addExact(n, incr);
      } catch (ArithmeticException e) {
        break;
      }
      n = following;
      if (incr < 0 && n < end || incr > 0 && n > end) {
        break;
      }
    }
    return out;
  }

  /** legal_number: strtoimax over the whole text (leading and trailing blanks allowed); null when not one. */
  private static Long legalNumber(String s) {
    int i = 0;
    while (i < s.length() && strtoBlank(s.charAt(i))) {
      i++;
    }
    int end = integerEnd(s, i);
    if (end == i || !digit(s, end - 1)) {
      return null;
    }
    Long v = parse(s.substring(i, end));
    int j = end;
    while (j < s.length() && (s.charAt(j) == ' ' || s.charAt(j) == '\t')) {
      j++;
    }
    return v != null && j == s.length() ? v : null;
  }

  /** The end of an optional sign and the decimal digits after it from {@code i}. */
  private static int integerEnd(String s, int i) {
    int j = i;
    if (j < s.length() && (s.charAt(j) == '+' || s.charAt(j) == '-')) {
      j++;
    }
    while (digit(s, j)) {
      j++;
    }
    return j;
  }

  /** A signed decimal integer; null when it overflows (strtoimax's ERANGE) or has no digit. */
  private static Long parse(String s) {
    try {
      return Long.parseLong(s.startsWith("+") ? s.substring(1) : s);
    } catch (NumberFormatException e) {
      return null;
    }
  }

  private static boolean digit(String s, int i) {
    return i >= 0 && i < s.length() && s.charAt(i) >= '0' && s.charAt(i) <= '9';
  }

  private static boolean asciiLetter(char c) {
    return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z';
  }

  /** isspace in the C locale, as strtoimax skips it. */
  private static boolean strtoBlank(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\u000b' || c == '\f' || c == '\r';
  }
}
