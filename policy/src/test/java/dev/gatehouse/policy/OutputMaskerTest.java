package dev.gatehouse.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The streaming masker of terminal output: cut anywhere, it masks exactly as the whole stream
 * masked at once (a seeded differential test over generated terminal output), it reads values
 * through escape sequences, and what a forced cut (idle, hold limit) still guarantees.
 */
class OutputMaskerTest {
  private static final ContentDetectors ALL = ContentDetectors.of(ContentDetectors.NAMES);

  /** Pieces of terminal output: parts of every detector's values, separators, escapes, UTF-8, NULs. */
  private static final String[] PIECES = {
    "alice", "@", "example.com", ".", "bob.smith+x", "-", "_", " ", "\n", "\r\n", "\r", "\t", "\u0000", "\u0000\u0000", "\u0007", "\u000f",
    "\u007f", "\u200b", "\u2060", "\u00ad", "\ufeff",
    "4111", " 1111", "-1111", "1111", "4111 1111 1111 1111", "5500-0000-0000-0004", "0123456789",
    "DE89 3704 0044 0532 0130 00", "DE89", "3704", "GB82WEST12345698765432",
    "api_key", "API-KEY", "token", "Token", "password", "\u212Aey", "=", ":", " : ", "\"", "'", "\n  ", ": \n",
    "Zq8x/Yk+2=~._-Lm4Np6Rt8Vw0", "abcdefghijklmnopqrstuvwxyz0123456789", "AKIAIOSFODNN7EXAMPLE", "ghp_",
    "ghp_0123456789abcdefghijklmnopqrstuvwxyzAB", "sk-", "xoxb-0123456789-abc",
    "-----BEGIN RSA PRIVATE KEY-----", "\nMIIEowIBAAKCAQEA7bq\n", "-----END RSA PRIVATE KEY-----", "-----BEGIN ",
    "PRIVATE KEY-----", "-----END PRIVATE KEY-----",
    "eyJhbGciOiJIUzI1NiJ9", ".eyJzdWIiOiIxIn0", ".sig_-x", "eyJ",
    "\u001b[0m", "\u001b[1;31m", "\u001b[K", "\u001b[2J\u001b[H", "\u001b]0;title\u0007", "\u001b]8;;http://x\u001b\\",
    "\u001b(B", "\u001b7", "\u001bP1$r\u001b\\", "\u001b[?25l", "\u001b", "\u001b[", "\u001b]",
    "é", "日本", "😀", "ı", "(", ")", ";", "$ ", "# ", "|", "<>", ",", "!", "x", "9", "K", "s",
    // read differently by terminals: C1 introducers, BEL and non-ASCII in strings, ESC DEL, ESC é
    "\u009b", "\u009d", "\u0090", "\u009f", "\u009c", "\u0085", "\u001b_", "\u001bX", "\u001b^", "\u001bP",
    "\u001b\\", "\u001b\u007f", "\u001b[1\u00e9", "\u001b(\u00e9", "\u17b4", "\u1160"
  };

