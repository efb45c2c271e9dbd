package dev.gatehouse.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
        assertEquals(p.matcher(text).find(), Rule.found(p, text), regex + " on " + text);
      }
    }
  }

  @Test
  void caseFoldedLiteralMatchesAnyCaseAndRe2sUnicodeFoldingStillApplies() {
    Pattern p = Pattern.compile("(?i)pg_sleep");
    assertTrue(Rule.found(p, "SELECT PG_SLEEP(10)"));
    assertTrue(Rule.found(p, "select pg_\u017Fleep(1)"), "RE2 folds U+017F (long s) to s: still refused");
    assertFalse(Rule.found(p, "select pg_sleeq(1)"));
    assertFalse(Rule.found(Pattern.compile("pg_sleep"), "SELECT PG_SLEEP(1)"), "without (?i) case matters");
  }

  @Test
  void aPolicysPatternRuleBlocksWhateverCaseTheStatementUses() {
    SqlPolicy policy = PolicyConfig.parse(java.util.Map.of("p", java.util.Map.of(
        "rules", List.of(java.util.Map.of("name", "no-sleep", "pattern", "(?i)pg_sleep", "verdict", "block")))))
        .get("p");
    SqlJudge judge = new SqlJudge(policy, java.time.Duration.ofSeconds(2), 100);
    try {
      assertEquals("block", judge.judge("SELECT Pg_Sleep(1)").verdict().label());
      assertEquals("block", judge.judge("select /* x */ pg_sleep(1)").verdict().label());
      assertEquals("allow", judge.judge("select 1").verdict().label());
    } finally {
      judge.close();
    }
  }
}
