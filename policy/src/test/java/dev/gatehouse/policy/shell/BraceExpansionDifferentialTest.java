package dev.gatehouse.policy.shell;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link BraceExpansion} against bash itself: a seeded generated corpus of brace words (nesting,
 * quotes, backslashes, {@code $}, sequences with steps and padding, empty alternatives, unbalanced
 * braces; the seed is printed, rerun one with {@code -Dgatehouse.braceSeed=N}) is expanded by one
 * bash, and each word this reader makes is expanded by the same bash on its own: the words bash
 * passes must be the same (bash does the expansions after braces and quote removal on both sides).
 * A word whose made words have a plain value ({@link ShellWords#quoteRemoved}) must give exactly
 * bash's words; a word this reader does not know must be one it calls brace-expanding.
 */
class BraceExpansionDifferentialTest {
  private static final int WORDS = 3000;
  private static final String[] ATOMS = {"a", "b", "Z", "x", "0", "1", "9", "-1", "05", ".", "..", ",", "{", "}", "{}",
      "{x}", "\\{", "\\}", "\\,", "\\\\", "'{a,b}'", "\"x,y\"", "\"{\"", "'}'", "'..'", "$v", "${v}", "${v:-q}", "\\$",
      "$(echo m,n)", "`echo k`", "\\ ", "\" \"", "-", "+", "~", "=", "/", "''"};
  private static final String[] SEQUENCES = {"{1..3}", "{01..3}", "{1..03}", "{-01..2}", "{3..1}", "{1..9..3}", "{9..1..-4}",
      "{a..e..2}", "{a..Z}", "{Z..a..3}", "{1..99999999999999999999}", "{0..3000000000}", "{a..1}", "{1..}", "{..1}",
      "{1...3}", "{x..y}", "{ 1..2}", "{1..2 }", "{1..3..}", "{1..3..+2}", "{-3..-1}"};

  @Test
  void bracesAreReadAsBashReadsThem(@TempDir Path tmp) throws Exception {
    String seedProperty = System.getProperty("gatehouse.braceSeed", "6102218553467112331");
    long seed = seedProperty.equals("random") ? new Random().nextLong() : Long.parseLong(seedProperty);
    System.out.println("BraceExpansionDifferentialTest seed " + seed);
    Random r = new Random(seed);
    List<String> corpus = new ArrayList<>(List.of("{touch,W,{x}}", "{{a,b}}", "{a..b\",\"}", "{01..03}", "{a..Z}",
        "x{1..99999999999999999999}y{a,b}", "{a,b}{}", "{},a}", "{ a,b}", "a{ ,b}", "{\\ ,/}", "${v-{a,b}}", "'$'{a,b}",
        "{a,$(echo {b,c})}", "{-N,--lesskey-src=F,{}}", "{x,{y,z}w}", "x{1..300}", "{,}", "x{,}", "{a\\,b,c}", "{\"a,b\",c}"));
    while (corpus.size() < WORDS) {
      corpus.add(word(r, 0));
    }
    StringBuilder script = new StringBuilder("set -f\nv=V\n");
    List<List<String>> made = new ArrayList<>();
    for (int k = 0; k < corpus.size(); k++) {
      List<String> ours = BraceExpansion.ofSource(corpus.get(k));
      made.add(ours);
      script.append("echo @@B; set -- ").append(corpus.get(k)).append("; printf '%s\\n' \"$@\"\n");
      script.append("echo @@O\n");
      for (String o : ours == null ? List.<String>of() : ours) {
        script.append("set -- ").append(o).append("; printf '%s\\n' \"$@\"\n");
      }
    }
    Path file = tmp.resolve("words.sh");
    Path output = tmp.resolve("words.out");
    Files.writeString(file, script);
    Process bashRun = new ProcessBuilder("bash", "--norc", "--noprofile", file.toString()).directory(tmp.toFile())
        .redirectErrorStream(true).redirectOutput(output.toFile()).start();
    assertThat(bashRun.waitFor(60, TimeUnit.SECONDS)).isTrue();
    List<String> lines = Files.readAllLines(output);
    int at = 0;
    int exact = 0;
    for (int k = 0; k < corpus.size(); k++) {
      String word = corpus.get(k);
      assertThat(lines.get(at)).as("seed %d, word %s", seed, word).isEqualTo("@@B");
      List<String> bash = new ArrayList<>();
      for (at++; !lines.get(at).equals("@@O"); at++) {
        bash.add(lines.get(at));
      }
      List<String> ours = new ArrayList<>();
      for (at++; at < lines.size() && !lines.get(at).equals("@@B"); at++) {
        ours.add(lines.get(at));
      }
      List<String> written = made.get(k);
      if (written == null) {
        assertThat(ShellWords.braceExpansion(word)).as("seed %d: not known, so it may expand: %s", seed, word).isTrue();
        continue;
      }
      assertThat(ours).as("seed %d, word %s, read as %s", seed, word, written).isEqualTo(bash);
      assertThat(ShellWords.braceExpansion(word)).as("seed %d, expands: %s", seed, word)
          .isEqualTo(!written.equals(List.of(word)));
      List<String> values = new ArrayList<>();
      for (String w : written) {
        String v = ShellWords.quoteRemoved(w);
        if (v == null) {
          values = null;
          break;
        }
        if (!w.isEmpty()) {
          values.add(v);
        }
      }
      if (values != null && !word.contains("~")) {
        assertThat(values).as("seed %d, values of %s", seed, word).isEqualTo(bash);
        exact++;
      }
    }
    assertThat(exact).isGreaterThan(WORDS / 3);
  }

  private static String word(Random r, int depth) {
    StringBuilder w = new StringBuilder();
    int pieces = 1 + r.nextInt(4);
    for (int i = 0; i < pieces; i++) {
      int kind = r.nextInt(10);
      if (kind < 4 || depth > 2) {
        w.append(ATOMS[r.nextInt(ATOMS.length)]);
      } else if (kind < 6) {
        w.append(SEQUENCES[r.nextInt(SEQUENCES.length)]);
      } else {
        StringBuilder b = new StringBuilder("{");
        int alternatives = r.nextInt(4);
        for (int a = 0; a <= alternatives; a++) {
          if (a > 0) {
            b.append(',');
          }
          if (r.nextInt(4) > 0) {
            b.append(word(r, depth + 1));
          }
        }
        if (r.nextInt(8) > 0) {
          b.append('}');
        }
        w.append(b);
      }
    }
    return w.toString();
  }
}
