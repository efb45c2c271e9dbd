package dev.gatehouse.recorder;

/**
 * Text that came from a user — statements, reasons, comments, identities, target output — made
 * safe to show to a person: every character that a terminal or a browser would act on, or that
 * would not be seen, is shown as an escape instead. The one definition of which characters those
 * are, used by every place that shows such text (the CLI, {@code ssh approvals@}, the audit log's
 * and the API's JSON, webhooks, recording markers; the web pages' {@code visible()} follows the
 * same table, and a test holds the two equal).
 *
 * <p>Shown escaped ({@link #hidden}): C0 controls, DEL and C1 controls (ESC, BEL, CR, BS, CSI...:
 * they move the cursor, erase, set titles and the clipboard); bidirectional embeddings, overrides
 * and isolates, which reorder what is displayed; zero-width and other invisible format characters;
 * line and paragraph separators; every space but U+0020 (PostgreSQL reads U+2003 or U+00A0 as part
 * of a name, so a name with an em space in it looks like two names); fillers that render as nothing;
 * variation selectors and tag characters; lone surrogates and noncharacters. The table is explicit
 * code point ranges, not Unicode categories, so it does not move with the JVM's Unicode version.
 * Combining marks that stack on one character are shown as themselves two in a row at most (as
 * Vietnamese needs); the rest of a longer run is escaped, for a tower of them drawn over the lines
 * above and below hides those lines.
 *
 * <p>The escapes: {@code \n}, {@code \r}, {@code \t}; {@code \xHH} for the other characters up to
 * U+007F; <code>&#92;u{HHHH}</code> above. A backslash in the text is shown as itself, so a statement's
 * {@code E'\n'} reads as written; the structure a reader relies on never depends on that: in
 * {@link #lines} every line end is a real line break. The JSON form of the same text is exact.
 */
public final class VisibleText {
  /** Inclusive ranges of code points shown escaped, in order. */
  private static final int[][] HIDDEN = {
    {0x0000, 0x001F}, // C0 controls
    {0x007F, 0x009F}, // DEL, C1 controls
    {0x00A0, 0x00A0}, // no-break space
    {0x00AD, 0x00AD}, // soft hyphen
    {0x034F, 0x034F}, // combining grapheme joiner
    {0x0600, 0x0605}, // Arabic format characters
    {0x061C, 0x061C}, // Arabic letter mark (bidi)
    {0x06DD, 0x06DD},
    {0x070F, 0x070F},
    {0x0890, 0x0891},
    {0x08E2, 0x08E2},
    {0x115F, 0x1160}, // Hangul fillers
    {0x1680, 0x1680}, // Ogham space mark
    {0x17B4, 0x17B5},
    {0x180B, 0x180F}, // Mongolian variation selectors, vowel separator
    {0x2000, 0x200F}, // spaces, zero-width space/joiners, LRM, RLM
    {0x2028, 0x202F}, // line/paragraph separators, bidi embeddings and overrides, narrow no-break space
    {0x205F, 0x206F}, // medium space, word joiner, invisible operators, bidi isolates, deprecated formats
    {0x2800, 0x2800}, // braille blank
    {0x3000, 0x3000}, // ideographic space
    {0x3164, 0x3164}, // Hangul filler
    {0xD800, 0xDFFF}, // surrogates (only ever alone here)
    {0xFE00, 0xFE0F}, // variation selectors
    {0xFEFF, 0xFEFF}, // zero-width no-break space (BOM)
    {0xFFA0, 0xFFA0}, // halfwidth Hangul filler
    {0xFFF0, 0xFFFB}, // specials, interlinear annotation
    {0xFFFE, 0xFFFF}, // noncharacters
    {0x110BD, 0x110BD},
    {0x110CD, 0x110CD},
    {0x13430, 0x1343F}, // Egyptian hieroglyph format controls
    {0x1BCA0, 0x1BCA3}, // shorthand format controls
    {0x1D173, 0x1D17A}, // musical symbol format controls
    {0xE0000, 0xE0FFF}, // tags, variation selectors supplement
  };

  /** Combining marks that stack (diacritics, enclosing marks), the stuff of text towers. */
  private static final int[][] STACKING = {
    {0x0300, 0x036F}, {0x0483, 0x0489}, {0x1AB0, 0x1AFF}, {0x1DC0, 0x1DFF}, {0x20D0, 0x20FF}, {0xFE20, 0xFE2F},
  };

  /** How many stacking marks in a row are shown as themselves. */
  static final int MAX_STACKED = 2;

  private VisibleText() {}

  /** Whether {@code cp} is shown as an escape rather than as itself. */
  public static boolean hidden(int cp) {
    return in(HIDDEN, cp);
  }

  /** Whether {@code cp} is a combining mark that stacks on the character before it. */
  public static boolean stacking(int cp) {
    return in(STACKING, cp);
  }

