package dev.gatehouse.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Bytes terminals read differently (swallowed as part of a sequence by xterm.js and avt, shown by
 * others, or the reverse) are read both ways: a value is masked on the terminal that joins it,
 * whichever that is. The attack tests check the xterm.js/avt reading; these check the other one,
 * and that ordinary output is not touched.
 */
class OutputMaskerReadingsTest {
  private static final ContentDetectors ALL = ContentDetectors.of(ContentDetectors.NAMES);

  private static byte[] masked(byte[] in, int... cuts) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    OutputMasker m = new OutputMasker(ALL, MaskForm.FULL, out::write);
    int from = 0;
    for (int cut : cuts) {
      m.write(in, from, cut - from);
      from = cut;
    }
    m.write(in, from, in.length - from);
    m.close();
    return out.toByteArray();
  }

  private static String masked(String in, int... cuts) throws IOException {
    return new String(masked(in.getBytes(StandardCharsets.UTF_8), cuts), StandardCharsets.UTF_8);
  }

  /**
   * A terminal that ends every string at BEL (st does) shows what follows the BEL of a DCS, SOS,
   * PM or APC string as text: {@code alice@example.com}. The sequence's bytes still reach the
   * terminal, only the value's characters are replaced.
   */
  @ParameterizedTest(name = "ESC {0} ... BEL <shown on some terminals> ESC \\")
  @ValueSource(strings = {"X", "^", "_", "P"})
  void theTextAfterABelInAStringIsReadAsTextToo(String opener) throws Exception {
    String in = "mail alice\u001b" + opener + "\u0007@example.com\u001b\\ ok\n";
    String shown = masked(in, 12);
    assertThat(shown).doesNotContain("alice").doesNotContain("example.com")
        .contains("\u001b" + opener + "\u0007").endsWith("\u001b\\ ok\n");
  }

  /** A terminal that ignores C1 controls written as UTF-8 shows what U+009D, U+0090... open. */
  @ParameterizedTest(name = "U+{0}")
  @ValueSource(strings = {"009D", "0090", "0098", "009E", "009F", "009B"})
  void theCharsOfASequenceOpenedByAC1ControlAreReadAsTextToo(String hex) throws Exception {
    char c1 = (char) Integer.parseInt(hex, 16);
    String in = "mail " + c1 + "alice@example.com card 4111 1111 1111 1111\u0007\n";
    String shown = masked(in, 9);
    assertThat(shown).doesNotContain("alice@example.com").doesNotContain("lice@example.com")
        .doesNotContain("4111 1111 1111 1111");
  }

  /** Invalid UTF-8: xterm.js draws nothing for it, others U+FFFD; a value around it is masked. */
  @Test
  void aValueSplitByAnInvalidByteIsMasked() throws Exception {
    ByteArrayOutputStream in = new ByteArrayOutputStream();
    in.writeBytes("mail alice".getBytes(StandardCharsets.UTF_8));
    in.write(0xff);
    in.writeBytes("@example.com\n".getBytes(StandardCharsets.UTF_8));
    String shown = new String(masked(in.toByteArray(), 11), StandardCharsets.ISO_8859_1);
    assertThat(shown).doesNotContain("alice").doesNotContain("example.com").endsWith("\n");
  }

  /** A DCS longer than 4 KiB: its rest is text on a terminal that gives up on it, not on others. */
  @Test
  void aValueInTheRestOfALongStringIsMasked() throws Exception {
    String in = "\u001bP" + "x".repeat(5000) + " alice@example.com\u001b\\ ok\n";
    String shown = masked(in, 100, 4100);
    assertThat(shown).doesNotContain("alice@example.com").startsWith("\u001bP").endsWith("\u001b\\ ok\n");
  }

  /** Ordinary output: colours, cursor moves, titles, UTF-8 and text without values pass as they are. */
  @Test
  void ordinaryOutputPassesByteForByte() throws Exception {
    String in = "\u001b[1;31mred\u001b[0m \u001b[2J\u001b[H\u001b]0;host: ~\u0007caf\u00e9 \u65e5\u672c "
        + "\u001b(B\u001b[?25l\u001b7x\u001b8\r\n";
    assertThat(masked(in, 3, 17, 30)).isEqualTo(in);
  }

  /** A value with colours inside: the colours reach the terminal after the mask. */
  @Test
  void aColouredValueKeepsItsEscapes() throws Exception {
    String in = "mail \u001b[1malice\u001b[0m@example.com ok\n";
    assertThat(masked(in)).isEqualTo("mail \u001b[1m" + MaskForm.STARS + "\u001b[0m ok\n");
  }
}
