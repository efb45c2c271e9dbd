package dev.gatehouse.gateway.shell;

import java.util.Arrays;
import org.jline.utils.WCWidth;

/**
 * A terminal screen as the user's terminal draws it, from the bytes it is sent: enough of a VT100 /
 * xterm to know the text of the cursor's row when the user presses Enter. It keeps cells, the
 * cursor, which rows wrapped into the next, the scroll region and whether the alternate screen is
 * on; colours and other attributes are read and dropped.
 *
 * <p>Understood: UTF-8 text (wide characters take two cells, combining ones join the cell before),
 * CR, LF, VT, FF, BS, TAB; ESC 7/8, D, E, M, c; CSI cursor moves (A B C D E F G H f d `),
 * erase (J K X), insert and delete (@ P L M), scroll (S T r), save/restore (s u), insert mode
 * (4h/4l), autowrap (?7), origin mode (?6), tab stops (ESC H, CSI g I Z), repeat (CSI b) and the
 * alternate screen (?47, ?1047, ?1049). OSC, DCS, APC, PM and SOS strings are skipped to their end.
 * What it cannot tell from the rows it keeps, it says ({@link #notWhole()}): a line whose start
 * scrolled off, text written over the right margin without autowrap, a string left open. Wrapping is deferred as xterm does it: a character written in
 * the last column leaves the cursor there until the next one, which starts the next row and marks
 * the row before as wrapped.
 *
 * <p>Why not JLine's {@code ScreenTerminal}: it exposes neither which rows wrapped nor whether the
 * alternate screen is on, refuses a window wider than 256 columns, and is not in the build.
 *
 * <p>Not thread-safe: its owner serialises access.
 */
final class ScreenModel {
  /** A parameter list longer than this is not a real control sequence: its bytes are dropped. */
  private static final int MAX_PARAMS = 64;
  /**
   * The largest window modelled (a client may claim 4096 x 4096): wider or taller windows are
   * modelled at this size, so their lines wrap here, not where the user's terminal wraps them.
   */
  static final int MAX_COLUMNS = 1024;
  static final int MAX_ROWS = 512;
  private static final String[] ASCII = new String[128];

  static {
    for (int c = 0x20; c < 0x7f; c++) {
      ASCII[c] = String.valueOf((char) c);
    }
  }

  /**
   * What was on the cursor's (logical) line left of the cursor when the first key of a typed line
   * was sent: the prompt, or what a program printed before it read a line.
   */
  record Prompt(String text) {}

  private enum Parse { TEXT, ESC, ESC_INTERMEDIATE, CSI, STRING, STRING_ESC }

  private int columns;
  private int rows;
  /** null: a blank never written; "": the right half of a wide character. */
  private String[][] cells;
  /** wrapped[y]: row y ran on into row y + 1 (deferred wrap, not an explicit line end). */
  private boolean[] wrapped;
  private int x;
  private int y;
  private boolean wrapPending;
  private int top;
  private int bottom;
  private boolean autowrap = true;
  /** The last character printed without autowrap landed in the last column, and the cursor stayed there. */
  private boolean atMargin;
  private boolean insert;
  private boolean alternate;
  private String[][] mainCells;
  private boolean[] mainWrapped;
  private int savedX;
  private int savedY;
  /** Origin mode (?6): cursor addresses count from the scroll region's top and stay inside it. */
  private boolean origin;
  /** tabs[c]: a tab stop at column c (every eighth column until the remote sets its own). */
  private boolean[] tabs;
  /** The last character printed, for REP ({@code CSI n b}); -1 after anything else. */
  private int lastPrinted = -1;
  /**
   * cut[y]: row y continues a row that scrolled off (the top of the screen or of the scroll
   * region): the start of its line is no longer on the screen. Moves with the rows, as wrapped does.
   */
  private boolean[] cut;
  private boolean[] mainCut;
  /** A character was written over the right margin without wrapping since the last capture. */
  private boolean clipped;
  /** The remote turned origin mode on since the last capture (a row address the model may misplace). */
  private boolean originUsed;
  private Parse parse = Parse.TEXT;
  private final StringBuilder params = new StringBuilder();
  private int utfNeed;
  private int utfCode;

