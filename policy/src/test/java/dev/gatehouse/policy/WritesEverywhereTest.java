package dev.gatehouse.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every write a statement makes is seen by kind rules and by the built-in row rules, wherever it
 * stands; whole-table conditions by shape; the side-effect classes.
 */
class WritesEverywhereTest {
  private static SqlJudge judge;
  /** The same rules without built-ins, so that a kind rule is the only thing that can match. */
  private static SqlJudge rulesOnly;

  @BeforeAll
  static void start() {
    SqlPolicy p = PolicyConfig.parse(Map.of("p", Map.of(
        "block", List.of("delete-without-where", "update-without-where"),
        "review", List.of("ddl", "procedure-call", "admin-functions", "lock-table", "user-functions"),
        "rules", List.of(
            Map.of("name", "orders-updates", "kinds", List.of("update"), "tables", List.of("orders"), "verdict", "review"),
            Map.of("name", "orders-deletes", "kinds", List.of("delete"), "tables", List.of("orders"), "verdict", "review"),
            Map.of("name", "orders-inserts", "kinds", List.of("insert"), "tables", List.of("public.orders"), "verdict", "review")))))
        .get("p");
    judge = new SqlJudge(p, Duration.ofSeconds(2), 100);
    rulesOnly = new SqlJudge(new SqlPolicy("r", List.of(), List.of(), Unclassified.REVIEW, p.rules(), null, 1),
        Duration.ofSeconds(2), 100);
  }

  @AfterAll
  static void stop() {
    judge.close();
    rulesOnly.close();
  }

