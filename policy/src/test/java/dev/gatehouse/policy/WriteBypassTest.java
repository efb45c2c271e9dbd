package dev.gatehouse.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Bypasses found by the attack on writes, judged against the documented default policy plus an
 * {@code orders-writes} kind rule. Each fails while the bypass works; WriteBypassIT shows them at
 * the wire against PostgreSQL 15.
 */
class WriteBypassTest {
  private static SqlJudge judge;

  @BeforeAll
  static void start() {
    SqlPolicy p = PolicyConfig.parse(Map.of("default-sql", Map.of(
        "block", List.of("drop-database", "drop-table", "truncate", "delete-without-where", "update-without-where"),
        "review", List.of("ddl", "grant", "role-change", "server-files", "copy-program", "dynamic-sql",
            "system-settings", "procedure-call", "admin-functions", "lock-table", "user-functions"),
        "rules", List.of(Map.of("name", "orders-writes", "kinds", List.of("update", "delete", "insert"),
            "tables", List.of("orders"), "verdict", "review"))))).get("default-sql");
    judge = new SqlJudge(p, Duration.ofSeconds(2), 100);
  }

  @AfterAll
  static void stop() {
    judge.close();
  }

  /**
   * EXPLAIN's options are a generic list (explain_option_name: NonReservedWord | analyze_keyword):
   * PostgreSQL runs the statement for the quoted identifier "analyze" (or U&"analyze"; the
   * option name is compared as written, so "ANALYZE" and "analyse" are errors), while the judge
   * only knows the keyword spelling. Verified on PostgreSQL 15: EXPLAIN ("analyze") DELETE FROM orders WHERE id > 0 deletes every row.
   */
  @ParameterizedTest
  @ValueSource(strings = {
      "EXPLAIN (\"analyze\") DELETE FROM orders WHERE id > 0",
      "EXPLAIN (\"analyze\", verbose) UPDATE orders SET v = 0 WHERE id > 0",
      "EXPLAIN (U&\"analyze\") DELETE FROM orders WHERE id > 0",
      "EXPLAIN (costs off, \"analyze\" on) INSERT INTO orders SELECT g, g FROM generate_series(5000, 9000) g",
      "EXPLAIN (\"analyze\" 1) MERGE INTO orders o USING items i ON o.id = i.id WHEN MATCHED THEN DELETE",
  })
  void explainWithAQuotedAnalyzeOptionRunsTheStatementAndIsAWrite(String sql) {
    Judgement j = judge.judge(sql, StandardConformingStrings.ON);
    assertThat(j.verdict().rule()).as(sql + " -> " + j.verdict()).isEqualTo("orders-writes");
    // and the row limit must count it (kind "explain" is never counted today)
    assertThat(RowWrites.plan(j, sql)).as(sql).isInstanceOf(RowWrites.Counted.class);
  }

  /**
   * Conditions true for every row by their shape alone (no constant's value, no schema, no data
   * decides it), which the WHERE rules take as real conditions. Each deleted all 301 rows of a
   * test table (one of them with v NULL) on PostgreSQL 15.
   */
  @ParameterizedTest
  @ValueSource(strings = {
      "items.id = id",
      "public.items.id = items.id",
      "id = ALL(ARRAY[id])",
      "id = GREATEST(id, id)",
      "id = LEAST(id)",
      "id IN (SELECT items.id)",
      "id IN (VALUES (id))",
      "id = (VALUES (id))",
      "NULLIF(v, v) IS NULL",
      "(v IS NULL) IS NOT NULL",
      "(v IS NULL) <> (v IS NOT NULL)",
      "NOT (v IS NULL) OR v IS NULL",
      "NOT (v IS NULL AND v IS NOT NULL)",
      "(v = 'a') IS NOT TRUE OR (v = 'a') IS TRUE",
      "CASE WHEN true THEN id = id END",
      "id = (SELECT id WHERE true)",
      "int4eq(id, id)",
      "(id = id) = true",
      "id = ANY(SELECT id)",
      "EXISTS (SELECT items.id)",
  })
  void shapeOnlyTautologiesAreNoCondition(String where) {
    String sql = "DELETE FROM items WHERE " + where;
    Verdict v = judge.judge(sql, StandardConformingStrings.ON).verdict();
    assertThat(v.rule()).as(sql + " -> " + v).isEqualTo("delete-without-where");
    String update = "UPDATE items SET v = NULL WHERE " + where;
    Verdict u = judge.judge(update, StandardConformingStrings.ON).verdict();
    assertThat(u.rule()).as(update + " -> " + u).isEqualTo("update-without-where");
  }
}
