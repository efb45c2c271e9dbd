package dev.gatehouse.gateway.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class VisibleOutputTest {
  private static String through(byte[]... writes) throws Exception {
    ByteArrayOutputStream sink = new ByteArrayOutputStream();
    try (VisibleOutput out = new VisibleOutput(sink)) {
      for (byte[] w : writes) {
        out.write(w, 0, w.length);
      }
    }
    return sink.toString(StandardCharsets.UTF_8);
  }

  @Test
  void controlAndInvisibleCharactersReachTheTerminalAsEscapesEvenSplitAcrossWrites() throws Exception {
    byte[] rlo = "\u202e".getBytes(StandardCharsets.UTF_8); // E2 80 AE
    String shown = through("a\u001b]0;T\u0007\tb\n".getBytes(StandardCharsets.UTF_8),
        new byte[] {rlo[0]}, new byte[] {rlo[1], rlo[2]}, "é\u009b2J\r\u007f".getBytes(StandardCharsets.UTF_8));
    assertThat(shown).isEqualTo("a\\x1b]0;T\\x07\tb\n\\u{202e}é\\u{009b}2J\\r\\x7f");
  }

  @Test
  void bytesThatAreNotUtf8AreShownAsHex() throws Exception {
    assertThat(through(new byte[] {'x', (byte) 0xff, (byte) 0xc3, 'y', (byte) 0x80, (byte) 0xe2, (byte) 0x80}))
        .isEqualTo("x\\xff\\xc3y\\x80\\xe2\\x80");
    // an overlong encoding of ESC and a UTF-8 encoded surrogate are refused, not decoded
    assertThat(through(new byte[] {(byte) 0xc0, (byte) 0x9b, (byte) 0xed, (byte) 0xa0, (byte) 0x80}))
        .isEqualTo("\\xc0\\x9b\\xed\\xa0\\x80");
  }

  @Test
  void aTowerOfCombiningMarksReachesTheTerminalEscapedPastTwoEvenSplitAcrossWrites() throws Exception {
    byte[] mark = "\u0e49".getBytes(StandardCharsets.UTF_8); // Thai mai tho, E0 B9 89
    String shown = through("\u0e14\u0e49\u0301".getBytes(StandardCharsets.UTF_8), new byte[] {mark[0]},
        new byte[] {mark[1], mark[2]}, "\u0e49 OR id > 0\n\u0301\u0301\u0301".getBytes(StandardCharsets.UTF_8));
    assertThat(shown).isEqualTo("\u0e14\u0e49\u0301\\u{0e49}\\u{0e49} OR id > 0\n\u0301\u0301\\u{0301}");
  }
}
