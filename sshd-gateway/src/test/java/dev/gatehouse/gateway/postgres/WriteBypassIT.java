package dev.gatehouse.gateway.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatehouse.policy.MaskedDerivations;
import dev.gatehouse.policy.PolicyConfig;
import dev.gatehouse.policy.SqlJudge;
import dev.gatehouse.policy.SqlPolicy;
import java.net.InetSocketAddress;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Writes that pass the documented default policy (plus an {@code orders-writes} kind rule) and the
 * row limit ({@code maxRowsChanged}, default 1,000) at the wire, against a real PostgreSQL 15.
 * Each test is a bypass found by the attack on writes: it fails while the bypass works.
 */
class WriteBypassIT {
  static PostgresServer pg;
  static PgProxyServer proxy;
  static SqlJudge judge;

  @BeforeAll
  static void start() throws Exception {
    pg = PostgresServer.start(false);
    pg.superSql("app", """
        SET ROLE app_rw;
        CREATE TABLE orders (id int PRIMARY KEY, v int);
        CREATE TABLE items (id int PRIMARY KEY, v int);
        CREATE TABLE flags (id int PRIMARY KEY, v int);
        CREATE TABLE ledger (id int PRIMARY KEY, v int);
        CREATE TABLE jobs (id int PRIMARY KEY, upto int);
        -- an existing, ordinary function taking a row of items (callable as i.archive)
        CREATE FUNCTION archive(items) RETURNS int LANGUAGE sql VOLATILE AS
          $$ DELETE FROM items WHERE id = $1.id; SELECT 1 $$;
        -- an existing deferred constraint trigger: a job purges the ledger when its transaction commits
        CREATE FUNCTION purge_ledger() RETURNS trigger LANGUAGE plpgsql AS
          $$ BEGIN DELETE FROM ledger WHERE id <= NEW.upto; RETURN NULL; END $$;
        CREATE CONSTRAINT TRIGGER jobs_purge AFTER INSERT ON jobs DEFERRABLE INITIALLY DEFERRED
          FOR EACH ROW EXECUTE FUNCTION purge_ledger();
        """);
    SqlPolicy policy = PolicyConfig.parse(Map.of("default-sql", Map.of(
        "block", List.of("drop-database", "drop-table", "truncate", "delete-without-where", "update-without-where"),
        "review", List.of("ddl", "grant", "role-change", "server-files", "copy-program", "dynamic-sql",
            "system-settings", "procedure-call", "admin-functions", "lock-table", "user-functions"),
        "rules", List.of(Map.of("name", "orders-writes", "kinds", List.of("update", "delete", "insert"),
            "tables", List.of("orders"), "verdict", "review"))))).get("default-sql");
    assertThat(policy.maxRowsChanged()).isEqualTo(1000);
    judge = new SqlJudge(policy, Duration.ofMillis(500), 100);
    PolicyGate gate = new PolicyGate(judge, new MaskedDerivations(Map.of(), Map.of()),
        new PgFunctionCatalog(PgProxyIT.settings(pg)));
    proxy = PgProxyServer.tcp(new InetSocketAddress("127.0.0.1", 0), PgProxyIT.settings(pg), gate, null, null,
        new CancelRegistry());
  }

  @AfterAll
  static void stop() throws Exception {
    for (AutoCloseable c : new AutoCloseable[] {proxy, judge, pg}) {
      if (c != null) {
        c.close();
      }
    }
  }

  @BeforeEach
  void rows() throws Exception {
    pg.superSql("app", """
        TRUNCATE orders, items, flags, ledger, jobs;
        INSERT INTO orders SELECT g, g FROM generate_series(1, 3000) g;
        INSERT INTO items SELECT g, g FROM generate_series(1, 3000) g;
        INSERT INTO flags SELECT g, g FROM generate_series(1, 500) g;
        INSERT INTO ledger SELECT g, g FROM generate_series(1, 3000) g;
        """);
  }

