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
 * braces; each a single word as bash's parser reads one, so a blank in it is quoted; the seed is printed, rerun one with {@code -Dgatehouse.braceSeed=N}) is expanded by one
 * bash, and each word this reader makes is expanded by the same bash on its own: the words bash
 * passes must be the same (bash does the expansions after braces and quote removal on both sides).
 * A word whose made words have a plain value ({@link ShellWords#quoteRemoved}) must give exactly
 * bash's words; a word this reader does not know must be one it calls brace-expanding (bash is not
 * run on it). Each made word is written into the script as source text, run with braces off (bash
 * does not brace-expand its own results); it may hold no {@code `} or {@code $(} the word did not,
 * and the generated substitutions only read a file ({@code $(<m,n)}, no fork), so the script runs
 * nothing it was not given and stays fast (a substitution runs with the options of the moment, so
 * one that brace-expands inside turns braces on itself: {@code $(set -B; echo {b,c})}).
 */
class BraceExpansionDifferentialTest {
  private static final int WORDS = 3000;
  private static final String[] ATOMS = {"a", "b", "Z", "x", "0", "1", "9", "-1", "05", ".", "..", ",", "{", "}", "{}",
      "{x}", "\\{", "\\}", "\\,", "\\\\", "'{a,b}'", "\"x,y\"", "\"{\"", "'}'", "'..'", "$v", "${v}", "${v:-q}", "\\$",
      "$(<m,n)", "`<k`", "\\ ", "\" \"", "-", "+", "~", "=", "/", "''"};
  private static final String[] SEQUENCES = {"{1..3}", "{01..3}", "{1..03}", "{-01..2}", "{3..1}", "{1..9..3}", "{9..1..-4}",
      "{a..e..2}", "{a..Z}", "{Z..a..3}", "{1..99999999999999999999}", "{0..3000000000}", "{a..1}", "{1..}", "{..1}",
      "{1...3}", "{x..y}", "{\\ 1..2}", "{1..2\\ }", "{\" \"1..2}", "{1..3..}", "{1..3..+2}", "{-3..-1}"};

  /**
   * A word whose command substitution holds quotes is read, not given up as unknown: everyday
   * defaults such as {@code "${HOME:-$(getent passwd "$USER" | cut -d: -f6)}"} hold no brace
   * expansion, and reading them as unknown made the line a review. (Their words are compared with
   * bash's in the corpus above.)
   */
  @Test
  void aSubstitutionWithQuotesIsRead() {
    assertThat(BraceExpansion.ofSource("\"${HOME:-$(getent passwd \"$USER\" | cut -d: -f6)}\""))
        .containsExactly("\"${HOME:-$(getent passwd \"$USER\" | cut -d: -f6)}\"");
    assertThat(BraceExpansion.ofSource("{a,$(date '+%F')}")).containsExactly("a", "$(date '+%F')");
    assertThat(BraceExpansion.ofSource("{a,`date \"+%F\"`}")).containsExactly("a", "`date \"+%F\"`");
    assertThat(ShellJudgeTest.DEFAULT.judge("echo \"${HOME:-$(getent passwd \"$USER\" | cut -d: -f6)}\"").verdict().label())
        .isEqualTo("allow");
  }

  @Test
  void bracesAreReadAsBashReadsThem(@TempDir Path tmp) throws Exception {
    String seedProperty = System.getProperty("gatehouse.braceSeed", "6102218553467112331");
    long seed = seedProperty.equals("random") ? new Random().nextLong() : Long.parseLong(seedProperty);
    System.out.println("BraceExpansionDifferentialTest seed " + seed);
    Random r = new Random(seed);
    List<String> corpus = new ArrayList<>(List.of("{touch,W,{x}}", "{{a,b}}", "{a..b\",\"}", "{01..03}", "{a..Z}",
        "x{1..99999999999999999999}y{a,b}", "{a,b}{}", "{},a}", "{\\ a,b}", "a{\\ ,b}", "a{\" \",b}", "{\\ ,/}", "${v-{a,b}}", "'$'{a,b}",
        "{a,$(set -B; echo {b,c})}", "{-N,--lesskey-src=F,{}}", "{x,{y,z}w}", "x{1..300}", "{,}", "x{,}", "{a\\,b,c}", "{\"a,b\",c}",
        // quotes, escapes and backquotes inside a command substitution: its parentheses pair as bash's parser pairs them
        "{a,$(<\"k\")}", "${v:-$(<'m,n')}", "x{$(<\"m,n\"),b}", "{a,`<\"k\"`}", "{$(<\"m,n\" ),\"$(<'k')\"}", "{a,$(<k\\ )}"));
    while (corpus.size() < WORDS) {
      corpus.add(word(r, 0));
    }
    long started = System.nanoTime();
    StringBuilder script = new StringBuilder("set -f\nv=V\n");
    List<List<String>> made = new ArrayList<>();
    for (int k = 0; k < corpus.size(); k++) {
      String word = corpus.get(k);
      List<String> ours = BraceExpansion.ofSource(word);
      made.add(ours);
      // the word as bash reads it, braces on; then each made word with braces off (bash does not
      // brace-expand its own results again). A made word is written as source text: it must not hold
      // a command substitution the word did not (a lone ` or $( would swallow the lines after it).
      if (ours == null) {
        // not known here (too many words, too deep, a substitution not read): nothing to compare, and
        // bash may take long over one (thousands of words, each running its command substitutions)
        script.append("echo @@B\necho @@O\n");
        continue;
      }
      script.append("set -B\necho @@B; set --; set -- ").append(word).append(" && (($#)) && printf '%s\\n' \"$@\"\n");
      script.append("echo @@O\n");
      for (String o : ours == null ? List.<String>of() : ours) {
        assertThat(count(o, "`")).as("seed %d, word %s, made %s", seed, word, o).isLessThanOrEqualTo(count(word, "`"));
        assertThat(count(o, "$(")).as("seed %d, word %s, made %s", seed, word, o).isLessThanOrEqualTo(count(word, "$("));
        script.append("set +B; set --; set -- ").append(o)
            .append(" && (($#)) && printf '%s\\n' \"$@\"\n");
      }
    }
    // the generated substitutions read a file (bash runs $(<f) without a fork): m,n holds "m,n", k holds "k"
    Files.writeString(tmp.resolve("m,n"), "m,n\n");
    Files.writeString(tmp.resolve("k"), "k\n");
    Path file = tmp.resolve("words.sh");
    Path output = tmp.resolve("words.out");
    Files.writeString(file, script);
    if (System.getProperty("gatehouse.braceScript") != null) {
      Files.writeString(Path.of(System.getProperty("gatehouse.braceScript")), script);
    }
    Process bashRun = new ProcessBuilder("bash", "--norc", "--noprofile", file.toString()).directory(tmp.toFile())
        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
        .redirectError(ProcessBuilder.Redirect.DISCARD).redirectOutput(output.toFile()).start();
    if (!bashRun.waitFor(Long.getLong("gatehouse.braceWait", 60), TimeUnit.SECONDS)) {
      bashRun.destroyForcibly();
      throw new AssertionError("bash did not finish the word script within 60 s (seed " + seed + ")");
    }
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
      if (!ours.equals(bash)) {
        int d = 0;
        while (d < ours.size() && d < bash.size() && ours.get(d).equals(bash.get(d))) {
          d++;
        }
        throw new AssertionError(String.format("seed %d, word %s: bash makes %d words, these %d made words (%d) give %d;"
            + " first difference at %d: bash %s, here %s (made %s)", seed, word, bash.size(), written.size(),
            written.size(), ours.size(), d, d < bash.size() ? bash.get(d) : "-", d < ours.size() ? ours.get(d) : "-",
            written.size() > 8 ? written.subList(0, 8) + "…" : written));
      }
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
    System.out.printf("BraceExpansionDifferentialTest: %d words, %d compared by value, %d ms%n", corpus.size(), exact,
        (System.nanoTime() - started) / 1_000_000);
  }

  private static int count(String s, String part) {
    int n = 0;
    for (int i = s.indexOf(part); i >= 0; i = s.indexOf(part, i + part.length())) {
      n++;
    }
    return n;
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