  ScreenModel(int columns, int rows) {
    this.columns = Math.max(2, Math.min(MAX_COLUMNS, columns));
    this.rows = Math.max(2, Math.min(MAX_ROWS, rows));
    this.cells = new String[this.rows][this.columns];
    this.wrapped = new boolean[this.rows];
    this.cut = new boolean[this.rows];
    this.bottom = this.rows - 1;
    this.tabs = defaultTabs(this.columns);
  }

  private static boolean[] defaultTabs(int columns) {
    boolean[] t = new boolean[columns];
    for (int c = 8; c < columns; c += 8) {
      t[c] = true;
    }
    return t;
  }

  // ---- input -----------------------------------------------------------------------------------

  /** Feeds the bytes the terminal is sent (UTF-8; a malformed sequence shows as U+FFFD). */
  void feed(byte[] b, int off, int len) {
    for (int i = off; i < off + len; i++) {
      int v = b[i] & 0xff;
      if (utfNeed > 0) {
        if ((v & 0xc0) == 0x80) {
          utfCode = utfCode << 6 | v & 0x3f;
          if (--utfNeed == 0) {
            // Past U+10FFFF or a surrogate: no character (F5..F7 leads and ED A0.. decode to these).
            codePoint(utfCode > 0x10ffff || utfCode >= 0xd800 && utfCode <= 0xdfff ? 0xfffd : utfCode);
          }
          continue;
        }
        utfNeed = 0;
        codePoint(0xfffd); // cut short; this byte starts afresh
      }
      if (v < 0x80) {
        codePoint(v);
      } else if ((v & 0xe0) == 0xc0) {
        utfNeed = 1;
        utfCode = v & 0x1f;
      } else if ((v & 0xf0) == 0xe0) {
        utfNeed = 2;
        utfCode = v & 0x0f;
      } else if ((v & 0xf8) == 0xf0) {
        utfNeed = 3;
        utfCode = v & 0x07;
      } else {
        codePoint(0xfffd);
      }
    }
  }

  void feed(String s) {
    byte[] b = s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    feed(b, 0, b.length);
  }

  private void codePoint(int c) {
    if ((c == 0x18 || c == 0x1a) && parse != Parse.TEXT && parse != Parse.STRING) {
      parse = Parse.TEXT; // CAN and SUB cancel an escape sequence, as in xterm
      return;
    }
    switch (parse) {
      case TEXT -> {
        if (c == 0x1b) {
          parse = Parse.ESC;
        } else if (c < 0x20 || c == 0x7f) {
          control(c);
        } else if (c >= 0x80 && c < 0xa0) {
          // C1 controls: a UTF-8 terminal does not act on them
        } else {
          print(c);
        }
      }
      case ESC -> escape(c);
      case ESC_INTERMEDIATE -> {
        if (c < 0x20 || c > 0x2f) {
          parse = Parse.TEXT; // the final byte (a character set choice and the like): no effect on text
        }
      }
      case CSI -> {
        if (c >= 0x20 && c <= 0x3f) {
          if (params.length() < MAX_PARAMS) {
            params.append((char) c);
          }
        } else if (c >= 0x40 && c <= 0x7e) {
          parse = Parse.TEXT;
          if (params.length() < MAX_PARAMS) {
            csi((char) c, params.toString());
          }
        } else if (c == 0x1b) {
          parse = Parse.ESC;
        } else if (c < 0x20) {
          control(c); // a C0 control inside a sequence acts at once
        } else {
          parse = Parse.TEXT;
        }
      }
      case STRING -> {
        if (c == 0x07) {
          parse = Parse.TEXT;
        } else if (c == 0x1b) {
          parse = Parse.STRING_ESC;
        }
      }
      case STRING_ESC -> {
        if (c == '\\') {
          parse = Parse.TEXT;
        } else {
          parse = Parse.ESC;
          escape(c);
        }
      }
      default -> throw new IllegalStateException("parse state " + parse);
    }
  }

