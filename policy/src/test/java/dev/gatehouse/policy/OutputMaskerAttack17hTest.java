package dev.gatehouse.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Attack pass on output masking (round 17h): text the masker reads that the terminal does not
 * draw. Each case writes a value in two parts with a few bytes between them; the terminal (xterm.js,
 * whose parser is the VT500 table in {@code src/common/parser/EscapeSequenceParser.ts}, and
 * asciinema's avt, {@code src/parser.rs}, which the replay page and the live view run) swallows
 * those bytes as part of an escape sequence and draws the two parts side by side, the value whole.
 * The masker reads the bytes (or some of them) as text; they are characters no detector's value
 * holds, so the detectors see two pieces and nothing is masked. Every assertion here is on the
 * bytes that reach the client and the recording: the value's parts must not be there.
 *
 * <p>Bypass tests fail now; the {@code Held} tests pass (attempts the masker stops).
 */
class OutputMaskerAttack17hTest {
  private static final ContentDetectors ALL = ContentDetectors.of(ContentDetectors.NAMES);

  private static String masked(String stream) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    OutputMasker m = new OutputMasker(ALL, MaskForm.FULL, out::write);
    byte[] in = stream.getBytes(StandardCharsets.UTF_8);
    m.write(in, 0, in.length);
    m.close();
    return out.toString(StandardCharsets.UTF_8);
  }

  /** Asserts neither part of the e-mail address nor of the card number reaches the screen. */
  private static void assertNoValueParts(String stream, String shown) {
    assertThat(shown).as("masker output for %s", visible(stream))
        .doesNotContain("alice").doesNotContain("example.com")
        .doesNotContain("4111 1111").doesNotContain("1111 1111 1111");
  }

  /**
   * CSI with a non-ASCII character inside. OutputMasker.parse, case CSI: a byte >= 0x80 ends the
   * sequence and is read again as text ({@code state = GROUND; i--}), so {@code é} becomes a char of
   * the text and splits the value. xterm.js: a code point >= 0xA0 in CSI_ENTRY/CSI_PARAM has no
   * transition (default ERROR -> GROUND, the char is dropped, not printed); avt maps it to 'A', a
   * CSI final byte: dispatched as an unknown CSI, not printed. Screen: {@code alice@example.com}.
   */
  @ParameterizedTest(name = "CSI {0}")
  @ValueSource(strings = {"", "1", "?1", "1;2"})
  void aValueSplitByACsiEndingInANonAsciiCharacterIsMasked(String params) throws Exception {
    String seq = "\u001b[" + params + "\u00e9";
    String stream = "mail alice" + seq + "@example.com card 4111 1111" + seq + " 1111 1111\n";
    assertNoValueParts(stream, masked(stream));
  }

  /**
   * ESC followed by a non-ASCII character. OutputMasker.parse, case ESC: {@code b >= 0x80} goes back
   * to GROUND and the char is read as text. xterm.js: no transition for a code point >= 0xA0 in
   * ESCAPE (ERROR, dropped); avt: mapped to 'A', an ESC final (esc_dispatch, nothing printed).
   * Also after an intermediate ({@code ESC ( é}): same in both.
   */
  @ParameterizedTest(name = "ESC {0}")
  @ValueSource(strings = {"\u00e9", "(\u00e9", "#\u4e2d"})
  void aValueSplitByAnEscEndingInANonAsciiCharacterIsMasked(String rest) throws Exception {
    String seq = "\u001b" + rest;
    String stream = "mail alice" + seq + "@example.com card 4111 1111" + seq + " 1111 1111\n";
    assertNoValueParts(stream, masked(stream));
  }

  /**
   * ESC DEL. OutputMasker.parse, case ESC: 0x7f falls to the last branch ("final byte") and ends
   * the sequence, so the next char ({@code |}) is text. xterm.js: {@code table.add(0x7f, ESCAPE,
   * IGNORE, ESCAPE)}, the parser stays in ESCAPE and {@code |} is the ESC final byte (dispatched,
   * not printed); avt: (Escape, 0x7f) matches nothing, stays Escape, {@code |} is dispatched.
   */
  @Test
  void aValueSplitByEscDelAndAFinalByteIsMasked() throws Exception {
    String seq = "\u001b\u007f|";
    String stream = "mail alice" + seq + "@example.com card 4111 1111" + seq + " 1111 1111\n";
    assertNoValueParts(stream, masked(stream));
  }

  /**
   * C1 sequence introducers written as UTF-8 (U+009B CSI, U+009D OSC, U+0090 DCS, U+0098 SOS,
   * U+009E PM, U+009F APC). OutputMasker.drawsNothing leaves C1 controls out of the text and reads
   * on in GROUND (docs/policy.md: "C1 controls written as UTF-8 (U+009B) are characters, not
   * sequences"), so the sequence's body ({@code |}) is text. Both xterm.js and avt decode UTF-8 and
   * then treat U+0080..U+009F as C1 controls: U+009B starts a CSI ({@code |} is its final byte),
   * U+009D an OSC (ended by BEL), U+0090 a DCS, U+0098/9E/9F a SOS/PM/APC string (ended by U+009C).
   * Nothing of the sequence is drawn.
   */
  @ParameterizedTest(name = "introducer U+{0}")
  @ValueSource(strings = {"009B", "009D", "0090", "0098", "009E", "009F"})
  void aValueSplitByASequenceOpenedByAUtf8C1IntroducerIsMasked(String hex) throws Exception {
    char c1 = (char) Integer.parseInt(hex, 16);
    String seq = switch (c1) {
      case '\u009b' -> c1 + "|";
      case '\u009d' -> c1 + "0;|\u0007";
      default -> c1 + "|x\u009c";
    };
    String stream = "mail alice" + seq + "@example.com card 4111 1111" + seq + " 1111 1111\n";
    assertNoValueParts(stream, masked(stream));
  }

  /**
   * BEL inside SOS, PM, APC and DCS strings. OutputMasker.parse, case STRING: BEL ends every string
   * ("wherever any terminal ends it"), and what follows is read as text. Only OSC ends at BEL:
   * xterm.js ignores BEL in SOS_PM_APC_STRING and DCS_ENTRY, and passes it as data in
   * DCS_PASSTHROUGH; avt does the same ((SosPmApcString, 0x07) matches nothing; (DcsPassthrough,
   * 0x07) is put). Both end these strings at {@code ESC \} only, so {@code |} after the BEL is part
   * of the string there and not drawn.
   */
  @ParameterizedTest(name = "string ESC {0} with BEL inside")
  @ValueSource(strings = {"X", "^", "_", "P", "Pq"})
  void aValueSplitByAStringWithABelInsideIsMasked(String opener) throws Exception {
    String seq = "\u001b" + opener + "\u0007|\u001b\\";
    String stream = "mail alice" + seq + "@example.com card 4111 1111" + seq + " 1111 1111\n";
    assertNoValueParts(stream, masked(stream));
  }

  /**
   * A string sequence longer than 4096 bytes. OutputMasker.parse, case STRING: past STRING_LIMIT
   * the string is ended and the rest of it is read as text ("a terminal may give up on it"). Neither
   * replay terminal does: xterm.js stays in OSC_STRING until BEL/ST (its OSC payload limit only
   * drops the data), avt stays in OscString. The body's {@code |} past the limit splits the value.
   */
  @Test
  void aValueSplitByALongOscIsMasked() throws Exception {
    String seq = "\u001b]0;" + "|".repeat(5000) + "\u0007";
    String stream = "mail alice" + seq + "@example.com card 4111 1111" + seq + " 1111 1111\n";
    assertNoValueParts(stream, masked(stream));
  }

  /**
   * A non-ASCII character inside an APC/PM/SOS string or a DCS before its final byte (xterm.js).
   * The masker keeps the string open and reads its body on its own ({@code émple.com}, no value).
   * xterm.js has no transition for a code point >= 0xA0 in SOS_PM_APC_STRING or DCS_ENTRY: ERROR,
   * back to GROUND, the char dropped; what follows is drawn as text, and the closing
   * {@code ESC \} is swallowed. Screen (xterm.js, e.g. a browser or editor terminal on the client
   * side): {@code alice@example.com}. (avt ignores the char and stays in the string: not shown there.)
   */
  @ParameterizedTest(name = "string ESC {0} ended early by a non-ASCII char on xterm.js")
  @ValueSource(strings = {"_", "^", "X", "P"})
  void aValueWhoseSecondPartSitsInAStringEndedByANonAsciiCharOnXtermJsIsMasked(String opener) throws Exception {
    String stream = "mail alice@exa\u001b" + opener + "\u00e9mple.com\u001b\\ card 4111 1111\u001b"
        + opener + "\u00e9 1111 1111\u001b\\\n";
    assertNoValueParts(stream, masked(stream));
  }

  /**
   * Default-ignorable letters and marks that terminals give no cell and fonts draw as nothing:
   * U+17B4/U+17B5 (Khmer inherent vowels, Mn, zero width in xterm.js's wcwidth table and in
   * unicode-width) and U+1160 (Hangul Jungseong filler, zero width in both). OutputMasker.drawsNothing
   * leaves out only FORMAT characters, variation selectors, U+034F and U+2028/9: these are read as
   * characters and split the value.
   */
  @ParameterizedTest(name = "invisible U+{0}")
  @ValueSource(strings = {"17B4", "17B5", "1160"})
  void aValueSplitByAZeroWidthDefaultIgnorableIsMasked(String hex) throws Exception {
    String z = String.valueOf((char) Integer.parseInt(hex, 16));
    String stream = "mail alice" + z + "@example.com card 4111 1111" + z + " 1111 1111\n";
    assertNoValueParts(stream, masked(stream));
  }

  // ---- held: attempts the masker stops ----------------------------------------------------------

  /** Held: CSI with C0 controls and DEL inside (executed / ignored by the terminal) is left out. */
  @Test
  void heldACsiWithDelAndNulInsideIsLeftOut() throws Exception {
    String seq = "\u001b[1\u007f\u0000;2m";
    String stream = "mail alice" + seq + "@example.com card 4111 1111" + seq + " 1111 1111\n";
    assertNoValueParts(stream, masked(stream));
  }

  /** Held: ESC ESC, ESC CAN, a string ended by ESC starting a CSI: all left out. */
  @ParameterizedTest(name = "held {0}")
  @ValueSource(strings = {"\u001b\u001b[m", "\u001b[1\u0018", "\u001b]0;t\u001b[m", "\u001b%G", "\u001b P"})
  void heldOtherSequencesBetweenTheParts(String seq) throws Exception {
    String stream = "mail alice" + seq + "@example.com card 4111 1111" + seq + " 1111 1111\n";
    assertNoValueParts(stream, masked(stream));
  }

  /** Held: a value written across writes with a CSI split between them (no flush) is masked whole. */
  @Test
  void heldAValueAcrossWritesWithASplitCsi() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    OutputMasker m = new OutputMasker(ALL, MaskForm.FULL, out::write);
    for (String part : new String[] {"mail alice@exa\u001b", "[3", "1mmple.com card 4111 11", "11\u001b[", "m 1111 1111\n"}) {
      byte[] b = part.getBytes(StandardCharsets.UTF_8);
      m.write(b, 0, b.length);
    }
    m.close();
    assertNoValueParts("(split)", out.toString(StandardCharsets.UTF_8));
  }

  /** Held: an idle flush in the middle of a CSI: the part after it is masked (carry). */
  @Test
  void heldAnIdleFlushInsideACsi() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    OutputMasker m = new OutputMasker(ALL, MaskForm.FULL, out::write);
    byte[] a = "mail alice@exa\u001b[3".getBytes(StandardCharsets.UTF_8);
    m.write(a, 0, a.length);
    m.flush();
    byte[] b = "1mmple.com\n".getBytes(StandardCharsets.UTF_8);
    m.write(b, 0, b.length);
    m.close();
    assertThat(out.toString(StandardCharsets.UTF_8)).doesNotContain("example.com").doesNotContain("mple.com");
  }

  private static String visible(String s) {
    StringBuilder b = new StringBuilder();
    for (char c : s.toCharArray()) {
      if (c < 0x20 || c >= 0x7f && c < 0xa0 || c > 0x7e && !Character.isLetter(c)) {
        b.append(String.format("\\u%04x", (int) c));
      } else {
        b.append(c);
      }
    }
    return b.toString();
  }
}
