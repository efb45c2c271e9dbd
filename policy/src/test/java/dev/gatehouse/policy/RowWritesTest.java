package dev.gatehouse.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RowWritesTest {
  private static final SqlJudge JUDGE = new SqlJudge(
      new SqlPolicy("p", List.of(), List.of(), Unclassified.REVIEW, List.of(), MaskSpec.none(), 1), Duration.ofSeconds(1), 100);

  @AfterAll
  static void close() {
    JUDGE.close();
  }

  private static RowWrites.Plan plan(String sql) {
    return RowWrites.plan(JUDGE.judge(sql), sql);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "SELECT abalance FROM pgbench_accounts WHERE aid = 7 | false",
      "select count(*), lower(name) from users | false",
      "SHOW search_path | false",
      "BEGIN | false",
      "EXPLAIN DELETE FROM big | false",
      "VACUUM big | false",
      "CREATE INDEX CONCURRENTLY i ON big (v) | false",
      "DELETE FROM big WHERE id > 0 | true",
      "UPDATE big SET v = 1 WHERE id = 2 | true",
      "WITH d AS (DELETE FROM big WHERE id > 0 RETURNING 1) SELECT count(*) FROM d | true",
      "SELECT wipe_big() | true",
      "SELECT * INTO copy_of_big FROM big | true",
      "CALL wipe_big_proc() | true",
      "COPY big FROM STDIN | true",
      "EXPLAIN ANALYZE DELETE FROM big | true",
      "CREATE TABLE t AS SELECT f() | true",
      "SELECT 1; DELETE FROM big WHERE id = 1 | true",
      "CREATE TABLE big2 AS SELECT g AS concurrently FROM generate_series(1, 5000) g | true",
      "CREATE UNLOGGED TABLE big2 AS SELECT g AS concurrently FROM generate_series(1, 5000) g | true",
      "CREATE TABLE subscription AS SELECT g FROM generate_series(1, 5000) g | true",
      "CREATE TABLE concurrently AS SELECT g FROM generate_series(1, 5000) g | true",
      "REFRESH MATERIALIZED VIEW CONCURRENTLY mv | true",
      "CREATE UNIQUE INDEX CONCURRENTLY i ON big (v) | false",
      "CREATE INDEX i ON big ((v)) WHERE v > 0 | true",
      "DROP INDEX CONCURRENTLY i | false",
      "CREATE DATABASE d2 | false",
      "DROP TABLESPACE ts | false",
      "ALTER DATABASE d2 SET TABLESPACE ts | false",
      "ALTER TABLE big DETACH PARTITION public.big_1 CONCURRENTLY | false",
      "ALTER TABLE big ADD COLUMN concurrently int | true",
  })
  void onlyWhatCertainlyCannotWriteIsNotCounted(String sql, boolean counted) {
    assertThat(plan(sql) instanceof RowWrites.Counted).as(sql).isEqualTo(counted);
  }

  @Test
  void aStringThatEndsItsTransactionIsCountedUpToEachCommit() {
    RowWrites.Plan p = plan("BEGIN; DELETE FROM big WHERE id > 0; COMMIT; UPDATE big SET v = 1 WHERE id = 1");
    assertThat(((RowWrites.Counted) p).pieces()).containsExactly(
        new RowWrites.Piece("BEGIN;\nDELETE FROM big WHERE id > 0", true),
        new RowWrites.Piece("COMMIT", false),
        new RowWrites.Piece("UPDATE big SET v = 1 WHERE id = 1", true));
  }

  @Test
  void theEndOfABeginAtomicBodyIsNoCommit() {
    String sql = "CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; END; DELETE FROM big WHERE id > 0";
    assertThat(((RowWrites.Counted) plan(sql)).pieces()).containsExactly(new RowWrites.Piece(sql, true));
  }

  @Test
  void aSingleStatementIsSentExactlyAsWritten() {
    String sql = "DELETE FROM big WHERE id > 0 -- trailing comment";
    assertThat(((RowWrites.Counted) plan(sql)).pieces()).containsExactly(new RowWrites.Piece(sql, true));
  }

  @Test
  void aBackslashWhereStatementsWouldBeSplitIsRefused() {
    assertThat(plan("BEGIN; UPDATE big SET note = E'a\\nb' WHERE id = 1; COMMIT")).isInstanceOf(RowWrites.Refused.class);
  }

  @Test
  void maxRowsChangedDefaultsTo1000AndZeroTurnsItOff() {
    assertThat(PolicyConfig.parse(Map.of("p", Map.of())).get("p").maxRowsChanged()).isEqualTo(1000);
    assertThat(PolicyConfig.parse(Map.of("p", Map.of("maxRowsChanged", 0))).get("p").maxRowsChanged()).isZero();
    assertThat(PolicyConfig.parse(Map.of("p", Map.of("maxRowsChanged", 50_000))).get("p").version())
        .isNotEqualTo(PolicyConfig.parse(Map.of("p", Map.of())).get("p").version());
    assertThatThrownBy(() -> PolicyConfig.parse(Map.of("p", Map.of("maxRowsChanged", -1))))
        .hasMessageStartingWith("policies.p.maxRowsChanged: must be a whole number of rows");
    assertThatThrownBy(() -> PolicyConfig.parse(Map.of("p", Map.of("maxRowsChanged", "lots"))))
        .hasMessageStartingWith("policies.p.maxRowsChanged: must be a whole number of rows");
  }
}