  private void escape(int c) {
    parse = Parse.TEXT;
    atMargin = false;
    if (c != '[') {
      lastPrinted = -1; // a CSI decides for itself (REP repeats across SGR)
    }
    switch (c) {
      case '[' -> {
        parse = Parse.CSI;
        params.setLength(0);
      }
      case ']', 'P', '_', '^', 'X' -> parse = Parse.STRING;
      case '7' -> saveCursor();
      case '8' -> restoreCursor();
      case 'D' -> lineFeed();
      case 'E' -> {
        x = 0;
        lineFeed();
      }
      case 'M' -> reverseIndex();
      case 'c' -> reset();
      case 'H' -> tabs[x] = true;
      default -> {
        if (c >= 0x20 && c <= 0x2f) {
          parse = Parse.ESC_INTERMEDIATE;
        }
      }
    }
  }

  private void control(int c) {
    lastPrinted = -1;
    atMargin = false;
    switch (c) {
      case 0x08 -> {
        wrapPending = false;
        x = Math.max(0, x - 1);
      }
      case 0x09 -> {
        wrapPending = false;
        forwardTab(1);
      }
      case 0x0a, 0x0b, 0x0c -> lineFeed();
      case 0x0d -> {
        wrapPending = false;
        x = 0;
      }
      default -> {
        // BEL, SO, SI and the rest: nothing on the screen's text
      }
    }
  }

  private void print(int c) {
    int w = WCWidth.wcwidth(c);
    String s = c < 0x80 ? ASCII[c] : new String(Character.toChars(c));
    if (w == 0) {
      // A combining character joins the character before it.
      int at = wrapPending ? x : x - 1;
      if (at >= 0 && cells[y][at] != null) {
        cells[y][at] = cells[y][at] + s;
      }
      return;
    }
    w = w < 0 ? 1 : w;
    lastPrinted = c;
    if (!autowrap && x + w >= columns && cells[y][x] != null && atMargin) {
      // Written over the last column without wrapping: what was there is gone from the screen,
      // not from the line the shell holds.
      clipped = true;
    }
    if (wrapPending && autowrap) {
      wrapped[y] = true;
      x = 0;
      lineFeed();
    }
    wrapPending = false;
    if (w == 2 && x == columns - 1) {
      if (!autowrap) {
        clipped = true; // a wide character that does not fit: not shown at all
        return;
      }
      wrapped[y] = true;
      x = 0;
      lineFeed();
    }
    if (insert) {
      shiftRight(w);
    }
    cells[y][x] = s;
    if (w == 2) {
      cells[y][x + 1] = "";
    }
    if (x + w >= columns) {
      x = columns - 1;
      wrapPending = autowrap;
      atMargin = !autowrap;
    } else {
      x += w;
      atMargin = false;
    }
  }

  private void csi(char f, String p) {
    boolean isPrivate = p.startsWith("?");
    int[] a = numbers(isPrivate ? p.substring(1) : p);
    int n = Math.max(1, a[0]);
    if ("ABCDEFG`dHfJKX@PLMSTrsuIZ".indexOf(f) >= 0) {
      wrapPending = false; // attributes (SGR) and modes leave a deferred wrap pending, as xterm does
      atMargin = false;
    }
    if (f == 'b') {
      repeat(n);
      return;
    }
    if (f != 'm') {
      lastPrinted = -1;
    }
    switch (f) {
      case 'A' -> y = Math.max(y >= top ? top : 0, y - n);
      case 'B' -> y = Math.min(y <= bottom ? bottom : rows - 1, y + n);
      case 'C' -> x = Math.min(columns - 1, x + n);
      case 'D' -> x = Math.max(0, x - n);
      case 'E' -> {
        y = Math.min(rows - 1, y + n);
        x = 0;
      }
      case 'F' -> {
        y = Math.max(0, y - n);
        x = 0;
      }
      case 'G', '`' -> x = clamp(n - 1, columns);
      case 'd' -> y = row(n);
      case 'H', 'f' -> {
        y = row(Math.max(1, a[0]));
        x = clamp(Math.max(1, a.length > 1 ? a[1] : 1) - 1, columns);
      }
      case 'I' -> forwardTab(n);
      case 'Z' -> backTab(n);
      case 'g' -> {
        if (a[0] == 0) {
          tabs[x] = false;
        } else if (a[0] == 3) {
          Arrays.fill(tabs, false);
        }
      }
      case 'J' -> eraseDisplay(a[0]);
      case 'K' -> eraseLine(a[0]);
      case 'X' -> blank(y, x, Math.min(columns, x + n));
      case '@' -> shiftRight(n);
      case 'P' -> {
        n = Math.min(n, columns - x);
        System.arraycopy(cells[y], x + n, cells[y], x, columns - x - n);
        blank(y, columns - n, columns);
      }
      case 'L' -> {
        if (y >= top && y <= bottom) {
          scrollDown(y, bottom, n);
        }
      }
      case 'M' -> {
        if (y >= top && y <= bottom) {
          scrollUp(y, bottom, n);
        }
      }
      case 'S' -> scrollUp(top, bottom, n);
      case 'T' -> scrollDown(top, bottom, n);
      case 'r' -> {
        int t = Math.max(1, a[0]) - 1;
        int b = (a.length > 1 && a[1] > 0 ? a[1] : rows) - 1;
        if (t < b && b < rows) {
          top = t;
          bottom = b;
          x = 0;
          y = origin ? top : 0;
        }
      }
      case 's' -> saveCursor();
      case 'u' -> restoreCursor();
      case 'h', 'l' -> mode(isPrivate, a, f == 'h');
      default -> {
        // SGR, device reports and the rest: nothing on the screen's text
      }
    }
  }

