package dev.gatehouse.recorder;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;

class VisibleTextTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Escape sequences a hostile requester puts in a statement or reason. */
  static final List<String> ATTACKS = List.of(
      "\u001b]52;c;ZWNobyBoaQ==\u0007", // OSC 52: write the clipboard
      "\u001b]0;TITLE\u0007", // OSC 0: window title
      "\u001b[2K\rfake line", // erase the line, overwrite it
      "\u001b[8mconcealed\u001b[0m", // SGR 8: conceal
      "\u001b[2J", // clear screen
      "x\bX", // backspace overwrite
      "\u009b31m", // C1 CSI
      "\u0085", // C1 NEL
      "abc\u202edcba", // right-to-left override
      "\u2066isolated\u2069", // left-to-right isolate
      "a\u200bb", // zero-width space
      "a\u2003b", // em space: a letter to PostgreSQL
      "\ufeff", // BOM
      "\u007f", // DEL
      "tag\udb40\udc01", // U+E0001 language tag
      "lone\ud800", // lone surrogate
      "z\u0301\u0302\u0303\u0304\u0305"); // a tower of combining marks

  @Test
  void noControlOrInvisibleCharacterSurvivesInlineOrLines() {
    for (String a : ATTACKS) {
      for (String shown : List.of(VisibleText.inline(a), VisibleText.lines(a))) {
        shown.codePoints().forEach(cp -> assertThat(VisibleText.hidden(cp) && cp != '\n')
            .as("U+%04X in %s", cp, shown).isFalse());
      }
    }
    assertThat(VisibleText.inline("\u001b]0;TITLE\u0007")).isEqualTo("\\x1b]0;TITLE\\x07");
    assertThat(VisibleText.inline("\u001b[2K\rfake")).isEqualTo("\\x1b[2K\\rfake");
    assertThat(VisibleText.inline("abc\u202edcba")).isEqualTo("abc\\u{202e}dcba");
    assertThat(VisibleText.inline("\u009b31m")).isEqualTo("\\u{009b}31m");
    assertThat(VisibleText.inline("tag\udb40\udc01")).isEqualTo("tag\\u{e0001}");
    assertThat(VisibleText.inline("lone\ud800")).isEqualTo("lone\\u{d800}");
  }

  @Test
  void everyLineEndIsALineBreakAndACarriageReturnIsShown() {
    // each of LF, CR, CRLF ends a -- comment in SQL: each must look like the end of a line
    assertThat(VisibleText.lines("a -- c\nOR b")).isEqualTo("a -- c\nOR b");
    assertThat(VisibleText.lines("a -- c\rOR b")).isEqualTo("a -- c\\r\nOR b");
    assertThat(VisibleText.lines("a -- c\r\nOR b")).isEqualTo("a -- c\\r\nOR b");
    assertThat(VisibleText.lines("a\r")).isEqualTo("a\\r\n");
    assertThat(VisibleText.indented("a\nb\rc", "    ")).isEqualTo("a\n    b\\r\n    c");
    // on one line, line ends are escapes
    assertThat(VisibleText.inline("a -- c\r\nOR b\tx")).isEqualTo("a -- c\\r\\nOR b\\tx");
    // what is not hidden is kept as it is, backslashes too
    assertThat(VisibleText.lines("SELECT E'\\n', 'é', '中', '\ud83d\ude00'")).isEqualTo("SELECT E'\\n', 'é', '中', '\ud83d\ude00'");
    assertThat(VisibleText.inline(null)).isNull();
  }

  @Test
  void jsonKeepsTheValueAndHidesNothingFromAPersonReadingIt() throws Exception {
    for (String a : ATTACKS) {
      String json = VisibleText.json(JSON.writeValueAsString(JSON.createObjectNode().put("statement", a).put("ok", "é😀")));
      json.codePoints().forEach(cp -> assertThat(VisibleText.hidden(cp)).as("U+%04X in %s", cp, json).isFalse());
      assertThat(JSON.readTree(json).get("statement").asText()).isEqualTo(a);
      assertThat(JSON.readTree(json).get("ok").asText()).isEqualTo("é😀");
      // nothing left for a text filter to escape (which would break the JSON)
      assertThat(VisibleText.lines(json)).isEqualTo(json);
    }
    // pretty-printed JSON keeps its own line breaks
    String pretty = JSON.writerWithDefaultPrettyPrinter().writeValueAsString(JSON.createObjectNode().put("a", "\u202e"));
    assertThat(VisibleText.json(pretty)).contains("\n").contains("\\u202e");
  }

  @Test
  void aTowerOfCombiningMarksIsCutToTwoAndTheRestShownEscaped() {
    // Vietnamese stacks two; a tower of them is drawn over the lines around it
    assertThat(VisibleText.inline("Vie\u0323\u0302t")).isEqualTo("Vie\u0323\u0302t");
    assertThat(VisibleText.lines("z\u0301\u0302\u0303\u0304a\n\u0301\u0302\u0303"))
        .isEqualTo("z\u0301\u0302\\u{0303}\\u{0304}a\n\u0301\u0302\\u{0303}");
  }

  @Test
  void everyCombiningMarkThisJvmKnowsCountsTowardsATower() {
    for (int cp = 0; cp <= Character.MAX_CODE_POINT; cp++) {
      int t = Character.getType(cp);
      boolean mark = t == Character.NON_SPACING_MARK || t == Character.ENCLOSING_MARK
          || t == Character.COMBINING_SPACING_MARK;
      if (mark) {
        assertThat(VisibleText.stacking(cp)).as("U+%04X (general category M)", cp).isTrue();
      }
    }
    assertThat(VisibleText.stacking('a')).isFalse();
    assertThat(VisibleText.stacking(0x4e2d)).isFalse();
  }

  @Test
  void marksOfDifferentScriptsAndKindsInOneRunAreCountedTogether() {
    // acute, Thai mai tho, Devanagari visarga (Mc), Hebrew sheva: a run of four on one x
    assertThat(VisibleText.inline("x\u0301\u0e49\u0903\u05b0 y"))
        .isEqualTo("x\u0301\u0e49\\u{0903}\\u{05b0} y");
    // a mark outside the Basic Multilingual Plane, in the JSON form too (an escaped surrogate pair)
    String tremolo = "x" + "\ud834\udd67".repeat(3);
    assertThat(VisibleText.inline(tremolo)).isEqualTo("x\ud834\udd67\ud834\udd67\\u{1d167}");
    assertThat(VisibleText.json("{\"s\":\"" + tremolo + "\"}"))
        .isEqualTo("{\"s\":\"x\ud834\udd67\ud834\udd67\\ud834\\udd67\"}");
    // a base character ends the run: Thai with a vowel and a tone mark on each consonant is shown as is
    assertThat(VisibleText.inline("\u0e19\u0e49\u0e33\u0e17\u0e35\u0e48")).isEqualTo("\u0e19\u0e49\u0e33\u0e17\u0e35\u0e48");
  }

  @Test
  void theTableIsSortedAndCoversTheNamedCharacters() {
    int[][] ranges = VisibleText.hiddenRanges();
    for (int k = 1; k < ranges.length; k++) {
      assertThat(ranges[k][0]).isGreaterThan(ranges[k - 1][1]);
    }
    for (int cp : new int[] {0x00, 0x1b, 0x7f, 0x80, 0x9f, 0xa0, 0xad, 0x200b, 0x200d, 0x200e, 0x200f, 0x2028, 0x2029,
        0x202a, 0x202e, 0x2060, 0x2066, 0x2069, 0x3000, 0xfeff, 0xe0001, 0xe007f, 0xfe0f, 0x3164}) {
      assertThat(VisibleText.hidden(cp)).as("U+%04X", cp).isTrue();
    }
    for (int cp : new int[] {' ', 'a', '~', 0xe9, 0x4e2d, 0x1f600, 0x2010, 0x2212, 0xfffd}) {
      assertThat(VisibleText.hidden(cp)).as("U+%04X", cp).isFalse();
    }
  }

  @Test
  void aCharacterAfterPlainAsciiIsShownAsItIsShownAlone() {
    // Printable ASCII is passed over without the tables: every other code point right after it,
    // and a tower of marks after it, must still be shown exactly as on its own.
    for (int cp = 0; cp <= 0x10FFFF; cp = cp < 0x3200 ? cp + 1 : cp + 7) {
      String alone = new String(Character.toChars(cp));
      assertThat(VisibleText.inline("select 1 -- " + alone)).isEqualTo("select 1 -- " + VisibleText.inline(alone));
      assertThat(VisibleText.json("{\"a\":\"x " + alone + "\"}"))
          .isEqualTo("{\"a\":\"x " + VisibleText.json(alone) + "\"}");
    }
    assertThat(VisibleText.inline("ab\u0301\u0302\u0303")).isEqualTo("ab\u0301\u0302\\u{0303}");
    assertThat(VisibleText.inline("a\u0301\u0302b\u0301\u0302")).isEqualTo("a\u0301\u0302b\u0301\u0302");
    assertThat(VisibleText.inline("select \u007f")).isEqualTo("select \\x7f");
  }
}
