package dev.gatehouse.policy;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.re2j.Pattern;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A pattern rule finds what RE2/J finds, whichever way {@link Rule#found} takes. */
class RulePatternTest {
  private static final List<String> PATTERNS = List.of(
      "(?i)pg_sleep", "pg_sleep", "(?i)query_to_xml", "(?i)copy .* program", "(?i)\\bpg_read", "(?i)LO_IMPORT", "a-b");

  private static final List<String> TEXTS = List.of(
      "select pg_sleep(1)", "SELECT PG_SLEEP(1)", "select Pg_SlEeP(1)", "select pg_sleepy()", "select pg_slee(1)",
      "select 1", "", "pg_sleep", "xpg_sleepx", "select pg_\u017Fleep(1)", "select PG_\u017FLEEP(1)",
      "select 'é', pg_sleep(1)", "select lo_import('/etc/passwd')", "COPY t TO PROGRAM 'id'",
      "select pg_read_file('x')", "select a-b", "select A-B", "select \u212Aelvin, pg_sleep(1)");

  @Test
  void everyPatternOnEveryTextAgreesWithRe2() {
    for (String regex : PATTERNS) {
      Pattern p = Pattern.compile(regex);
      for (String text : TEXTS) {
        assertThat(Rule.found(p, text)).as(regex + " on " + text).isEqualTo(p.matcher(text).find());
      }
    }
  }

  @Test
  void caseFoldedLiteralMatchesAnyCaseAndRe2sUnicodeFoldingStillApplies() {
    Pattern p = Pattern.compile("(?i)pg_sleep");
    assertThat(Rule.found(p, "SELECT PG_SLEEP(10)")).isTrue();
    assertThat(Rule.found(p, "select pg_\u017Fleep(1)")).as("RE2 folds U+017F (long s) to s: still refused").isTrue();
    assertThat(Rule.found(p, "select pg_sleeq(1)")).isFalse();
    assertThat(Rule.found(Pattern.compile("pg_sleep"), "SELECT PG_SLEEP(1)")).as("without (?i) case matters").isFalse();
  }

  @Test
  void aPolicysPatternRuleBlocksWhateverCaseTheStatementUses() {
    SqlPolicy policy = PolicyConfig.parse(java.util.Map.of("p", java.util.Map.of(
        "rules", List.of(java.util.Map.of("name", "no-sleep", "pattern", "(?i)pg_sleep", "verdict", "block")))))
        .get("p");
    SqlJudge judge = new SqlJudge(policy, java.time.Duration.ofSeconds(2), 100);
    try {
      assertThat(judge.judge("SELECT Pg_Sleep(1)").verdict().label()).isEqualTo("block");
      assertThat(judge.judge("select /* x */ pg_sleep(1)").verdict().label()).isEqualTo("block");
      assertThat(judge.judge("select 1").verdict().label()).isEqualTo("allow");
    } finally {
      judge.close();
    }
  }

  /**
   * Seeded: random plain literals (with and without {@code (?i)}) over random texts built from
   * their own characters in either case, other letters and non-ASCII folds (U+017F, U+212A), so
   * that near-matches at every position are common. The seed is printed.
   */
  @Test
  void randomLiteralsOnRandomTextsAgreeWithRe2() {
    long seed = Long.getLong("rule.seed", System.nanoTime());
    System.out.println("RulePatternTest seed " + seed + " (-Drule.seed=" + seed + ")");
    java.util.Random r = new java.util.Random(seed);
    String alphabet = "abcksSKzZ_- 09";
    int matched = 0;
    for (int n = 0; n < 20_000; n++) {
      StringBuilder literal = new StringBuilder();
      for (int i = 1 + r.nextInt(4); i > 0; i--) {
        literal.append(alphabet.charAt(r.nextInt(alphabet.length())));
      }
      String regex = (r.nextBoolean() ? "(?i)" : "") + literal;
      StringBuilder text = new StringBuilder();
      for (int i = r.nextInt(12); i > 0; i--) {
        int roll = r.nextInt(10);
        char c = roll < 7 ? alphabet.charAt(r.nextInt(alphabet.length())) : roll < 9 ? (char) ('A' + r.nextInt(26))
            : "\u017F\u212A\u00E9".charAt(r.nextInt(3));
        text.append(c);
      }
      Pattern p = Pattern.compile(regex);
      boolean want = p.matcher(text).find();
      matched += want ? 1 : 0;
      assertThat(Rule.found(p, text.toString())).as("seed %d: %s on '%s'", seed, regex, text).isEqualTo(want);
    }
    assertThat(matched).as("the draw found matches as well as misses").isBetween(1_000, 19_000);
  }
}
