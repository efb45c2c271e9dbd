package dev.gatehouse.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MaskedTouchTest {
  static final MaskSpec MASK = new MaskSpec(List.of("users.ssn", "public.users.email"), List.of(), MaskForm.FULL);
  static final SqlJudge JUDGE = new SqlJudge(new SqlPolicy("p", List.of(), List.of(), Unclassified.REVIEW, List.of(),
      MASK, 1), Duration.ofSeconds(2), 100);
  static final MaskedTouch TOUCH = new MaskedTouch(MASK);
  static final StatisticsReads STATISTICS = new StatisticsReads(MASK);

  @AfterAll
  static void close() {
    JUDGE.close();
  }

  static boolean touches(String sql) {
    return TOUCH.touches(sql, StandardConformingStrings.UNKNOWN, JUDGE.judge(sql));
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "SELECT id FROM users WHERE ssn::int = 0", "SELECT 1 FROM public.\"users\"", "SELECT * FROM USERS",
      "INSERT INTO t SELECT ssn FROM people", "DO $$ BEGIN PERFORM 1 FROM users; END $$", "FETCH ALL FROM c",
      "EXECUTE p", "CALL proc()", "SELECT my_function(1)", "SELECT 'unterminated", "COMMIT; SELECT email FROM x"})
  void statementsThatMayReadAMaskedValueTouch(String sql) {
    assertThat(touches(sql)).as(sql).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"SELECT 'x'::int", "SELECT id FROM orders WHERE note::int = 0", "COMMIT",
      "SELECT lower(name) FROM orders", "SET search_path = public"})
  void statementsWithNothingMaskedDoNotTouch(String sql) {
    assertThat(touches(sql)).as(sql).isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {"SELECT * FROM pg_stats", "TABLE PG_CATALOG.PG_STATS", "SELECT * FROM \"pg_stats_ext\"",
      "SELECT * FROM U&\"pg\\005fstatistic\"", "SELECT pg_mcv_list_items(stxdmcv) FROM pg_statistic_ext_data",
      "SELECT * FROM pg_stats_ext_exprs", "DO $$ BEGIN PERFORM * FROM pg_stats; END $$"})
  void everySpellingOfTheStatisticsIsRefused(String sql) {
    assertThat(STATISTICS.violation(sql, StandardConformingStrings.UNKNOWN)).as(sql).isPresent();
    assertThat(new StatisticsReads(MaskSpec.none()).violation(sql, StandardConformingStrings.UNKNOWN)).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"SELECT * FROM pg_stat_user_tables", "SELECT * FROM pg_statistic_ext"})
  void otherCatalogsAreNotStatisticsValues(String sql) {
    assertThat(STATISTICS.violation(sql, StandardConformingStrings.ON)).as(sql).isEmpty();
  }
}