  private static Verdict verdict(String sql) {
    return judge.judge(sql).verdict();
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "WITH u AS (UPDATE orders SET qty = 0 WHERE id = 1 RETURNING id) SELECT * FROM u",
      "with u as materialized (update public.orders set qty = 0 where id = 1 returning id) select 1",
      "WITH a AS (SELECT 1), b AS (WITH c AS (UPDATE orders SET qty = 0 WHERE id = 1 RETURNING *) SELECT * FROM c) SELECT * FROM b",
      "WITH s AS (SELECT 1 AS id) UPDATE orders SET qty = 0 FROM s WHERE orders.id = s.id",
      "WITH RECURSIVE t(n) AS (SELECT 1) CYCLE n SET c USING p UPDATE orders SET qty = 0 WHERE id = 1",
      "MERGE INTO orders o USING (SELECT 2 AS id) s ON o.id = s.id WHEN MATCHED THEN UPDATE SET qty = 0",
      "MERGE INTO ONLY orders o USING src s ON o.id = s.id WHEN NOT MATCHED THEN DO NOTHING WHEN MATCHED AND s.x THEN UPDATE SET qty = 1",
      "INSERT INTO orders (id, qty) VALUES (1, 1) ON CONFLICT (id) DO UPDATE SET qty = excluded.qty",
      "EXPLAIN ANALYZE UPDATE orders SET qty = 0 WHERE id = 1",
      "EXPLAIN (ANALYZE) UPDATE orders SET qty = 0 WHERE id = 1",
      "EXPLAIN (VERBOSE, ANALYZE TRUE, COSTS OFF) UPDATE orders SET qty = 0 WHERE id = 1",
      "PREPARE p (int) AS UPDATE orders SET qty = 0 WHERE id = $1",
      "PREPARE p AS UPDATE orders SET qty = 0 WHERE id = $1; EXECUTE p(1)",
      "SELECT 1; UPDATE \"orders\" SET qty = 0 WHERE id = 1",
  })
  void anUpdateOfOrdersAnywhereMatchesTheUpdateRule(String sql) {
    Verdict v = verdict(sql);
    assertThat(v.rule()).as(v.reason()).isEqualTo("orders-updates");
    assertThat(v.reason()).startsWith("UPDATE on ");
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "MERGE INTO orders o USING src s ON o.id = s.id WHEN MATCHED THEN DELETE",
      "WITH d AS (DELETE FROM orders WHERE id = 5 RETURNING *) INSERT INTO archive SELECT * FROM d",
      "COPY (DELETE FROM orders WHERE id = 1 RETURNING *) TO STDOUT",
      "DECLARE c CURSOR FOR SELECT 1; WITH d AS (DELETE FROM orders WHERE id = 1 RETURNING 1) SELECT 1",
      "CREATE TABLE gone AS WITH d AS (DELETE FROM orders WHERE id = 1 RETURNING *) SELECT * FROM d",
  })
  void aDeleteOfOrdersAnywhereMatchesTheDeleteRule(String sql) {
    assertThat(rulesOnly.judge(sql).statements().stream().map(s -> s.verdict().rule()))
        .as(sql).contains("orders-deletes");
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "COPY orders FROM STDIN",
      "COPY public.orders (id) FROM STDIN WITH (FORMAT csv)",
      "COPY orders FROM '/tmp/x.csv'",
      "MERGE INTO orders o USING src s ON o.id = s.id WHEN NOT MATCHED THEN INSERT (id) VALUES (s.id)",
      "CREATE TABLE orders AS SELECT 1 AS id",
      "SELECT * INTO orders FROM other",
      "CREATE UNLOGGED TABLE IF NOT EXISTS public.orders AS EXECUTE nothing",
  })
  void anInsertIntoOrdersAnywhereMatchesTheInsertRule(String sql) {
    Verdict v = rulesOnly.judge(sql).verdict();
    assertThat(v.rule()).as(sql + " " + v.reason()).isEqualTo("orders-inserts");
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "EXPLAIN UPDATE orders SET qty = 0 WHERE id = 1",
      "EXPLAIN (ANALYZE false) UPDATE orders SET qty = 0 WHERE id = 1",
      "EXPLAIN (ANALYZE off, VERBOSE) UPDATE orders SET qty = 0 WHERE id = 1",
      "COPY orders TO STDOUT",
      "SELECT * FROM orders WHERE id = 1",
      "WITH u AS (UPDATE other SET qty = 0 WHERE id = 1 RETURNING id) SELECT * FROM orders",
  })
  void whatDoesNotWriteOrdersDoesNotMatch(String sql) {
    assertThat(verdict(sql)).as(sql).isEqualTo(Verdict.ALLOW);
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "WITH d AS (DELETE FROM users RETURNING *) SELECT 1",
      "WITH a AS (WITH b AS (DELETE FROM users WHERE id IN (id) RETURNING 1) SELECT 1) SELECT 1",
      "MERGE INTO users u USING src s ON u.id = u.id WHEN MATCHED THEN DELETE",
      "MERGE INTO users u USING src s ON s.id = 3 WHEN MATCHED THEN DELETE",
      "EXPLAIN ANALYZE WITH d AS (DELETE FROM users RETURNING 1) SELECT 1",
      "PREPARE x AS WITH d AS (DELETE FROM users WHERE true RETURNING 1) SELECT 1",
      "COPY (WITH d AS (DELETE FROM users RETURNING 1) SELECT 1) TO STDOUT",
      "DELETE FROM users WHERE id IN (id)",
      "DELETE FROM users WHERE id IN (1, id)",
      "DELETE FROM users WHERE users.id IN ((users.id))",
      "DELETE FROM users u WHERE u.id = (u.id)",
      "DELETE FROM users WHERE id BETWEEN id AND id",
      "DELETE FROM users WHERE id BETWEEN SYMMETRIC (id) AND +id",
      "DELETE FROM users WHERE id = +id",
      "DELETE FROM users WHERE +id = ((id))",
      "DELETE FROM users WHERE id::int = id",
      "DELETE FROM users WHERE id::text::int = CAST(id AS bigint)",
      "DELETE FROM users WHERE COALESCE(id, id) = id",
      "DELETE FROM users WHERE coalesce(id, id, id) >= id",
      "DELETE FROM users WHERE NOT (id <> id)",
      "DELETE FROM users WHERE NOT (id < id)",
      "DELETE FROM users WHERE id IS NOT DISTINCT FROM id",
      "DELETE FROM users WHERE id >= id",
      "DELETE FROM users WHERE id <= (id)",
      "DELETE FROM users WHERE id = 1 OR id = id",
      "DELETE FROM users WHERE id = 1 OR (name = name AND true)",
      "DELETE FROM users WHERE true",
      "DELETE FROM users WHERE 1 = 1",
      "DELETE FROM users WHERE 'a' = 'a'",
      "DELETE FROM users WHERE id = (SELECT id)",
      "DELETE FROM users WHERE id IN (SELECT id)",
      "DELETE FROM users WHERE id = ANY (ARRAY[1, id])",
      "DELETE FROM users WHERE (id = id) IS TRUE",
      "DELETE FROM users WHERE (id <> id) IS NOT TRUE",
      "DELETE FROM users WHERE id IS NULL OR id = 1 OR id IS NOT NULL",
      "DELETE FROM users WHERE NOT (id NOT IN (id))",
      "DELETE FROM users WHERE lower(name) = lower(name)",
  })
  void wholeTableDeletesAreDeletesWithoutWhere(String sql) {
    Verdict v = verdict(sql);
    assertThat(v.rule()).as(sql + ": " + v.reason()).isEqualTo("delete-without-where");
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "UPDATE users SET a = 1 WHERE id IN (id)",
      "UPDATE users SET a = 1 WHERE name = (name)",
      "WITH u AS (UPDATE users SET a = 1 WHERE id BETWEEN id AND id RETURNING 1) SELECT 1",
      "EXPLAIN (ANALYZE) UPDATE users SET a = 1 WHERE id::int = id",
  })
  void wholeTableUpdatesAreUpdatesWithoutWhere(String sql) {
    assertThat(verdict(sql).rule()).as(sql).isEqualTo("update-without-where");
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "DELETE FROM users WHERE id IN (1, 2)",
      "DELETE FROM users WHERE id = (SELECT max(id) FROM users)",
      "DELETE FROM users WHERE id IN (SELECT id FROM banned)",
      "DELETE FROM users WHERE id BETWEEN 1 AND id",
      "DELETE FROM users WHERE id = -id",
      "DELETE FROM users WHERE id = other_id",
      "DELETE FROM users WHERE deleted_at IS NOT NULL",
      "DELETE FROM users WHERE id = ANY (ARRAY[1, 2])",
      "UPDATE users SET a = 1 WHERE coalesce(a, 0) = 3",
      "MERGE INTO users u USING src s ON u.id = s.id WHEN MATCHED THEN DELETE",
  })
  void realConditionsStayConditions(String sql) {
    assertThat(verdict(sql)).as(sql).isEqualTo(Verdict.ALLOW);
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "CALL purge_orders()", "call app.\"Purge\"(1, 2)", "CALL p()",
  })
  void callIsProcedureCall(String sql) {
    assertThat(verdict(sql).rule()).isEqualTo("procedure-call");
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "SELECT setval('s', 1)", "SELECT pg_catalog.setval('s', 1)", "SELECT \"setval\"('s', 1)",
      "SELECT SETVAL('s', 1)", "select pg_catalog . \"setval\" ('s', 1)", "SELECT pg_terminate_backend(1)",
      "SELECT pg_cancel_backend(pid) FROM pg_stat_activity", "SELECT pg_advisory_lock(1)",
      "SELECT pg_try_advisory_xact_lock_shared(1)", "SELECT pg_advisory_unlock_all()",
      "SELECT pg_stat_reset_shared('bgwriter')", "SELECT lo_unlink(1)", "SELECT lo_from_bytea(0, 'x')",
      "SELECT pg_rotate_logfile()", "SELECT pg_switch_wal()", "SELECT pg_create_restore_point('x')",
      "SELECT pg_promote()", "SELECT pg_log_backend_memory_contexts(1)",
      "SELECT pg_drop_replication_slot('s')", "SELECT pg_create_logical_replication_slot('s', 'p')",
      "SELECT pg_replication_origin_drop('o')", "SELECT * FROM orders WHERE id = pg_backend_pid() + pg_terminate_backend(2)::int",
      "EXECUTE q(pg_terminate_backend(1))", "WITH x AS (SELECT setval('s', 1)) SELECT 1",
  })
  void adminFunctionsAreFoundWhateverTheSpelling(String sql) {
    assertThat(judge.judge(sql).statements().stream().map(s -> s.verdict().rule()))
        .as(sql).contains("admin-functions");
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "LOCK orders", "LOCK TABLE orders", "LOCK TABLE orders IN ACCESS EXCLUSIVE MODE",
      "lock table only orders, users in exclusive mode nowait", "LOCK orders IN SHARE MODE",
      "LOCK orders IN SHARE ROW EXCLUSIVE MODE", "LOCK orders IN SHARE UPDATE EXCLUSIVE MODE",
  })
  void lockingOutOtherSessionsIsLockTable(String sql) {
    assertThat(verdict(sql).rule()).isEqualTo("lock-table");
  }

  @ParameterizedTest
  @ValueSource(strings = {"LOCK orders IN ACCESS SHARE MODE", "LOCK orders IN ROW SHARE MODE", "LOCK orders IN ROW EXCLUSIVE MODE"})
  void theWeakLockModesAreAllowed(String sql) {
    assertThat(verdict(sql)).isEqualTo(Verdict.ALLOW);
  }

  @Test
  void withoutADatabaseUnknownFunctionsAreVolatileAndTheAnswerSaysSo() {
    Verdict v = verdict("SELECT purge_everything()");
    assertThat(v.rule()).isEqualTo("user-functions");
    assertThat(v.reason()).contains("purge_everything()").contains("not a PostgreSQL built-in").contains("taken as volatile");
    assertThat(verdict("SELECT upper(name), coalesce(a, b), count(*), now(), nullif(a, 1) FROM users WHERE id = 1"))
        .isEqualTo(Verdict.ALLOW);
    assertThat(verdict("SELECT public.upper(name) FROM users WHERE id = 1").rule()).isEqualTo("user-functions");
    assertThat(verdict("SELECT \"UPPER\"(name) FROM users WHERE id = 1").rule()).isEqualTo("user-functions");
  }

  @Test
  void aFunctionCatalogDecidesWhichCallsAreVolatile() {
    FunctionCatalog db = calls -> calls.stream().filter(c -> c.name().equals("purge")).findFirst()
        .map(c -> "app.purge() is a volatile function");
    assertThat(judge.judge("SELECT app.purge()", new PreparedStatements(), db).verdict().rule()).isEqualTo("user-functions");
    assertThat(judge.judge("SELECT app.report()", new PreparedStatements(), db).verdict()).isEqualTo(Verdict.ALLOW);
    FunctionCatalog seen = calls -> {
      assertThat(calls).contains(new FunctionCall("app", "Report"), new FunctionCall(null, "f"));
      return Optional.empty();
    };
    judge.judge("SELECT app.\"Report\"(), F(1) FROM t", new PreparedStatements(), seen);
  }

  @Test
  void executeIsJudgedAsWhatTheConnectionPreparedUnderThatName() {
    PreparedStatements conn = new PreparedStatements();
    FunctionCatalog none = calls -> Optional.empty();
    assertThat(judge.judge("PREPARE fine AS SELECT * FROM orders WHERE id = $1", conn, none).verdict()).isEqualTo(Verdict.ALLOW);
    assertThat(judge.judge("EXECUTE fine(1)", conn, none).verdict()).isEqualTo(Verdict.ALLOW);
    assertThat(judge.judge("PREPARE bad AS UPDATE orders SET qty = 0 WHERE id = $1", conn, none).verdict().rule())
        .isEqualTo("orders-updates");
    Verdict execute = judge.judge("EXECUTE bad(1)", conn, none).verdict();
    assertThat(execute.rule()).isEqualTo("orders-updates");
    assertThat(execute.reason()).contains("UPDATE on orders (inside EXECUTE)");
    assertThat(judge.judge("explain analyze execute bad(1)", conn, none).verdict().rule()).isEqualTo("orders-updates");
    // a second PREPARE of a taken name fails on the server: the first statement stands
    judge.judge("PREPARE bad AS SELECT 1", conn, none);
    assertThat(judge.judge("EXECUTE bad(1)", conn, none).verdict().rule()).isEqualTo("orders-updates");
    assertThat(judge.judge("DEALLOCATE bad", conn, none).verdict()).isEqualTo(Verdict.ALLOW);
    assertThat(judge.judge("EXECUTE bad(1)", conn, none).verdict().rule()).isEqualTo("unclassified");
    assertThat(judge.judge("EXECUTE fine(pg_terminate_backend(1))", conn, none).verdict().rule()).isEqualTo("admin-functions");
    judge.judge("DISCARD ALL", conn, none);
    assertThat(judge.judge("EXECUTE fine(1)", conn, none).verdict().rule()).isEqualTo("unclassified");
    // another connection knows nothing of this one's names
    assertThat(judge.judge("EXECUTE fine(1)", new PreparedStatements(), none).verdict().rule()).isEqualTo("unclassified");
    PreparedStatements other = new PreparedStatements();
    judge.judge("PREPARE d AS DELETE FROM users", other, none);
    assertThat(judge.judge("EXECUTE d", other, none).verdict().rule()).isEqualTo("delete-without-where");
  }
}