  private static byte[] corpusText(Random random, int pieces) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    for (int i = 0; i < pieces; i++) {
      b.writeBytes(PIECES[random.nextInt(PIECES.length)].getBytes(StandardCharsets.UTF_8));
      if (random.nextInt(40) == 0) {
        b.write(0x80 + random.nextInt(0x40)); // a stray continuation byte: invalid UTF-8
      }
    }
    return b.toByteArray();
  }

  private static byte[] streamed(ContentDetectors d, byte[] in, int[] cuts) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    OutputMasker m = new OutputMasker(d, MaskForm.FULL, out::write);
    int from = 0;
    for (int cut : cuts) {
      m.write(in, from, cut - from);
      from = cut;
    }
    m.write(in, from, in.length - from);
    m.close();
    return out.toByteArray();
  }

  private static int[] randomCuts(Random random, int length) {
    int n = random.nextInt(Math.max(1, Math.min(length, 12)) + 1);
    return random.ints(n, 0, length + 1).sorted().toArray();
  }

  /**
   * Found by the seeded test below (seed 77571676300195): a PEM block of the text read without the
   * chars terminals disagree on starts inside a block of the text read with them; the cut moved out
   * of the one it was in and stopped inside the other, which was checked first, and the rest came
   * out as a second masked value.
   */
  @Test
  void aCutIsMadeOutsideEveryOverlappingPemBlockOfBothReadings() throws IOException {
    byte[] in = "\u009f-----BEGIN PRIVATE KEY-----\u001b\u00e1(-----BEGIN PRIVATE KEY-----\u001bP\u0007END PRIVATE KEY-----"
        .getBytes(StandardCharsets.ISO_8859_1); // a raw C1 byte (APC) and an invalid UTF-8 lead byte (0xE1)
    byte[] whole = OutputMasker.maskWhole(ALL, MaskForm.FULL, in);
    assertThat(show(whole)).isEqualTo("\\x9f********\\x1b\\x1bP\\x07");
    assertThat(show(streamed(ALL, in, new int[0]))).isEqualTo(show(whole));
  }

  @Test
  void anyChunkingMasksExactlyAsTheWholeStreamAtOnce() throws IOException {
    long seed = Long.getLong("gatehouse.masker.seed", System.nanoTime());
    System.out.println("OutputMaskerTest seed " + seed + " (-Dgatehouse.masker.seed=" + seed + ")");
    Random random = new Random(seed);
    int masked = 0;
    for (int n = 0; n < 10_000; n++) {
      byte[] in = corpusText(random, 1 + random.nextInt(30));
      byte[] whole = OutputMasker.maskWhole(ALL, MaskForm.FULL, in);
      int[] cuts = randomCuts(random, in.length);
      byte[] got = streamed(ALL, in, cuts);
      if (!java.util.Arrays.equals(whole, got)) {
        throw new AssertionError("seed " + seed + ", text " + show(in) + ", cuts " + java.util.Arrays.toString(cuts)
            + "\nwhole:    " + show(whole) + "\nstreamed: " + show(got));
      }
      // byte by byte too, for one in eight
      if (n % 8 == 0) {
        int[] every = java.util.stream.IntStream.range(1, in.length).toArray();
        assertThat(show(streamed(ALL, in, every))).as("seed %d byte by byte: %s", seed, show(in)).isEqualTo(show(whole));
      }
      if (!java.util.Arrays.equals(whole, in)) {
        masked++;
      }
    }
    System.out.println("masked something in " + masked + " of 10000");
    assertThat(masked).as("the corpus must exercise the detectors").isGreaterThan(1_000);
  }

  @Test
  void withoutEscapesTheWholeStreamIsMaskedAsTheDetectorsMaskText() throws IOException {
    long seed = Long.getLong("gatehouse.masker.seed", System.nanoTime());
    Random random = new Random(seed);
    for (int n = 0; n < 5_000; n++) {
      StringBuilder b = new StringBuilder();
      for (int i = 0, k = 1 + random.nextInt(20); i < k; i++) {
        String p = PIECES[random.nextInt(PIECES.length)];
        if (!p.contains("\u001b") && p.codePoints().noneMatch(OutputMasker::drawsNothing)) {
          b.append(p);
        }
      }
      String text = b.toString();
      byte[] whole = OutputMasker.maskWhole(ALL, MaskForm.FULL, text.getBytes(StandardCharsets.UTF_8));
      assertThat(new String(whole, StandardCharsets.UTF_8)).as("seed %d: %s", seed, text)
          .isEqualTo(ALL.mask(text, MaskForm.FULL));
    }
  }

  @Test
  void aValueIsReadThroughColoursAndItsEscapesFollowItsMask() throws IOException {
    byte[] out = streamed(ALL, "ab\u001b[0mc@example.com done\n".getBytes(StandardCharsets.UTF_8), new int[] {2, 5});
    assertThat(new String(out, StandardCharsets.UTF_8)).isEqualTo("********\u001b[0m done\n");
  }

  @Test
  void aValueSplitAcrossAUtf8CharacterAndChunksIsMasked() throws IOException {
    byte[] in = "é alice@example.com é\n".getBytes(StandardCharsets.UTF_8);
    for (int cut = 1; cut < in.length; cut++) {
      assertThat(new String(streamed(ALL, in, new int[] {cut}), StandardCharsets.UTF_8)).isEqualTo("é ******** é\n");
    }
  }

  @Test
  void controlCharactersAndInvalidBytesPassUnchanged() throws IOException {
    byte[] in = {0, 0, 'a', (byte) 0xff, '\r', 0x1b, '[', '2', 'K', (byte) 0xc3, 0, '\n'};
    assertThat(streamed(ALL, in, new int[] {3, 9})).isEqualTo(in);
  }

  @ParameterizedTest(name = "U+{0}")
  @ValueSource(ints = {0x00, 0x07, 0x0e, 0x0f, 0x1c, 0x7f, 0x85, 0x9b, 0xad, 0x200b, 0x200c, 0x200d, 0x2060, 0xfeff,
      0xfe0f, 0x034f, 0x202e, 0xe0041})
  void aCharacterThatDrawsNothingInsideAValueIsMaskedAcross(int invisible) throws IOException {
    String inv = new String(Character.toChars(invisible));
    byte[] in = ("mail: alice.secret@exam" + inv + "ple.com\n").getBytes(StandardCharsets.UTF_8);
    for (int cut = 1; cut < in.length; cut++) {
      // The screen shows the value whole; so must the detectors read it. The character's bytes follow the mask.
      assertThat(new String(streamed(ALL, in, new int[] {cut}), StandardCharsets.UTF_8)).as("cut %d", cut)
          .isEqualTo("mail: ********" + inv + "\n");
    }
  }

  @Test
  void aCharacterThatMovesTheCursorStillSeparatesValues() throws IOException {
    byte[] out = streamed(ALL, "a@example.com\bb\tc@example.com\n".getBytes(StandardCharsets.UTF_8), new int[] {});
    assertThat(new String(out, StandardCharsets.UTF_8)).isEqualTo("********\bb\t********\n");
  }

  @Test
  void aCarriageReturnSeparatesValuesAsOnScreen() throws IOException {
    byte[] out = streamed(ALL, "progress 10%\rcard 4111 1111 1111 1111\r\n".getBytes(StandardCharsets.UTF_8), new int[] {20});
    assertThat(new String(out, StandardCharsets.UTF_8)).isEqualTo("progress 10%\rcard ********\r\n");
  }

  @Test
  void textAfterASafeCutIsPassedOnAtOnceAndOnlyAPossibleValueIsHeld() throws IOException {
    List<String> got = new ArrayList<>();
    OutputMasker m = new OutputMasker(ALL, MaskForm.FULL, (b, off, len) -> got.add(new String(b, off, len, StandardCharsets.UTF_8)));
    m.write("line one;\nuser@host:~$ ".getBytes(StandardCharsets.UTF_8), 0, 23);
    assertThat(got).containsExactly("line one;\nuser@host:~$");
    assertThat(m.holding()).isTrue();
    m.flush();
    assertThat(got).containsExactly("line one;\nuser@host:~$", " ");
    assertThat(m.holding()).isFalse();
  }

  @Test
  void afterAnIdleFlushTheRestOfAValueIsStillMasked() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    OutputMasker m = new OutputMasker(ALL, MaskForm.FULL, out::write);
    m.write("card 4111 1111".getBytes(StandardCharsets.UTF_8), 0, 14);
    m.flush(); // the program paused mid-value
    byte[] rest = " 1111 1111\n".getBytes(StandardCharsets.UTF_8);
    m.write(rest, 0, rest.length);
    m.close();
    String screen = out.toString(StandardCharsets.UTF_8);
    assertThat(screen).isEqualTo("card 4111 1111********\n");
    assertThat(screen.replace("********", "")).doesNotContain("1111 1111 1111");
    assertThat(m.maskedCounts()).isEqualTo(Map.of("credit-card", 1L));
  }

  @Test
  void aPrivateKeyLongerThanTheHoldLimitIsMaskedToItsEnd() throws IOException {
    StringBuilder key = new StringBuilder("-----BEGIN OPENSSH PRIVATE KEY-----\n");
    Random random = new Random(7);
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    while (key.length() < 3 * OutputMasker.HOLD_LIMIT) {
      for (int i = 0; i < 70; i++) {
        key.append(alphabet.charAt(random.nextInt(alphabet.length())));
      }
      key.append('\n');
    }
    key.append("-----END OPENSSH PRIVATE KEY-----\nafter\n");
    byte[] in = ("before\n" + key).getBytes(StandardCharsets.UTF_8);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    OutputMasker m = new OutputMasker(ALL, MaskForm.FULL, out::write);
    for (int off = 0; off < in.length; off += 1000) {
      m.write(in, off, Math.min(1000, in.length - off));
    }
    m.close();
    String screen = out.toString(StandardCharsets.UTF_8);
    assertThat(screen).startsWith("before\n").endsWith("\nafter\n").doesNotContain("BEGIN OPENSSH");
    assertThat(screen.replace("********", "").replace("\n", "")).isEqualTo("beforeafter");
  }

  @Test
  void anUnendedStringSequenceIsReadAsTextAfterItsLimit() throws IOException {
    String osc = "\u001b]0;" + "x".repeat(5000) + " alice@example.com\n";
    byte[] out = streamed(ALL, osc.getBytes(StandardCharsets.UTF_8), new int[] {100});
    assertThat(new String(out, StandardCharsets.UTF_8)).doesNotContain("alice@example.com");
  }

  /** A value in a window title or any string body: some terminals show it, so it is masked there too. */
  @Test
  void aValueInsideAStringSequenceIsMasked() throws IOException {
    for (String opener : new String[] {"\u001b]0;", "\u001b]2;", "\u001bP", "\u001b_", "\u001b^", "\u001bX"}) {
      for (String end : new String[] {"\u0007", "\u001b\\"}) {
        String in = opener + "mail alice@example.com card 4111 1111 1111 1111" + end + "shown\n";
        byte[] out = streamed(ALL, in.getBytes(StandardCharsets.UTF_8), new int[] {3, 11});
        assertThat(new String(out, StandardCharsets.UTF_8)).as(show(in.getBytes(StandardCharsets.UTF_8)))
            .doesNotContain("alice@example.com").doesNotContain("4111 1111 1111 1111")
            .startsWith(opener).endsWith(end + "shown\n");
      }
    }
  }

  /** An 8-bit C1 byte (raw, not UTF-8) ends a string on a terminal that reads bytes: what follows is text. */
  @Test
  void aRawC1ByteEndsAStringSequence() throws IOException {
    for (int c1 : new int[] {0x9c, 0x85, 0x8d, 0x99, 0x9b, 0x90}) {
      java.io.ByteArrayOutputStream in = new java.io.ByteArrayOutputStream();
      in.writeBytes("\u001b]0;t".getBytes(StandardCharsets.UTF_8));
      in.write(c1);
      in.writeBytes("alice@example.com 4111 1111 1111 1111\u0007\n".getBytes(StandardCharsets.UTF_8));
      String shown = new String(streamed(ALL, in.toByteArray(), new int[] {5}), StandardCharsets.ISO_8859_1);
      assertThat(shown).as("after 0x%02x", c1).doesNotContain("alice@example.com").doesNotContain("4111 1111 1111 1111");
    }
  }

  @Test
  void countsMaskedValuesByDetector() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    OutputMasker m = new OutputMasker(ALL, MaskForm.FULL, out::write);
    byte[] in = "a@example.com b@example.com 4111 1111 1111 1111\n".getBytes(StandardCharsets.UTF_8);
    m.write(in, 0, in.length);
    m.close();
    assertThat(m.maskedCounts()).containsExactly(Map.entry("email", 2L), Map.entry("credit-card", 1L));
  }

  private static String show(byte[] b) {
    StringBuilder s = new StringBuilder();
    for (byte x : b) {
      int c = x & 0xff;
      if (c >= 0x20 && c < 0x7f && c != '\\') {
        s.append((char) c);
      } else {
        s.append(String.format("\\x%02x", c));
      }
    }
    return s.toString();
  }
}