  private static boolean in(int[][] table, int cp) {
    int lo = 0;
    int hi = table.length - 1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      if (cp < table[mid][0]) {
        hi = mid - 1;
      } else if (cp > table[mid][1]) {
        lo = mid + 1;
      } else {
        return true;
      }
    }
    return false;
  }

  /** The ranges of {@link #hidden}, for the web pages' copy of the rule and its test. */
  public static int[][] hiddenRanges() {
    int[][] copy = new int[HIDDEN.length][];
    for (int k = 0; k < HIDDEN.length; k++) {
      copy[k] = HIDDEN[k].clone();
    }
    return copy;
  }

  /** How {@code cp} (a hidden one) is shown: {@code \n}, {@code \x1b}, <code>&#92;u{202e}</code>. */
  public static String escape(int cp) {
    return switch (cp) {
      case '\n' -> "\\n";
      case '\r' -> "\\r";
      case '\t' -> "\\t";
      default -> cp <= 0x7F ? String.format("\\x%02x", cp) : String.format("\\u{%04x}", cp);
    };
  }

  /** On one line: every hidden character escaped, line ends too. {@code null} stays null. */
  public static String inline(String s) {
    return shown(s, false);
  }

  /**
   * Keeping its line structure: every line end of the text (LF, CR, CRLF — each ends a {@code --}
   * comment in SQL) becomes a line break ({@code \n}), a CR shown as {@code \r} before it; every
   * other hidden character escaped. The result holds no control character but {@code \n}.
   */
  public static String lines(String s) {
    return shown(s, true);
  }

  private static String shown(String s, boolean keepLines) {
    if (s == null) {
      return null;
    }
    if (!anyHidden(s)) {
      return s;
    }
    StringBuilder b = new StringBuilder(s.length() + 16);
    int stacked = 0;
    for (int k = 0; k < s.length(); ) {
      int cp = s.codePointAt(k);
      k += Character.charCount(cp);
      stacked = stacking(cp) ? stacked + 1 : 0;
      if (keepLines && cp == '\n') {
        b.append('\n');
      } else if (keepLines && cp == '\r') {
        b.append("\\r");
        if (k >= s.length() || s.charAt(k) != '\n') {
          b.append('\n');
        }
      } else {
        append(b, cp, stacked);
      }
    }
    return b.toString();
  }

  /** {@link #lines}, each line after the first starting with {@code indent}. */
  public static String indented(String s, String indent) {
    String l = lines(s);
    return l == null ? null : l.replace("\n", "\n" + indent);
  }

  /**
   * JSON text as Jackson writes it (which escapes C0 controls inside strings itself), with every
   * other hidden character (and a third stacked combining mark) inside its strings written as a
   * JSON <code>&#92;uXXXX</code> escape: the same
   * value for a JSON reader, and nothing hidden for a person reading the raw text. Characters
   * outside strings are only JSON's own punctuation and white space, and are kept.
   */
  public static String json(String json) {
    if (json == null) {
      return null;
    }
    if (!anyHidden(json)) {
      return json;
    }
    StringBuilder b = new StringBuilder(json.length() + 16);
    int stacked = 0;
    for (int k = 0; k < json.length(); k++) {
      char c = json.charAt(k);
      stacked = stacking(c) ? stacked + 1 : 0;
      // Per UTF-16 unit: a hidden supplementary character is written as its escaped surrogate pair.
      boolean escape = c >= 0x7F && (Character.isSurrogate(c) ? hiddenAround(json, k) : hidden(c) || stacked > MAX_STACKED);
      if (escape) {
        b.append(String.format("\\u%04x", (int) c));
      } else {
        b.append(c);
      }
    }
    return b.toString();
  }

  /** For a surrogate at {@code k}: whether the code point it belongs to (or it, alone) is hidden. */
  private static boolean hiddenAround(String s, int k) {
    char c = s.charAt(k);
    if (Character.isHighSurrogate(c) && k + 1 < s.length() && Character.isLowSurrogate(s.charAt(k + 1))) {
      return hidden(Character.toCodePoint(c, s.charAt(k + 1)));
    }
    if (Character.isLowSurrogate(c) && k > 0 && Character.isHighSurrogate(s.charAt(k - 1))) {
      return hidden(Character.toCodePoint(s.charAt(k - 1), c));
    }
    return true; // a lone surrogate
  }

  private static boolean anyHidden(String s) {
    int stacked = 0;
    for (int k = 0; k < s.length(); k++) {
      char c = s.charAt(k);
      if (c < 0x20 || (c >= 0x7F && (Character.isSurrogate(c) ? hiddenAround(s, k) : hidden(c)))) {
        return true;
      }
      stacked = stacking(c) ? stacked + 1 : 0; // every stacking mark is in the BMP
      if (stacked > MAX_STACKED) {
        return true;
      }
    }
    return false;
  }

  private static void append(StringBuilder b, int cp, int stacked) {
    if (hidden(cp) || stacked > MAX_STACKED) {
      b.append(escape(cp));
    } else {
      b.appendCodePoint(cp);
    }
  }
}
