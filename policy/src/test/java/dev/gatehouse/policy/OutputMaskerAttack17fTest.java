package dev.gatehouse.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Attack pass on output masking: text a terminal shows that the masker reads as the inside of a
 * string sequence (OSC, DCS), which it leaves unread. The masker ends such a string at BEL, ST
 * ({@code ESC \}), CAN, SUB and ESC; a terminal that decodes UTF-8 before it parses (asciinema's
 * avt, which the replay page's asciinema-player runs; xterm.js) also ends it at a C1 control
 * written as UTF-8: U+009C (ST) and, in avt's table, U+0080–U+008F, U+0091–U+0097, U+0099,
 * U+009A. What follows is drawn as text there, while the masker, still inside the string, passes
 * it unmasked to the screen and the recording. (The masker takes C1 controls written as UTF-8 for
 * characters in the text, not for sequence bytes: in a string they are skipped like any byte.)
 */
class OutputMaskerAttack17fTest {
  private static final ContentDetectors ALL = ContentDetectors.of(ContentDetectors.NAMES);

  @ParameterizedTest(name = "string ended by U+{0}")
  @ValueSource(strings = {"009C", "0085", "008D", "0099"})
  void aValueAfterAStringEndedByAUtf8C1ControlIsMasked(String hex) throws Exception {
    String c1 = String.valueOf((char) Integer.parseInt(hex, 16));
    for (String opener : new String[] {"\u001b]0;", "\u001bP"}) {
      String text = opener + "title" + c1 + "card 4111 1111 1111 1111 mail alice@example.com\u0007\n";
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      OutputMasker m = new OutputMasker(ALL, MaskForm.FULL, out::write);
      byte[] in = text.getBytes(StandardCharsets.UTF_8);
      m.write(in, 0, in.length);
      m.close();
      String shown = out.toString(StandardCharsets.UTF_8);
      assertThat(shown).as("U+%s after %s: a terminal that decodes UTF-8 draws what follows", hex,
          opener.replace("\u001b", "ESC")).doesNotContain("alice@example.com").doesNotContain("4111 1111 1111 1111");
    }
  }
}
