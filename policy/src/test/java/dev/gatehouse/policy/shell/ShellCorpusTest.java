package dev.gatehouse.policy.shell;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.policy.Verdict;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The attack corpus (bypass attempts, each with the least verdict it must get) and the ordinary
 * admin corpus (at least 95% allowed), both judged by the default-shell policy of docs/policy.md.
 */
class ShellCorpusTest {

  @Test
  void everyBypassAttemptGetsAtLeastItsVerdict() throws IOException {
    List<String> missed = new ArrayList<>();
    int n = 0;
    for (String line : lines("/shell/attacks.txt")) {
      int tab = line.indexOf('\t');
      String expected = line.substring(0, tab);
      String text = unescape(line.substring(tab + 1));
      Verdict v = ShellJudgeTest.DEFAULT.judge(text).verdict();
      int want = expected.equals("block") ? 2 : 1;
      n++;
      if (v.severity() < want) {
        missed.add(expected + " expected, got " + v.label() + " (" + v.rule() + "): " + text.replace("\n", "\\n"));
      }
    }
    System.out.println("ShellCorpusTest: " + n + " bypass attempts, " + missed.size() + " missed");
    assertThat(n).isGreaterThanOrEqualTo(150);
    assertThat(missed).isEmpty();
  }

  @Test
  void ordinaryAdminWorkIsAllowed() throws IOException {
    List<String> refused = new ArrayList<>();
    int n = 0;
    for (String line : lines("/shell/admin.txt")) {
      String text = unescape(line);
      Verdict v = ShellJudgeTest.DEFAULT.judge(text).verdict();
      n++;
      if (!(v instanceof Verdict.Allow)) {
        refused.add(v.label() + " (" + v.rule() + "): " + text);
      }
    }
    System.out.printf("ShellCorpusTest: %d of %d everyday commands allowed; not allowed: %s%n", n - refused.size(), n, refused);
    assertThat(n).isGreaterThanOrEqualTo(100);
    assertThat((n - refused.size()) * 100).as("allowed: %s of %s; refused: %s", n - refused.size(), n, refused)
        .isGreaterThanOrEqualTo(95 * n);
  }

  private static List<String> lines(String resource) throws IOException {
    try (InputStream in = ShellCorpusTest.class.getResourceAsStream(resource)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines()
          .filter(l -> !l.isBlank() && !l.startsWith("#")).toList();
    }
  }

  private static String unescape(String s) {
    return s.replace("\\n", "\n").replace("\\t", "\t");
  }
}
