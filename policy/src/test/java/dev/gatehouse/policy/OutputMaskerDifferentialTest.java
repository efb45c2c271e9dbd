package dev.gatehouse.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The masker's faster reading of the terminal stream changes nothing a user sees: over random
 * terminal output (values of every detector, escape sequences, strings, UTF-8, controls, invalid
 * bytes), random chunkings and idle flushes at random points, in every mask form, the masker
 * writes byte for byte what {@link OutputMaskerReference} (the masker before, kept in the test
 * sources) writes, with the same counts. Small streams run the reference on the patterns alone
 * (no prefilters, no hand-written matchers); streams past the slice and hold limits run both on
 * the same detectors.
 */
class OutputMaskerDifferentialTest {
  private static final ContentDetectors FAST = ContentDetectors.of(ContentDetectors.NAMES);
  private static final ContentDetectors PATTERNS = ContentDetectors.of(ContentDetectors.NAMES, false);

  private static final String[] PIECES = {
    "alice", "@", "example.com", ".", "alice.smith@example.com", "x@-y.com", "a@b.co", "-", "_", " ", "  ", "\n",
    "\r\n", "\r", "\t", "\u000b", "\f", "\b", "\u0000", "\u0007", "\u000e", "\u007f", "\u0085", "\u009c", "\u200b",
    "\u00ad", "\ufeff", "\ufe0f", "4111", " 1111", "-1111", "4111 1111 1111 1111", "378282246310005",
    "41111111111111111111", "0123456789", "12:00", "DE89 3704 0044 0532 0130 00", "api_key", "API-KEY", "token",
    "secret", "password", "\u212Aey", "\u017Fecret", "=", ":", " : ", "\"", "'", ": \n",
    "Zq8x/Yk+2=~._-Lm4Np6Rt8Vw0", "AKIAIOSFODNN7EXAMPLE", "ghp_0123456789abcdefghijklmnopqrstuvwxyzAB",
    "sk-abcdefghijklmnopqrstuv", "xoxb-0123456789-abc", "-----BEGIN RSA PRIVATE KEY-----", "\nMIIEowIBAAKCAQEA7bq\n",
    "-----END RSA PRIVATE KEY-----", "-----BEGIN ", "eyJhbGciOiJIUzI1NiJ9", ".eyJzdWIiOiIxIn0", ".sig_-x",
    "\u001b[0m", "\u001b[1;31m", "\u001b[K", "\u001b]0;title\u0007", "\u001b]0;mail a@b.co\u0007",
    "\u001b]8;;http://x\u001b\\", "\u001bP1$r\u001b\\", "\u001b(B", "\u001b7", "\u001b[?25l", "\u001b", "\u001b[",
    "\u001b]", "\u001b_", "\u001b\u001b", "\u009b", "\u009d", "\u0090", "\u009f", "\u001bX", "\u001b\\",
    "\u001b\u007f", "\u001b[1\u00e9", "\u17b4", "é", "日本", "😀", "ı", ";", "$ ", "(", ")", "!", "x", "9", "k", "s",
    "deploy by alice.smith@example.com card 4111 1111 1111 1111 at 12:00\n",
    "The quick brown fox jumps over the lazy dog; 0123456789 ~!@#%^&*()\n"
  };

  private static final MaskForm[] FORMS = MaskForm.values();

