package dev.gatehouse.gateway.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatehouse.policy.MaskedDerivations;
import dev.gatehouse.policy.PolicyConfig;
import dev.gatehouse.policy.SqlJudge;
import dev.gatehouse.policy.SqlPolicy;
import java.io.StringReader;
import java.net.InetSocketAddress;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;

/**
 * The real policy behind the wire proxy, driven by pgJDBC over the extended protocol against a
 * real PostgreSQL as the non-superuser {@code app_rw}: writes hidden inside other statements, SQL
 * prepared statements and side-effect calls are held for review (refused without approvers), and
 * the table is unchanged.
 */
class PolicyJdbcIT {
  static PostgresServer pg;
  static PgProxyServer proxy;
  static SqlJudge judge;

  @BeforeAll
  static void start() throws Exception {
    pg = PostgresServer.start(false);
    pg.superSql("app", """
        SET ROLE app_rw;
        CREATE TABLE orders (id int PRIMARY KEY, qty int NOT NULL);
        INSERT INTO orders SELECT g, 10 FROM generate_series(1, 5) g;
        CREATE PROCEDURE purge_orders() LANGUAGE sql AS 'DELETE FROM orders';
        CREATE FUNCTION wipe_orders() RETURNS int LANGUAGE sql VOLATILE AS 'DELETE FROM orders RETURNING 1';
        CREATE FUNCTION order_total(int) RETURNS int LANGUAGE sql STABLE AS 'SELECT qty FROM orders WHERE id = $1';
        """);
    SqlPolicy policy = PolicyConfig.parse(Map.of("p", Map.of(
        "block", List.of("drop-database", "drop-table", "truncate", "delete-without-where", "update-without-where"),
        "review", List.copyOf(PostgresTargets.BUILT_IN_DEFAULT.review()),
        "rules", List.of(Map.of("name", "orders-writes", "kinds", List.of("update", "delete", "insert"),
            "tables", List.of("orders"), "verdict", "review"))))).get("p");
    judge = new SqlJudge(policy, Duration.ofSeconds(2), 1000);
    PolicyGate gate = new PolicyGate(judge, new MaskedDerivations(MaskedDerivations.byTable(List.of()), Map.of()),
        new PgFunctionCatalog(PgProxyIT.settings(pg)));
    proxy = PgProxyServer.tcp(new InetSocketAddress("127.0.0.1", 0), PgProxyIT.settings(pg),
        gate, ResultMasker.NONE, StatementLog.NONE, new CancelRegistry());
  }

  @AfterAll
  static void stop() throws Exception {
    if (proxy != null) {
      proxy.close();
    }
    if (judge != null) {
      judge.close();
    }
    if (pg != null) {
      pg.close();
    }
  }

