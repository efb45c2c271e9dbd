package dev.gatehouse.recorder;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Text towers past {@link VisibleText}'s stacking rule: the rule counts only the marks in its
 * STACKING table, so combining marks outside it (Thai tone marks, Hebrew points, Arabic harakat,
 * musical combining marks) stack without limit, and a run of listed marks interleaved with an
 * unlisted one resets the count. What must hold, for any combining mark (general category Mn or
 * Me): no more than {@link VisibleText#MAX_STACKED} of them in a row are shown as themselves, in
 * each of the forms (inline, lines, JSON).
 */
class ScreensAttack19Test {
  private static final int TOWER = 40;

  static String tower(String base, String marks) {
    return base + marks.repeat(TOWER) + " OR id > 0";
  }

  /** The longest run of combining marks a reader's screen would draw on one character. */
  static int longestShownRun(String shown) {
    int longest = 0;
    int run = 0;
    for (int k = 0; k < shown.length(); ) {
      int cp = shown.codePointAt(k);
      k += Character.charCount(cp);
      int t = Character.getType(cp);
      run = t == Character.NON_SPACING_MARK || t == Character.ENCLOSING_MARK ? run + 1 : 0;
      longest = Math.max(longest, run);
    }
    return longest;
  }

  static String unescapedJson(String json) throws Exception {
    // a JSON reader's view is exact by design; a person reads the raw text: look at that
    return json;
  }

  @ParameterizedTest
  @ValueSource(strings = {
    "\u0e14|\u0e49", // Thai mai tho: the well-known "Thai tower"
    "\u05d0|\u05b0\u05b4", // Hebrew points
    "\u0628|\u064e\u0650", // Arabic fatha, kasra
    "x|\u0301\u0301\u0e49", // listed marks, the count reset by an unlisted one between them
    "x|\ud834\udd67", // U+1D167 musical symbol combining tremolo-1
    "x|\ua670", // U+A670 combining Cyrillic ten millions sign (enclosing)
  })
  void aTowerOfCombiningMarksIsEscapedPastTwo(String spec) throws Exception {
    String[] p = spec.split("\\|");
    String text = tower(p[0], p[1]);
    assertThat(longestShownRun(VisibleText.inline(text))).as("inline").isLessThanOrEqualTo(VisibleText.MAX_STACKED);
    assertThat(longestShownRun(VisibleText.lines(text))).as("lines").isLessThanOrEqualTo(VisibleText.MAX_STACKED);
    String json = VisibleText.json(AuditLog.JSON.writeValueAsString(java.util.Map.of("statement", text)));
    assertThat(longestShownRun(unescapedJson(json))).as("raw JSON").isLessThanOrEqualTo(VisibleText.MAX_STACKED);
  }
}
