package dev.gatehouse.recorder;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The recorder's one-pass UTF-8 decoding and JSON escaping against another decoder: for seeded
 * random output (ASCII, controls, NULs, valid sequences of every length, lone continuation bytes,
 * overlong and surrogate forms, truncated sequences, bytes that are never UTF-8) cut into random
 * pieces across {@code output()} calls, the text the recording's output events carry must be what
 * Python's {@code bytes.decode("utf-8", "replace")} reads (one U+FFFD for each maximal invalid
 * subpart, Unicode's recommended practice, which browsers follow too), without the NULs the
 * recorder leaves out. Not the JDK's decoder: it reads the encoding of a UTF-16 surrogate
 * ({@code ED A0 80}) as one invalid unit where Unicode's practice reads three.
 */
class AsciicastDecodingDifferentialTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  private static final int TEXTS = 400;

  @Test
  void outputEventsCarryWhatPythonsDecoderReads() throws Exception {
    differential(true);
  }

  /** Input keeps its NULs (a typed Ctrl-@ is a keystroke); otherwise it is decoded the same way. */
  @Test
  void inputEventsCarryWhatPythonsDecoderReadsNulsKept() throws Exception {
    differential(false);
  }

  private void differential(boolean output) throws Exception {
    long seed = System.nanoTime();
    System.out.println("AsciicastDecodingDifferentialTest seed " + seed + (output ? " (output)" : " (input)"));
    Random r = new Random(seed);
    List<byte[]> texts = new ArrayList<>();
    List<String> recorded = new ArrayList<>();
    List<List<Integer>> cutsOf = new ArrayList<>();
    for (int t = 0; t < TEXTS; t++) {
      byte[] bytes = randomOutput(r, 1 + r.nextInt(3000));
      Path f = dir.resolve("t" + t + ".cast");
      AsciicastWriter w = AsciicastWriter.create(f, AsciicastWriterTest.header("d" + t));
      List<Integer> cuts = new ArrayList<>();
      for (int off = 0; off < bytes.length; ) {
        int n = Math.min(bytes.length - off, 1 + r.nextInt(r.nextBoolean() ? 8 : 700));
        if (output) {
          w.output(bytes, off, n);
        } else {
          w.input(bytes, off, n);
        }
        off += n;
        cuts.add(off);
      }
      w.close();
      StringBuilder seen = new StringBuilder();
      List<JsonNode> lines = AsciicastWriterTest.lines(f);
      for (JsonNode e : lines.subList(1, lines.size())) {
        assertThat(e.get(1).asText()).isEqualTo(output ? "o" : "i");
        seen.append(e.get(2).asText());
      }
      texts.add(bytes);
      recorded.add(seen.toString());
      cutsOf.add(cuts);
    }
    List<String> expected = python(texts, output);
    for (int t = 0; t < TEXTS; t++) {
      String got = recorded.get(t);
      String want = expected.get(t);
      if (!got.equals(want)) {
        int i = 0;
        while (i < Math.min(got.length(), want.length()) && got.charAt(i) == want.charAt(i)) {
          i++;
        }
        throw new AssertionError(String.format("seed %d, text %d: from char %d the recording reads %s, Python %s"
            + " (cuts at %s; bytes %s)", seed, t, i, codePoints(got, i), codePoints(want, i), cutsOf.get(t),
            HexFormat.of().formatHex(texts.get(t))));
      }
    }
  }

  /** Each text decoded by Python 3 (NULs left out for output), in one run of the interpreter. */
  private List<String> python(List<byte[]> texts, boolean dropNul) throws Exception {
    Path in = dir.resolve("texts.hex");
    Files.write(in, texts.stream().map(b -> HexFormat.of().formatHex(b)).toList());
    Process p = new ProcessBuilder("python3", "-c",
        "import sys, json\n"
            + "for l in open(sys.argv[1]):\n"
            + "    t = bytes.fromhex(l.strip()).decode('utf-8', 'replace')\n"
            + "    print(json.dumps(t.replace('\\0', '') if sys.argv[2] == 'drop' else t))",
        in.toString(), dropNul ? "drop" : "keep")
        .redirectErrorStream(true)
        .start();
    List<String> out = new ArrayList<>();
    try (var reader = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      for (String l; (l = reader.readLine()) != null; ) {
        out.add(JSON.readTree(l).asText());
      }
    }
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as("python3 exit: %s", out).isZero();
    assertThat(out).hasSize(texts.size());
    return out;
  }

  private static List<String> codePoints(String s, int from) {
    return s.substring(Math.max(0, from - 4), Math.min(s.length(), from + 8)).codePoints()
        .mapToObj(Integer::toHexString).toList();
  }

  /** Mostly the pieces that make decoding hard, some plain text between them. */
  static byte[] randomOutput(Random r, int length) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    while (b.size() < length) {
      switch (r.nextInt(12)) {
        case 0 -> b.write(r.nextInt(0x20)); // controls, NUL among them
        case 1 -> b.write(0x20 + r.nextInt(0x60)); // printable ASCII, DEL
        case 2 -> b.writeBytes("plain text \"quoted\" \\ back\n".getBytes(StandardCharsets.US_ASCII));
        case 3 -> b.writeBytes(new String(Character.toChars(0x80 + r.nextInt(0x780))).getBytes(StandardCharsets.UTF_8));
        case 4 -> b.writeBytes(new String(Character.toChars(0x800 + r.nextInt(0xD000))).getBytes(StandardCharsets.UTF_8));
        case 5 -> b.writeBytes(new String(Character.toChars(0x10000 + r.nextInt(0x100000))).getBytes(StandardCharsets.UTF_8));
        case 6 -> b.write(0x80 + r.nextInt(0x40)); // a lone continuation byte
        case 7 -> b.write(0xC0 + r.nextInt(0x40)); // a lead byte (C0, C1, F5-FF never valid) with no continuation
        case 8 -> { // a sequence cut short
          int cp = 0x80 + r.nextInt(0x10FFFF - 0x80);
          if (cp >= 0xD800 && cp <= 0xDFFF) {
            cp = 0xE000;
          }
          byte[] s = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8);
          b.write(s, 0, 1 + r.nextInt(s.length - 1));
        }
        case 9 -> { // overlong and surrogate forms
          byte[][] bad = {{(byte) 0xE0, (byte) 0x80, (byte) 0xAF}, {(byte) 0xED, (byte) 0xA0, (byte) 0x80},
              {(byte) 0xF0, (byte) 0x80, (byte) 0x80, (byte) 0xAF}, {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80},
              {(byte) 0xC1, (byte) 0xBF}, {(byte) 0xE0, (byte) 0x9F, (byte) 0xBF}};
          b.writeBytes(bad[r.nextInt(bad.length)]);
        }
        case 10 -> b.write(r.nextInt(256)); // any byte
        default -> { // a run of random bytes, as binary output is
          byte[] x = new byte[1 + r.nextInt(64)];
          r.nextBytes(x);
          b.writeBytes(x);
        }
      }
    }
    return b.toByteArray();
  }
}