  private void mode(boolean isPrivate, int[] a, boolean set) {
    for (int m : a) {
      if (!isPrivate && m == 4) {
        insert = set;
      } else if (isPrivate && m == 7) {
        autowrap = set;
      } else if (isPrivate && m == 6) {
        origin = set;
        originUsed |= set;
        x = 0;
        y = set ? top : 0;
        wrapPending = false;
      } else if (isPrivate && (m == 47 || m == 1047 || m == 1049)) {
        alternateScreen(set, m == 1049);
      }
    }
  }

  /** Row {@code n} (1-based) of a cursor address: of the scroll region in origin mode, else of the screen. */
  private int row(int n) {
    return origin ? top + Math.min(Math.max(1, n) - 1, bottom - top) : clamp(n - 1, rows);
  }

  private void forwardTab(int n) {
    for (int i = 0; i < n && x < columns - 1; i++) {
      do {
        x++;
      } while (x < columns - 1 && !tabs[x]);
    }
  }

  private void backTab(int n) {
    for (int i = 0; i < n && x > 0; i++) {
      do {
        x--;
      } while (x > 0 && !tabs[x]);
    }
  }

  /**
   * REP: the last character printed, {@code n} more times, as xterm does. At most one screenful:
   * more would only scroll the same character through (and costs the gateway time, not the remote).
   */
  private void repeat(int n) {
    int c = lastPrinted;
    if (c < 0) {
      return;
    }
    int times = Math.min(n, columns * rows);
    for (int i = 0; i < times; i++) {
      print(c);
    }
  }

  private void alternateScreen(boolean on, boolean cursor) {
    if (on == alternate) {
      return;
    }
    if (on) {
      if (cursor) {
        saveCursor();
      }
      mainCells = cells;
      mainWrapped = wrapped;
      mainCut = cut;
      cells = new String[rows][columns];
      wrapped = new boolean[rows];
      cut = new boolean[rows];
    } else {
      cells = mainCells;
      wrapped = mainWrapped;
      cut = mainCut;
      mainCells = null;
      mainWrapped = null;
      mainCut = null;
      if (cursor) {
        restoreCursor();
      }
    }
    alternate = on;
  }

  private void reset() {
    cells = new String[rows][columns];
    wrapped = new boolean[rows];
    x = 0;
    y = 0;
    wrapPending = false;
    top = 0;
    bottom = rows - 1;
    autowrap = true;
    atMargin = false;
    origin = false;
    tabs = defaultTabs(columns);
    lastPrinted = -1;
    cut = new boolean[rows];
    mainCut = null;
    insert = false;
    alternate = false;
    mainCells = null;
    mainWrapped = null;
  }

  private void saveCursor() {
    savedX = x;
    savedY = y;
  }

  private void restoreCursor() {
    x = clamp(savedX, columns);
    y = clamp(savedY, rows);
    wrapPending = false;
  }

  private void lineFeed() {
    wrapPending = false;
    if (y == bottom) {
      scrollUp(top, bottom, 1);
    } else if (y < rows - 1) {
      y++;
    }
  }

  private void reverseIndex() {
    wrapPending = false;
    if (y == top) {
      scrollDown(top, bottom, 1);
    } else if (y > 0) {
      y--;
    }
  }

