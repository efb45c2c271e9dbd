package dev.gatehouse.gateway.kube;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The kubectl console's word splitting proven against bash: every line the console accepts is
 * split by real bash (globbing off, in an empty directory) and must give the same words; lines the
 * two readings see differently are refused. Lines are a fixed list of quoting corner cases plus a
 * seeded generated set built from quotes, escapes and blanks.
 */
class ShellWordsBashTest {
  private static final List<String> CORNERS = List.of(
      "get pods a\\ b", "get pods 'a'\\ b", "get pods 'x'\\y", "get pods $'x'", "get pods a'b'c \"d\"e",
      "get pods \"a'b\"", "get pods \\'a", "get pods a\\\\b", "get pods \"a\\\\b\"", "get pods \"a\\b\"",
      "get pods 'a\\'", "get pods a\\ ", "get pods \\  b", "get pods -o jsonpath='{.items[*].metadata.name}'",
      "get pods \"\"", "get pods ''x", "get pods a\\\tb", "get pods 'a'\\\t'b'", "get pods \"a\"\\ \\ \"b\"",
      "get pods x#y", "get pods 'a' #c", "get pods \\#x", "get\\ pods", "get pods \"a\\\"b\"");

  @TempDir Path dir;

  @Test
  void everyLineTheConsoleAcceptsIsSplitAsBashSplitsIt() throws Exception {
    long seed = Long.getLong("gatehouse.wordsSeed", new Random().nextLong());
    System.out.println("ShellWordsBashTest seed: " + seed + " (-Dgatehouse.wordsSeed=" + seed + " repeats this run)");
    Random rnd = new Random(seed);
    List<String> lines = new ArrayList<>(CORNERS);
    String[] parts = {"a", "b", "'q r'", "\"d e\"", "\\ ", "\\\\", "\\'", "\\\"", "''", "\"\"", "'\\'", "\"\\\\\"",
        "\"\\x\"", "\\x", " ", "  ", "\t", "=", "-o", "x.y", "\\\t", "'a\"b'", "\"a'b\""};
    for (int i = 0; i < 400; i++) {
      StringBuilder b = new StringBuilder("get pods ");
      int n = 1 + rnd.nextInt(6);
      for (int k = 0; k < n; k++) {
        b.append(parts[rnd.nextInt(parts.length)]);
      }
      lines.add(b.toString());
    }
    // One bash run prints each accepted line's words, NUL-separated, lines separated by a marker.
    List<String> accepted = new ArrayList<>();
    List<List<String>> ours = new ArrayList<>();
    StringBuilder script = new StringBuilder("set -f\n");
    for (String line : lines) {
      List<String> words;
      try {
        words = KubectlCommandLine.parse(line).argv().isEmpty() ? null : ShellWords.split(line);
      } catch (KubectlCommandLine.Refused e) {
        continue; // refused: nothing runs
      }
      accepted.add(line);
      ours.add(words);
      script.append("printf '%s\\0' ").append(line).append("\nprintf '\\1\\0'\n");
    }
    Path file = dir.resolve("lines.sh");
    Files.writeString(file, script.toString());
    Process p = new ProcessBuilder("env", "-i", "/bin/bash", "--norc", "--noprofile", file.toString())
        .directory(dir.toFile()).redirectErrorStream(false).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor()).isZero();
    List<String> fields = new ArrayList<>(Arrays.asList(out.split("\0", -1)));
    List<String> mismatches = new ArrayList<>();
    int at = 0;
    for (int i = 0; i < accepted.size(); i++) {
      List<String> bash = new ArrayList<>();
      while (!fields.get(at).equals("\1")) {
        bash.add(fields.get(at++));
      }
      at++;
      if (!bash.equals(ours.get(i))) {
        mismatches.add("seed " + seed + ": " + accepted.get(i) + "\n  bash: " + bash + "\n  console: " + ours.get(i));
      }
    }
    System.out.printf("ShellWordsBashTest: %d lines, %d accepted, %d mismatches%n", lines.size(), accepted.size(), mismatches.size());
    assertThat(mismatches).as("lines the console accepted but split differently from bash").isEmpty();
    assertThat(accepted.size()).as("most generated lines are accepted").isGreaterThan(lines.size() / 3);
  }
}