  private static Psql.Result psql(String sql) throws Exception {
    return Psql.psql(Psql.conninfo(proxy.port(), ""), null, "-v", "ON_ERROR_STOP=1", "-c", sql);
  }

  private static String count(String table) throws Exception {
    return pg.superSql("app", "SELECT count(*) FROM " + table);
  }

  private static Connection jdbc() throws SQLException {
    Properties p = new Properties();
    p.setProperty("user", "anyone");
    p.setProperty("password", "anything");
    return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + proxy.port() + "/whatever", p);
  }

  /**
   * EXPLAIN's option list is a generic one: PostgreSQL reads the quoted identifier "analyze" as
   * the ANALYZE option and runs the statement; the judge reads a plain EXPLAIN (kind explain, never
   * counted), so neither orders-writes nor the row limit sees a delete of every order.
   */
  @Test
  void explainWithAQuotedAnalyzeOptionRunsAnUnseenUncountedDelete() throws Exception {
    Psql.Result r = psql("EXPLAIN (\"analyze\") DELETE FROM orders WHERE id > 0");
    assertThat(r.exit()).as(r.toString()).isNotZero();
    assertThat(r.err()).as(r.toString()).contains("orders-writes");
    assertThat(count("orders")).isEqualTo("3000");
  }

  /**
   * The count's "before" snapshot lives in a setting the user's own statements can overwrite
   * between the snapshot and the check (SET LOCAL / set_config is allowed): the check then sees
   * a negative change and passes 3,000 deleted rows against a limit of 1,000.
   */
  @Test
  void overwritingTheSnapshotSettingHidesTheRowsFromTheCheck() throws Exception {
    Psql.Result r = psql("DELETE FROM items WHERE id > 0; SELECT pg_catalog.set_config('gatehouse.rows_before',"
        + " string_agg(oid::text || ':1000000000', ','), true) IS NOT NULL FROM pg_class WHERE oid >= 16384");
    assertThat(r.err()).as(r.toString()).contains("max-rows-changed");
    assertThat(count("items")).isEqualTo("3000");
  }

  /** The same in one statement through pgJDBC (extended protocol). */
  @Test
  void overwritingTheSnapshotSettingInOneStatementWorksOverTheExtendedProtocol() throws Exception {
    try (Connection c = jdbc(); Statement st = c.createStatement()) {
      assertThatThrownBy(() -> st.executeQuery(
              "WITH d AS (DELETE FROM items WHERE id > 0 RETURNING id) SELECT count(*), "
                  + "set_config('gatehouse.rows_before', (SELECT string_agg(oid::text || ':1000000000', ',')"
                  + " FROM pg_class WHERE oid >= 16384), true) IS NOT NULL FROM d").close())
          .isInstanceOf(SQLException.class)
          .hasMessageContaining("max-rows-changed");
    } finally {
    }
    assertThat(count("items")).isEqualTo("3000");
  }

  /**
   * A function taking a row of a table is called by attribute notation ({@code i.archive} is
   * {@code archive(i)}): no "name(" for the function net, so neither user-functions nor the row
   * limit (a SELECT of only built-in functions is not counted) sees 3,000 deletes.
   */
  @Test
  void aVolatileFunctionCalledByAttributeNotationIsNeitherReviewedNorCounted() throws Exception {
    Psql.Result r = psql("SELECT count(i.archive) FROM items i");
    assertThat(r.exit()).as(r.toString()).isNotZero();
    assertThat(count("items")).isEqualTo("3000");
  }


  /**
   * A shape-only tautology the WHERE rule misses: the same column, once qualified by the table.
   * On a table under the row limit, every row goes.
   */
  @Test
  void aQualifiedAndABareNameOfTheSameColumnIsNoCondition() throws Exception {
    Psql.Result r = psql("DELETE FROM flags WHERE flags.id = id");
    assertThat(r.err()).as(r.toString()).contains("delete-without-where");
    assertThat(count("flags")).isEqualTo("500");
  }
}