  private void scrollUp(int from, int to, int n) {
    n = Math.min(n, to - from + 1);
    // The row now first keeps its line's start only if the last row scrolled out did not wrap into it.
    boolean lost = n <= to - from && (wrapped[from + n - 1] || cut[from + n]);
    String[][] gone = Arrays.copyOfRange(cells, from, from + n);
    for (int r = from; r <= to; r++) {
      int src = r + n;
      if (src <= to) {
        cells[r] = cells[src];
        wrapped[r] = wrapped[src];
        cut[r] = cut[src];
      } else {
        cells[r] = gone[r - (to - n + 1)]; // the rows scrolled out, reused blank
        Arrays.fill(cells[r], null);
        wrapped[r] = false;
        cut[r] = false;
      }
    }
    cut[from] |= lost;
  }

  private void scrollDown(int from, int to, int n) {
    n = Math.min(n, to - from + 1);
    String[][] gone = Arrays.copyOfRange(cells, to - n + 1, to + 1);
    for (int r = to; r >= from; r--) {
      int src = r - n;
      if (src >= from) {
        cells[r] = cells[src];
        wrapped[r] = wrapped[src];
        cut[r] = cut[src];
      } else {
        cells[r] = gone[r - from]; // the rows scrolled out, reused blank
        Arrays.fill(cells[r], null);
        wrapped[r] = false;
        cut[r] = false;
      }
    }
  }

  private void shiftRight(int n) {
    n = Math.min(n, columns - x);
    System.arraycopy(cells[y], x, cells[y], x + n, columns - x - n);
    blank(y, x, x + n);
  }

  private void eraseDisplay(int how) {
    switch (how) {
      case 0 -> {
        eraseLine(0);
        for (int r = y + 1; r < rows; r++) {
          Arrays.fill(cells[r], null);
          wrapped[r] = false;
          cut[r] = false;
        }
      }
      case 1 -> {
        for (int r = 0; r < y; r++) {
          Arrays.fill(cells[r], null);
          wrapped[r] = false;
          cut[r] = false;
        }
        eraseLine(1);
      }
      default -> {
        for (int r = 0; r < rows; r++) {
          Arrays.fill(cells[r], null);
          wrapped[r] = false;
          cut[r] = false;
        }
      }
    }
  }

  private void eraseLine(int how) {
    switch (how) {
      case 0 -> {
        blank(y, x, columns);
        wrapped[y] = false;
      }
      case 1 -> blank(y, 0, x + 1);
      default -> {
        blank(y, 0, columns);
        wrapped[y] = false;
      }
    }
  }

  private void blank(int row, int from, int to) {
    Arrays.fill(cells[row], Math.max(0, from), Math.min(columns, to), null);
  }

  private static int clamp(int v, int size) {
    return Math.max(0, Math.min(size - 1, v));
  }

  private static int[] numbers(String p) {
    if (p.isEmpty()) {
      return new int[] {0};
    }
    String[] parts = p.split("[;:]", -1);
    int[] out = new int[parts.length];
    for (int i = 0; i < parts.length; i++) {
      String s = parts[i].replaceAll("[^0-9]", "");
      try {
        out[i] = s.isEmpty() ? 0 : Math.min(Integer.parseInt(s.length() > 6 ? "999999" : s), 999_999);
      } catch (NumberFormatException e) {
        out[i] = 0;
      }
    }
    return out;
  }

  // ---- the window ------------------------------------------------------------------------------

  /** The window changed size: rows keep their place from the top, the cursor's row stays on screen. */
  void resize(int newColumns, int newRows) {
    newColumns = Math.max(2, Math.min(MAX_COLUMNS, newColumns));
    newRows = Math.max(2, Math.min(MAX_ROWS, newRows));
    int drop = Math.max(0, y - (newRows - 1));
    // Rows dropped from the top: the row now first keeps its line's start only if none wrapped into it.
    boolean lost = drop > 0 && (wrapped[drop - 1] || cut[drop]);
    boolean mainLost = drop > 0 && mainCells != null && (mainWrapped[drop - 1] || mainCut[drop]);
    cells = resized(cells, drop, newColumns, newRows);
    wrapped = resized(wrapped, drop, newRows);
    cut = resized(cut, drop, newRows);
    cut[0] |= lost;
    if (mainCells != null) {
      mainCells = resized(mainCells, drop, newColumns, newRows);
      mainWrapped = resized(mainWrapped, drop, newRows);
      mainCut = resized(mainCut, drop, newRows);
      mainCut[0] |= mainLost;
    }
    columns = newColumns;
    rows = newRows;
    y -= drop;
    tabs = defaultTabs(columns);
    x = Math.min(x, columns - 1);
    top = 0;
    bottom = rows - 1;
    wrapPending = false;
  }