  private static Connection connect(String extra) throws SQLException {
    Properties p = new Properties();
    p.setProperty("user", "anyone");
    p.setProperty("password", "anything");
    return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + proxy.port() + "/whatever" + extra, p);
  }

  private static String orders() throws Exception {
    return pg.superSql("app", "SELECT string_agg(id || ':' || qty, ',' ORDER BY id) FROM orders");
  }

  private static void refused(Connection c, String sql, String rule) {
    assertThatThrownBy(() -> {
      try (Statement st = c.createStatement()) {
        st.execute(sql);
      }
    }).as(sql).isInstanceOfSatisfying(SQLException.class, e -> {
      assertThat(e.getSQLState()).isEqualTo("42501");
      assertThat(e.getMessage()).contains("rule " + rule);
    });
  }

  @Test
  void writesInsideOtherStatementsAreHeldAndTheTableIsUnchanged() throws Exception {
    String before = orders();
    try (Connection c = connect("")) {
      refused(c, "WITH u AS (UPDATE orders SET qty = 0 WHERE id = 1 RETURNING id) SELECT * FROM u", "orders-writes");
      refused(c, "WITH a AS (WITH b AS (DELETE FROM orders WHERE id = 2 RETURNING id) SELECT * FROM b) SELECT * FROM a", "orders-writes");
      refused(c, "MERGE INTO orders o USING (SELECT 2 AS id) s ON o.id = s.id WHEN MATCHED THEN UPDATE SET qty = 0", "orders-writes");
      refused(c, "EXPLAIN (ANALYZE true, FORMAT json) DELETE FROM orders WHERE id = 3", "orders-writes");
      refused(c, "INSERT INTO orders VALUES (1, 1) ON CONFLICT (id) DO UPDATE SET qty = 0", "orders-writes");
      refused(c, "DELETE FROM orders WHERE id IN (id)", "delete-without-where");
      refused(c, "UPDATE orders SET qty = 0 WHERE id BETWEEN id AND id", "update-without-where");
      refused(c, "DELETE FROM orders WHERE id = +id", "delete-without-where");
      refused(c, "CALL purge_orders()", "procedure-call");
      refused(c, "SELECT wipe_orders()", "user-functions");
      refused(c, "SELECT \"public\".\"wipe_orders\"()", "user-functions");
      refused(c, "SELECT pg_catalog.setval('x', 1)", "admin-functions");
      refused(c, "SELECT \"pg_terminate_backend\"(pg_backend_pid())", "admin-functions");
      refused(c, "LOCK TABLE orders IN ACCESS EXCLUSIVE MODE", "lock-table");
      assertThatThrownBy(() -> c.unwrap(PGConnection.class).getCopyAPI()
          .copyIn("COPY orders FROM STDIN", new StringReader("9\t9\n")))
          .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getMessage()).contains("rule orders-writes"));
      try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT order_total(1)")) {
        rs.next();
        assertThat(rs.getInt(1)).as("a stable function of the database is not a user-functions call").isEqualTo(10);
      }
    }
    assertThat(orders()).isEqualTo(before);
  }

  @Test
  void executeRunsWhatThisConnectionPreparedAndNothingElse() throws Exception {
    String before = orders();
    try (Connection c = connect(""); Connection other = connect("")) {
      try (Statement st = c.createStatement()) {
        st.execute("PREPARE total (int) AS SELECT qty FROM orders WHERE id = $1");
        try (ResultSet rs = st.executeQuery("EXECUTE total(4)")) {
          rs.next();
          assertThat(rs.getInt(1)).isEqualTo(10);
        }
      }
      refused(other, "EXECUTE total(4)", "unclassified"); // the other connection prepared nothing
      refused(c, "PREPARE zero (int) AS UPDATE orders SET qty = 0 WHERE id = $1", "orders-writes");
      refused(c, "EXECUTE zero(1)", "orders-writes");
      refused(c, "EXECUTE total(pg_terminate_backend(pg_backend_pid()))", "admin-functions");
      try (Statement st = c.createStatement()) {
        st.execute("DEALLOCATE total");
      }
      refused(c, "EXECUTE total(4)", "unclassified");
    }
    assertThat(orders()).isEqualTo(before);
  }

  @Test
  void serverSidePreparedStatementsOfPgJdbcAreJudgedAtEveryExecute() throws Exception {
    String before = orders();
    for (String extra : new String[] {"", "?prepareThreshold=1", "?prepareThreshold=-1"}) {
      try (Connection c = connect(extra)) {
        try (PreparedStatement ps = c.prepareStatement("SELECT qty FROM orders WHERE id = ?")) {
          for (int i = 0; i < 6; i++) { // past the driver's switch to a named server statement
            ps.setInt(1, 2);
            try (ResultSet rs = ps.executeQuery()) {
              assertThat(rs.next()).isTrue();
            }
          }
        }
        try (PreparedStatement ps = c.prepareStatement(
            "WITH u AS (UPDATE orders SET qty = 0 WHERE id = ? RETURNING id) SELECT count(*) FROM u")) {
          ps.setInt(1, 1);
          assertThatThrownBy(ps::executeQuery).as(extra)
              .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getMessage()).contains("rule orders-writes"));
        }
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM orders WHERE id = ? OR id IN (id)")) {
          ps.setInt(1, 1);
          assertThatThrownBy(ps::executeUpdate).as(extra)
              .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getMessage()).contains("rule delete-without-where"));
        }
      }
    }
    assertThat(orders()).isEqualTo(before);
  }
}