  private static byte[] corpus(Random random, int pieces) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    for (int i = 0; i < pieces; i++) {
      b.writeBytes(PIECES[random.nextInt(PIECES.length)].getBytes(StandardCharsets.UTF_8));
      int r = random.nextInt(60);
      if (r == 0) {
        b.write(0x80 + random.nextInt(0x40)); // a stray continuation byte
      } else if (r == 1) {
        b.write(0xc0 + random.nextInt(0x40)); // a lead byte, perhaps cut off
      }
    }
    return b.toByteArray();
  }

  /** What a masker writes, and its counts, for one chunking; flushes where {@code flushes} says. */
  private record Run(byte[] out, String counts) {}

  private interface Masker {
    void write(byte[] b, int off, int n) throws IOException;

    void flush() throws IOException;

    void close() throws IOException;

    String counts();
  }

  private static Run run(Masker m, ByteArrayOutputStream out, byte[] in, int[] cuts, boolean[] flushes)
      throws IOException {
    int from = 0;
    for (int k = 0; k < cuts.length; k++) {
      m.write(in, from, cuts[k] - from);
      from = cuts[k];
      if (flushes[k]) {
        m.flush();
      }
    }
    m.write(in, from, in.length - from);
    m.close();
    return new Run(out.toByteArray(), m.counts());
  }

  private static Run now(ContentDetectors d, MaskForm form, byte[] in, int[] cuts, boolean[] flushes)
      throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    OutputMasker m = new OutputMasker(d, form, out::write);
    return run(new Masker() {
      @Override
      public void write(byte[] b, int off, int n) throws IOException {
        m.write(b, off, n);
      }

      @Override
      public void flush() throws IOException {
        m.flush();
      }

      @Override
      public void close() throws IOException {
        m.close();
      }

      @Override
      public String counts() {
        return m.maskedCounts().toString();
      }
    }, out, in, cuts, flushes);
  }

  private static Run before(ContentDetectors d, MaskForm form, byte[] in, int[] cuts, boolean[] flushes)
      throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    OutputMaskerReference m = new OutputMaskerReference(d, form, out::write);
    return run(new Masker() {
      @Override
      public void write(byte[] b, int off, int n) throws IOException {
        m.write(b, off, n);
      }

      @Override
      public void flush() throws IOException {
        m.flush();
      }

      @Override
      public void close() throws IOException {
        m.close();
      }

      @Override
      public String counts() {
        return m.maskedCounts().toString();
      }
    }, out, in, cuts, flushes);
  }

  private static int[] cuts(Random random, int length) {
    int n = random.nextInt(Math.max(1, Math.min(length, 16)) + 1);
    return random.ints(n, 0, length + 1).sorted().toArray();
  }

  private static boolean[] flushes(Random random, int n) {
    boolean[] f = new boolean[n];
    boolean any = random.nextInt(3) == 0; // two thirds of the runs without idle flushes
    for (int k = 0; k < n; k++) {
      f[k] = any && random.nextInt(3) == 0;
    }
    return f;
  }

  private static void same(long seed, byte[] in, int[] cuts, boolean[] flushes, MaskForm form, Run want, Run got) {
    if (!java.util.Arrays.equals(want.out(), got.out()) || !want.counts().equals(got.counts())) {
      throw new AssertionError("seed " + seed + ", form " + form + ", text " + show(in) + ", cuts "
          + java.util.Arrays.toString(cuts) + ", flushes " + java.util.Arrays.toString(flushes)
          + "\nbefore: " + show(want.out()) + " " + want.counts() + "\nnow:    " + show(got.out()) + " " + got.counts());
    }
  }

  @Test
  void smallStreamsAreMaskedByteForByteAsBefore() throws IOException {
    long seed = Long.getLong("gatehouse.masker.seed", System.nanoTime());
    System.out.println("OutputMaskerDifferentialTest seed " + seed + " (-Dgatehouse.masker.seed=" + seed + ")");
    smallStreams(seed);
  }

  /**
   * A seed that met the masker's counting shortcut: a PEM header followed by ESC DEL, whose bytes
   * the masker dropped after the value's mask where the reference writes them (fixed by removing
   * the shortcut).
   */
  @Test
  void aValuesEscapeBytesAfterItsMaskAsBefore() throws IOException {
    smallStreams(24897150386186L);
  }

  private static void smallStreams(long seed) throws IOException {
    Random random = new Random(seed);
    int masked = 0;
    for (int n = 0; n < 4_000; n++) {
      byte[] in = corpus(random, 1 + random.nextInt(40));
      MaskForm form = FORMS[random.nextInt(FORMS.length)];
      int[] cuts = cuts(random, in.length);
      boolean[] flushes = flushes(random, cuts.length);
      Run want = before(PATTERNS, form, in, cuts, flushes);
      same(seed, in, cuts, flushes, form, want, now(FAST, form, in, cuts, flushes));
      if (n % 8 == 0) { // byte by byte
        int[] every = java.util.stream.IntStream.range(1, in.length).toArray();
        boolean[] none = new boolean[every.length];
        same(seed, in, every, none, form, before(PATTERNS, form, in, every, none), now(FAST, form, in, every, none));
      }
      if (!java.util.Arrays.equals(want.out(), in)) {
        masked++;
      }
    }
    System.out.println("masked something in " + masked + " of 4000");
    assertThat(masked).as("the corpus must exercise the detectors").isGreaterThan(1_000);
  }

  @Test
  void longStreamsPastTheSliceAndHoldLimitsAreMaskedByteForByteAsBefore() throws IOException {
    long seed = Long.getLong("gatehouse.masker.seed", System.nanoTime());
    System.out.println("OutputMaskerDifferentialTest seed " + seed + " (-Dgatehouse.masker.seed=" + seed + ")");
    Random random = new Random(seed);
    for (int n = 0; n < 40; n++) {
      // long runs of one line (bulk output), then a random tail; sometimes one line without a safe cut
      List<byte[]> parts = new ArrayList<>();
      String line = PIECES[PIECES.length - 1 - random.nextInt(2)];
      int lines = random.nextInt(700);
      parts.add(line.repeat(lines).getBytes(StandardCharsets.UTF_8));
      if (random.nextBoolean()) {
        parts.add("x".repeat(OutputMasker.HOLD_LIMIT + random.nextInt(4000)).getBytes(StandardCharsets.UTF_8));
      }
      parts.add(corpus(random, 1 + random.nextInt(400)));
      ByteArrayOutputStream b = new ByteArrayOutputStream();
      parts.forEach(b::writeBytes);
      byte[] in = b.toByteArray();
      MaskForm form = FORMS[random.nextInt(FORMS.length)];
      int[] cuts = cuts(random, in.length);
      boolean[] flushes = flushes(random, cuts.length);
      same(seed, in, cuts, flushes, form, before(FAST, form, in, cuts, flushes), now(FAST, form, in, cuts, flushes));
    }
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
    return s.length() > 4000 ? s.substring(0, 2000) + " ... " + s.substring(s.length() - 2000) : s.toString();
  }
}
