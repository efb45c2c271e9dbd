package dev.gatehouse.recorder;

/**
 * A statement as a recording marker shows it: the text exactly as it ran, line breaks kept (the
 * newline that ends a {@code --} comment decides what runs), control characters and invisible
 * characters made visible ({@link VisibleText#lines}). Never folded: a marker of a cleaned-up copy
 * would show a different statement. A statement longer than {@value #MAX_CHARS} characters is cut
 * there, and the marker says so and how long it was; the audit line always holds all of it.
 */
public final class StatementMarker {
  static final int MAX_CHARS = 4000;

  private StatementMarker() {}

  public static String text(String sql) {
    String shown = VisibleText.lines(sql == null ? "" : sql);
    if (shown.length() <= MAX_CHARS) {
      return shown;
    }
    int cut = MAX_CHARS;
    if (Character.isLowSurrogate(shown.charAt(cut)) && Character.isHighSurrogate(shown.charAt(cut - 1))) {
      cut--;
    }
    return shown.substring(0, cut) + "… [cut: " + sql.length() + " characters in all; the audit log has the whole statement]";
  }
}
