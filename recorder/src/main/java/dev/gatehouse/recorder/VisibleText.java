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
 * Combining marks (every code point of general category M, {@link #stacking}) that follow one
 * base character are shown as themselves two in a row at most (as Vietnamese needs); the rest of a
 * longer run is escaped, for a tower of them drawn over the lines above and below hides those lines.
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

  /**
   * Every combining mark: general category M (Mn non-spacing, Me enclosing, Mc spacing) as of
   * Unicode 17, a superset of what this JVM's {@link Character#getType} calls a mark (a test holds
   * it so). Mc is in because a spacing mark still attaches to the character before it and a mark
   * after it piles on the same cluster: counting it keeps an interleaving of kinds from starting
   * the count again. A table rather than the JVM's categories, so the Java and the JavaScript rule
   * agree whatever Unicode version each runtime has.
   */
  private static final int[][] STACKING = {
    {0x0300, 0x036F}, {0x0483, 0x0489}, {0x0591, 0x05BD}, {0x05BF, 0x05BF}, {0x05C1, 0x05C2}, {0x05C4, 0x05C5},
    {0x05C7, 0x05C7}, {0x0610, 0x061A}, {0x064B, 0x065F}, {0x0670, 0x0670}, {0x06D6, 0x06DC}, {0x06DF, 0x06E4},
    {0x06E7, 0x06E8}, {0x06EA, 0x06ED}, {0x0711, 0x0711}, {0x0730, 0x074A}, {0x07A6, 0x07B0}, {0x07EB, 0x07F3},
    {0x07FD, 0x07FD}, {0x0816, 0x0819}, {0x081B, 0x0823}, {0x0825, 0x0827}, {0x0829, 0x082D}, {0x0859, 0x085B},
    {0x0897, 0x089F}, {0x08CA, 0x08E1}, {0x08E3, 0x0903}, {0x093A, 0x093C}, {0x093E, 0x094F}, {0x0951, 0x0957},
    {0x0962, 0x0963}, {0x0981, 0x0983}, {0x09BC, 0x09BC}, {0x09BE, 0x09C4}, {0x09C7, 0x09C8}, {0x09CB, 0x09CD},
    {0x09D7, 0x09D7}, {0x09E2, 0x09E3}, {0x09FE, 0x09FE}, {0x0A01, 0x0A03}, {0x0A3C, 0x0A3C}, {0x0A3E, 0x0A42},
    {0x0A47, 0x0A48}, {0x0A4B, 0x0A4D}, {0x0A51, 0x0A51}, {0x0A70, 0x0A71}, {0x0A75, 0x0A75}, {0x0A81, 0x0A83},
    {0x0ABC, 0x0ABC}, {0x0ABE, 0x0AC5}, {0x0AC7, 0x0AC9}, {0x0ACB, 0x0ACD}, {0x0AE2, 0x0AE3}, {0x0AFA, 0x0AFF},
    {0x0B01, 0x0B03}, {0x0B3C, 0x0B3C}, {0x0B3E, 0x0B44}, {0x0B47, 0x0B48}, {0x0B4B, 0x0B4D}, {0x0B55, 0x0B57},
    {0x0B62, 0x0B63}, {0x0B82, 0x0B82}, {0x0BBE, 0x0BC2}, {0x0BC6, 0x0BC8}, {0x0BCA, 0x0BCD}, {0x0BD7, 0x0BD7},
    {0x0C00, 0x0C04}, {0x0C3C, 0x0C3C}, {0x0C3E, 0x0C44}, {0x0C46, 0x0C48}, {0x0C4A, 0x0C4D}, {0x0C55, 0x0C56},
    {0x0C62, 0x0C63}, {0x0C81, 0x0C83}, {0x0CBC, 0x0CBC}, {0x0CBE, 0x0CC4}, {0x0CC6, 0x0CC8}, {0x0CCA, 0x0CCD},
    {0x0CD5, 0x0CD6}, {0x0CE2, 0x0CE3}, {0x0CF3, 0x0CF3}, {0x0D00, 0x0D03}, {0x0D3B, 0x0D3C}, {0x0D3E, 0x0D44},
    {0x0D46, 0x0D48}, {0x0D4A, 0x0D4D}, {0x0D57, 0x0D57}, {0x0D62, 0x0D63}, {0x0D81, 0x0D83}, {0x0DCA, 0x0DCA},
    {0x0DCF, 0x0DD4}, {0x0DD6, 0x0DD6}, {0x0DD8, 0x0DDF}, {0x0DF2, 0x0DF3}, {0x0E31, 0x0E31}, {0x0E34, 0x0E3A},
    {0x0E47, 0x0E4E}, {0x0EB1, 0x0EB1}, {0x0EB4, 0x0EBC}, {0x0EC8, 0x0ECE}, {0x0F18, 0x0F19}, {0x0F35, 0x0F35},
    {0x0F37, 0x0F37}, {0x0F39, 0x0F39}, {0x0F3E, 0x0F3F}, {0x0F71, 0x0F84}, {0x0F86, 0x0F87}, {0x0F8D, 0x0F97},
    {0x0F99, 0x0FBC}, {0x0FC6, 0x0FC6}, {0x102B, 0x103E}, {0x1056, 0x1059}, {0x105E, 0x1060}, {0x1062, 0x1064},
    {0x1067, 0x106D}, {0x1071, 0x1074}, {0x1082, 0x108D}, {0x108F, 0x108F}, {0x109A, 0x109D}, {0x135D, 0x135F},
    {0x1712, 0x1715}, {0x1732, 0x1734}, {0x1752, 0x1753}, {0x1772, 0x1773}, {0x17B4, 0x17D3}, {0x17DD, 0x17DD},
    {0x180B, 0x180D}, {0x180F, 0x180F}, {0x1885, 0x1886}, {0x18A9, 0x18A9}, {0x1920, 0x192B}, {0x1930, 0x193B},
    {0x1A17, 0x1A1B}, {0x1A55, 0x1A5E}, {0x1A60, 0x1A7C}, {0x1A7F, 0x1A7F}, {0x1AB0, 0x1ADD}, {0x1AE0, 0x1AEB},
    {0x1B00, 0x1B04}, {0x1B34, 0x1B44}, {0x1B6B, 0x1B73}, {0x1B80, 0x1B82}, {0x1BA1, 0x1BAD}, {0x1BE6, 0x1BF3},
    {0x1C24, 0x1C37}, {0x1CD0, 0x1CD2}, {0x1CD4, 0x1CE8}, {0x1CED, 0x1CED}, {0x1CF4, 0x1CF4}, {0x1CF7, 0x1CF9},
    {0x1DC0, 0x1DFF}, {0x20D0, 0x20F0}, {0x2CEF, 0x2CF1}, {0x2D7F, 0x2D7F}, {0x2DE0, 0x2DFF}, {0x302A, 0x302F},
    {0x3099, 0x309A}, {0xA66F, 0xA672}, {0xA674, 0xA67D}, {0xA69E, 0xA69F}, {0xA6F0, 0xA6F1}, {0xA802, 0xA802},
    {0xA806, 0xA806}, {0xA80B, 0xA80B}, {0xA823, 0xA827}, {0xA82C, 0xA82C}, {0xA880, 0xA881}, {0xA8B4, 0xA8C5},
    {0xA8E0, 0xA8F1}, {0xA8FF, 0xA8FF}, {0xA926, 0xA92D}, {0xA947, 0xA953}, {0xA980, 0xA983}, {0xA9B3, 0xA9C0},
    {0xA9E5, 0xA9E5}, {0xAA29, 0xAA36}, {0xAA43, 0xAA43}, {0xAA4C, 0xAA4D}, {0xAA7B, 0xAA7D}, {0xAAB0, 0xAAB0},
    {0xAAB2, 0xAAB4}, {0xAAB7, 0xAAB8}, {0xAABE, 0xAABF}, {0xAAC1, 0xAAC1}, {0xAAEB, 0xAAEF}, {0xAAF5, 0xAAF6},
    {0xABE3, 0xABEA}, {0xABEC, 0xABED}, {0xFB1E, 0xFB1E}, {0xFE00, 0xFE0F}, {0xFE20, 0xFE2F}, {0x101FD, 0x101FD},
    {0x102E0, 0x102E0}, {0x10376, 0x1037A}, {0x10A01, 0x10A03}, {0x10A05, 0x10A06}, {0x10A0C, 0x10A0F}, {0x10A38, 0x10A3A},
    {0x10A3F, 0x10A3F}, {0x10AE5, 0x10AE6}, {0x10D24, 0x10D27}, {0x10D69, 0x10D6D}, {0x10EAB, 0x10EAC}, {0x10EFA, 0x10EFF},
    {0x10F46, 0x10F50}, {0x10F82, 0x10F85}, {0x11000, 0x11002}, {0x11038, 0x11046}, {0x11070, 0x11070}, {0x11073, 0x11074},
    {0x1107F, 0x11082}, {0x110B0, 0x110BA}, {0x110C2, 0x110C2}, {0x11100, 0x11102}, {0x11127, 0x11134}, {0x11145, 0x11146},
    {0x11173, 0x11173}, {0x11180, 0x11182}, {0x111B3, 0x111C0}, {0x111C9, 0x111CC}, {0x111CE, 0x111CF}, {0x1122C, 0x11237},
    {0x1123E, 0x1123E}, {0x11241, 0x11241}, {0x112DF, 0x112EA}, {0x11300, 0x11303}, {0x1133B, 0x1133C}, {0x1133E, 0x11344},
    {0x11347, 0x11348}, {0x1134B, 0x1134D}, {0x11357, 0x11357}, {0x11362, 0x11363}, {0x11366, 0x1136C}, {0x11370, 0x11374},
    {0x113B8, 0x113C0}, {0x113C2, 0x113C2}, {0x113C5, 0x113C5}, {0x113C7, 0x113CA}, {0x113CC, 0x113D0}, {0x113D2, 0x113D2},
    {0x113E1, 0x113E2}, {0x11435, 0x11446}, {0x1145E, 0x1145E}, {0x114B0, 0x114C3}, {0x115AF, 0x115B5}, {0x115B8, 0x115C0},
    {0x115DC, 0x115DD}, {0x11630, 0x11640}, {0x116AB, 0x116B7}, {0x1171D, 0x1172B}, {0x1182C, 0x1183A}, {0x11930, 0x11935},
    {0x11937, 0x11938}, {0x1193B, 0x1193E}, {0x11940, 0x11940}, {0x11942, 0x11943}, {0x119D1, 0x119D7}, {0x119DA, 0x119E0},
    {0x119E4, 0x119E4}, {0x11A01, 0x11A0A}, {0x11A33, 0x11A39}, {0x11A3B, 0x11A3E}, {0x11A47, 0x11A47}, {0x11A51, 0x11A5B},
    {0x11A8A, 0x11A99}, {0x11B60, 0x11B67}, {0x11C2F, 0x11C36}, {0x11C38, 0x11C3F}, {0x11C92, 0x11CA7}, {0x11CA9, 0x11CB6},
    {0x11D31, 0x11D36}, {0x11D3A, 0x11D3A}, {0x11D3C, 0x11D3D}, {0x11D3F, 0x11D45}, {0x11D47, 0x11D47}, {0x11D8A, 0x11D8E},
    {0x11D90, 0x11D91}, {0x11D93, 0x11D97}, {0x11EF3, 0x11EF6}, {0x11F00, 0x11F01}, {0x11F03, 0x11F03}, {0x11F34, 0x11F3A},
    {0x11F3E, 0x11F42}, {0x11F5A, 0x11F5A}, {0x13440, 0x13440}, {0x13447, 0x13455}, {0x1611E, 0x1612F}, {0x16AF0, 0x16AF4},
    {0x16B30, 0x16B36}, {0x16F4F, 0x16F4F}, {0x16F51, 0x16F87}, {0x16F8F, 0x16F92}, {0x16FE4, 0x16FE4}, {0x16FF0, 0x16FF1},
    {0x1BC9D, 0x1BC9E}, {0x1CF00, 0x1CF2D}, {0x1CF30, 0x1CF46}, {0x1D165, 0x1D169}, {0x1D16D, 0x1D172}, {0x1D17B, 0x1D182},
    {0x1D185, 0x1D18B}, {0x1D1AA, 0x1D1AD}, {0x1D242, 0x1D244}, {0x1DA00, 0x1DA36}, {0x1DA3B, 0x1DA6C}, {0x1DA75, 0x1DA75},
    {0x1DA84, 0x1DA84}, {0x1DA9B, 0x1DA9F}, {0x1DAA1, 0x1DAAF}, {0x1E000, 0x1E006}, {0x1E008, 0x1E018}, {0x1E01B, 0x1E021},
    {0x1E023, 0x1E024}, {0x1E026, 0x1E02A}, {0x1E08F, 0x1E08F}, {0x1E130, 0x1E136}, {0x1E2AE, 0x1E2AE}, {0x1E2EC, 0x1E2EF},
    {0x1E4EC, 0x1E4EF}, {0x1E5EE, 0x1E5EF}, {0x1E6E3, 0x1E6E3}, {0x1E6E6, 0x1E6E6}, {0x1E6EE, 0x1E6EF}, {0x1E6F5, 0x1E6F5},
    {0x1E8D0, 0x1E8D6}, {0x1E944, 0x1E94A}, {0xE0100, 0xE01EF},
  };

  /** How many combining marks in a row (on one base character) are shown as themselves. */
  public static final int MAX_STACKED = 2;

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

  /**
   * The rule for text shown one code point at a time: whether each is shown as an escape, given the
   * combining marks right before it. Every form here uses it, and so does any filter that shows
   * text as it streams (the CLI's output). Not thread-safe: one per text.
   */
  public static final class Run {
    private int stacked;

    /** Whether {@code cp}, coming next, is shown as an escape (hidden, or a mark past {@link #MAX_STACKED}). */
    public boolean escapes(int cp) {
      if (cp >= 0x20 && cp <= 0x7E) { // printable ASCII: in neither table
        stacked = 0;
        return false;
      }
      stacked = stacking(cp) ? stacked + 1 : 0;
      return hidden(cp) || stacked > MAX_STACKED;
    }

    /** Starts afresh, as after a base character (for a byte that is not text). */
    public void reset() {
      stacked = 0;
    }
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
    Run run = new Run();
    for (int k = 0; k < s.length(); ) {
      int cp = s.codePointAt(k);
      k += Character.charCount(cp);
      boolean escaped = run.escapes(cp);
      if (keepLines && cp == '\n') {
        b.append('\n');
      } else if (keepLines && cp == '\r') {
        b.append("\\r");
        if (k >= s.length() || s.charAt(k) != '\n') {
          b.append('\n');
        }
      } else if (escaped) {
        b.append(escape(cp));
      } else {
        b.appendCodePoint(cp);
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
    Run run = new Run();
    for (int k = 0; k < json.length(); ) {
      int cp = json.codePointAt(k); // a lone surrogate comes as itself, and is hidden
      int n = Character.charCount(cp);
      // Jackson has escaped every C0 control already; a supplementary character is written as its
      // escaped surrogate pair.
      if (run.escapes(cp) && cp >= 0x7F) {
        for (int u = k; u < k + n; u++) {
          b.append(String.format("\\u%04x", (int) json.charAt(u)));
        }
      } else {
        b.append(json, k, k + n);
      }
      k += n;
    }
    return b.toString();
  }

  /**
   * Whether any character of {@code s} would be shown escaped (by {@link #json} too: it escapes
   * no more than this finds). A CharSequence so that the audit writer can ask of its buffer
   * without making a String of every line.
   */
  static boolean anyHidden(CharSequence s) {
    int k = 0;
    // Printable ASCII (U+0020..U+007E) is never hidden and never a mark: most statements, names
    // and JSON lines are all of it, and are answered here without a table search per character.
    // The first other character goes on through the rule, with no mark before it.
    while (k < s.length()) {
      char c = s.charAt(k);
      if (c < 0x20 || c > 0x7E) {
        break;
      }
      k++;
    }
    Run run = new Run();
    while (k < s.length()) {
      int cp = Character.codePointAt(s, k);
      k += Character.charCount(cp);
      if (run.escapes(cp)) {
        return true;
      }
    }
    return false;
  }
}
