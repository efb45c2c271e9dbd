package dev.gatehouse.gateway.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;
import org.postgresql.largeobject.LargeObjectManager;

/** The PostgreSQL JDBC driver through the proxy: extended protocol, binary results, cancel, fastpath. */
class PgJdbcIT {
  static PostgresServer pg;
  static TestPolicy policy;
  static PgProxyServer proxy;

  @BeforeAll
  static void start() throws Exception {
    pg = PostgresServer.start(false);
    policy = TestPolicy.forServer(pg);
    proxy = PgProxyServer.tcp(new InetSocketAddress("127.0.0.1", 0), PgProxyIT.settings(pg),
        policy, policy, policy, new CancelRegistry());
  }

  @AfterAll
  static void stop() throws Exception {
    if (proxy != null) {
      proxy.close();
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

  @Test
  void preparedStatementsAreMaskedInTextAndBinaryFormat() throws Exception {
    for (String extra : new String[] {"", "?prepareThreshold=-1", "?prepareThreshold=1&binaryTransferEnable=25"}) {
      try (Connection c = connect(extra);
          PreparedStatement ps = c.prepareStatement("SELECT id, email AS e, name FROM users WHERE id = ?")) {
        for (int i = 0; i < 6; i++) { // past the driver's switch to a named server statement
          ps.setInt(1, 1);
          try (ResultSet rs = ps.executeQuery()) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getInt(1)).as(extra).isEqualTo(1);
            assertThat(rs.getString(2)).as(extra).isEqualTo("*************.com");
            assertThat(rs.getString(3)).as(extra).isEqualTo("Alice");
          }
        }
      }
    }
  }

  @Test
  void blockedPreparedStatementIsRefusedAndTheConnectionGoesOn() throws Exception {
    try (Connection c = connect("")) {
      assertThatThrownBy(() -> c.prepareStatement("DROP TABLE users").execute())
          .isInstanceOfSatisfying(SQLException.class, e -> {
            assertThat(e.getSQLState()).isEqualTo("42501");
            assertThat(e.getMessage()).contains("blocked by rule drop-table: DROP TABLE is not allowed");
          });
      try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT count(*) FROM users")) {
        rs.next();
        assertThat(rs.getInt(1)).isEqualTo(2);
      }
    }
  }

  @Test
  void blockedStatementAbortsTheTransactionSoCommitCommitsNothing() throws Exception {
    try (Connection c = connect("")) {
      c.setAutoCommit(false);
      try (PreparedStatement ins = c.prepareStatement("INSERT INTO users VALUES (?, ?, ?)")) {
        ins.setInt(1, 200);
        ins.setString(2, "dave@example.com");
        ins.setString(3, "Dave");
        assertThat(ins.executeUpdate()).isEqualTo(1);
      }
      assertThatThrownBy(() -> c.createStatement().execute("DROP TABLE users")).isInstanceOf(SQLException.class);
      c.commit(); // the server answers ROLLBACK: its transaction was aborted too
    }
    assertThat(pg.superSql("app", "SELECT count(*) FROM users WHERE id = 200")).isEqualTo("0");
  }

  @Test
  void cancelThroughTheProxyStopsALongStatement() throws Exception {
    try (Connection c = connect(""); Statement st = c.createStatement()) {
      CompletableFuture<Throwable> running = CompletableFuture.supplyAsync(() -> {
        try {
          st.execute("SELECT pg_sleep(30)");
          return null;
        } catch (SQLException e) {
          return e;
        }
      });
      long started = System.nanoTime();
      Thread.sleep(700);
      st.cancel(); // a CancelRequest with the proxy's keys on a fresh connection
      Throwable t = running.get(15, TimeUnit.SECONDS);
      assertThat(t).isInstanceOf(SQLException.class);
      assertThat(((SQLException) t).getSQLState()).isEqualTo("57014");
      assertThat(System.nanoTime() - started).isLessThan(TimeUnit.SECONDS.toNanos(15));
      try (ResultSet rs = st.executeQuery("SELECT 5")) {
        rs.next();
        assertThat(rs.getInt(1)).isEqualTo(5);
      }
    }
  }

  @Test
  void largeObjectFastpathFunctionCallIsRefused() throws Exception {
    try (Connection c = connect("")) {
      c.setAutoCommit(false);
      LargeObjectManager lo = c.unwrap(PGConnection.class).getLargeObjectAPI();
      assertThatThrownBy(() -> lo.createLO(LargeObjectManager.READWRITE))
          .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getMessage()).contains("function-call"));
      c.rollback();
      try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT 6")) {
        rs.next();
        assertThat(rs.getInt(1)).isEqualTo(6);
      }
    }
  }

  @Test
  void batchesAndLoggedRowsArriveForEveryExecute() throws Exception {
    try (Connection c = connect("")) {
      try (PreparedStatement ins = c.prepareStatement("INSERT INTO users VALUES (?, ?, 'batch')")) {
        for (int i = 0; i < 50; i++) {
          ins.setInt(1, 1000 + i);
          ins.setString(2, "u" + i + "@batch.example");
          ins.addBatch();
        }
        assertThat(ins.executeBatch()).hasSize(50).containsOnly(1);
      }
      try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT email FROM users WHERE name = 'batch' ORDER BY id")) {
        int n = 0;
        while (rs.next()) {
          assertThat(rs.getString(1)).startsWith("*").endsWith("mple");
          n++;
        }
        assertThat(n).isEqualTo(50);
      }
      try (Statement st = c.createStatement()) {
        st.execute("DELETE FROM users WHERE name = 'batch'");
      }
    }
    assertThat(policy.logged).anySatisfy(l -> {
      assertThat(l.sql()).isEqualTo("DELETE FROM users WHERE name = 'batch'");
      assertThat(l.rows()).isEqualTo(50);
      assertThat(l.verdict()).isEqualTo("allow");
    });
  }
}