  private static String[][] resized(String[][] old, int drop, int c, int r) {
    String[][] n = new String[r][c];
    for (int i = 0; i < r && i + drop < old.length; i++) {
      System.arraycopy(old[i + drop], 0, n[i], 0, Math.min(c, old[i + drop].length));
    }
    return n;
  }

  private static boolean[] resized(boolean[] old, int drop, int r) {
    boolean[] n = new boolean[r];
    for (int i = 0; i < r && i + drop < old.length; i++) {
      n[i] = old[i + drop];
    }
    return n;
  }

  // ---- what the screen shows -------------------------------------------------------------------

  boolean alternate() {
    return alternate;
  }

  int column() {
    return x;
  }

  /** The cursor's line left of the cursor (its wrapped rows above included): the prompt of a line about to be typed. */
  Prompt capture() {
    int start = lineStart();
    clipped = false;
    originUsed = origin;
    StringBuilder b = new StringBuilder();
    for (int r = start; r < y; r++) {
      appendRow(b, r, columns);
    }
    appendRow(b, y, wrapPending ? columns : x);
    return new Prompt(b.toString());
  }

  /**
   * The line typed at the cursor: the text of the cursor's row and the rows wrapped with it, less
   * {@code prompt} when the line still starts with it (else the whole line: more is judged, never
   * less), without blanks at either end.
   */
  String rebuild(Prompt prompt) {
    String line = logicalLine();
    if (prompt != null && line.startsWith(prompt.text())) {
      line = line.substring(prompt.text().length());
    }
    return line.strip();
  }

  /**
   * Why the screen may not show the whole line typed since the last {@link #capture()}, or null
   * when it does as far as the model can tell: the line's first row scrolled off (a line longer
   * than the window or its scroll region), a character was written over the right margin with
   * autowrap off, the remote left a string (OSC, DCS, APC, PM, SOS) or another sequence open, so
   * the echo went into it, or origin mode was on.
   */
  String notWhole() {
    if (parse != Parse.TEXT || utfNeed > 0) {
      return "inside an unfinished control string";
    }
    if (cut[lineStart()]) {
      return "the line's start is off the screen";
    }
    if (clipped) {
      return "characters were written over the right margin";
    }
    if (origin || originUsed) {
      return "origin mode is on";
    }
    return null;
  }

  /**
   * What ends the escape sequence or string the remote left open (empty when none), so that a line
   * of the gateway's own written after it is shown, not taken into the sequence.
   */
  String closeOpen() {
    return switch (parse) {
      case TEXT -> "";
      case STRING -> "\u001b\\";
      case STRING_ESC -> "\\";
      default -> "\u0018";
    };
  }

  /** The cursor's row with the rows wrapped into and out of it, as one text (trailing blanks kept). */
  String logicalLine() {
    int start = lineStart();
    int end = y;
    while (end < rows - 1 && wrapped[end]) {
      end++;
    }
    StringBuilder b = new StringBuilder();
    for (int r = start; r <= end; r++) {
      appendRow(b, r, columns);
    }
    return b.toString();
  }

  /** The text of every row, for tests and diagnostics (trailing blanks removed). */
  String text() {
    StringBuilder b = new StringBuilder();
    for (int r = 0; r < rows; r++) {
      StringBuilder row = new StringBuilder();
      appendRow(row, r, columns);
      b.append(row.toString().stripTrailing()).append('\n');
    }
    return b.toString();
  }

  private int lineStart() {
    int start = y;
    while (start > 0 && wrapped[start - 1]) {
      start--;
    }
    return start;
  }

  private void appendRow(StringBuilder b, int r, int upTo) {
    String[] row = cells[r];
    for (int i = 0; i < upTo && i < columns; i++) {
      b.append(row[i] == null ? " " : row[i]);
    }
  }
}
