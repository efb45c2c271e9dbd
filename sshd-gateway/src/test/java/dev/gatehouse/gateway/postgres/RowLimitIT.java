package dev.gatehouse.gateway.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatehouse.policy.MaskSpec;
import dev.gatehouse.policy.MaskedDerivations;
import dev.gatehouse.policy.SqlJudge;
import dev.gatehouse.policy.SqlPolicy;
import dev.gatehouse.policy.Unclassified;
import java.net.InetSocketAddress;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
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
 * The row limit ({@code maxRowsChanged}) at the wire, counted by a real PostgreSQL 15: writes
 * through plain statements, CTEs, triggers, functions, procedures and COPY are undone and refused
 * over the default limit of 1,000, through psql (simple protocol) and pgJDBC (extended protocol).
 */
class RowLimitIT {
  static PostgresServer pg;
  static PgProxyServer limited;
  static PgProxyServer unlimited;
  static SqlJudge limitedJudge;
  static SqlJudge unlimitedJudge;

  @BeforeAll
  static void start() throws Exception {
    pg = PostgresServer.start(false);
    pg.superSql("app", """
        SET ROLE app_rw;
        CREATE TABLE big (id int PRIMARY KEY, v int);
        CREATE TABLE t1 (id int);
        CREATE TABLE t2 (id int);
        CREATE FUNCTION fill_t2() RETURNS trigger LANGUAGE plpgsql AS
          $$ BEGIN INSERT INTO t2 SELECT g FROM generate_series(1, 5000) g; RETURN NEW; END $$;
        CREATE TRIGGER t1_fill AFTER INSERT ON t1 FOR EACH ROW EXECUTE FUNCTION fill_t2();
        CREATE FUNCTION wipe_big() RETURNS int LANGUAGE sql AS $$ DELETE FROM big WHERE id > 0; SELECT 1 $$;
        CREATE PROCEDURE wipe_big_proc() LANGUAGE sql AS $$ DELETE FROM big WHERE id > 0 $$;
        """);
    limitedJudge = new SqlJudge(policy("limited", SqlPolicy.DEFAULT_MAX_ROWS_CHANGED), Duration.ofMillis(500), 100);
    unlimitedJudge = new SqlJudge(policy("unlimited", 0), Duration.ofMillis(500), 100);
    limited = proxy(limitedJudge);
    unlimited = proxy(unlimitedJudge);
  }

  private static SqlPolicy policy(String name, long maxRows) {
    return new SqlPolicy(name, List.of(), List.of(), Unclassified.REVIEW, List.of(), MaskSpec.none(), 1, maxRows);
  }

  private static PgProxyServer proxy(SqlJudge judge) throws Exception {
    PolicyGate gate = new PolicyGate(judge, new MaskedDerivations(Map.of(), Map.of()));
    return PgProxyServer.tcp(new InetSocketAddress("127.0.0.1", 0), PgProxyIT.settings(pg), gate, null, null,
        new CancelRegistry());
  }

  @AfterAll
  static void stop() throws Exception {
    for (AutoCloseable c : new AutoCloseable[] {limited, unlimited, limitedJudge, unlimitedJudge, pg}) {
      if (c != null) {
        c.close();
      }
    }
  }

  @BeforeEach
  void fiveThousandRows() throws Exception {
    pg.superSql("app", """
        TRUNCATE big, t1, t2;
        INSERT INTO big SELECT g, g FROM generate_series(1, 5000) g;
        """);
  }

  private static Psql.Result psql(PgProxyServer proxy, String stdin, String... args) throws Exception {
    return Psql.psql(Psql.conninfo(proxy.port(), ""), stdin, args);
  }

  private static String count(String table) throws Exception {
    return pg.superSql("app", "SELECT count(*) FROM " + table);
  }

  private static void assertRefused(Psql.Result r, String table, String rows) {
    assertThat(r.exit()).as(r.toString()).isNotZero();
    assertThat(r.err()).as(r.toString())
        .contains("needs approval (rule max-rows-changed): would change " + rows + " rows of " + table + " (limit 1,000)");
  }

  /**
   * A column named {@code concurrently} does not make a CREATE TABLE AS a statement that cannot
   * run in a transaction: it is counted, refused and undone like any other write.
   */
  @Test
  void aCreateTableAsWithAColumnNamedConcurrentlyIsCountedAndUndone() throws Exception {
    for (String sql : List.of(
        "CREATE TABLE big_alias AS SELECT g AS concurrently FROM generate_series(1, 5000) g",
        "CREATE UNLOGGED TABLE big_alias AS SELECT g AS concurrently FROM generate_series(1, 5000) g",
        "SELECT g AS concurrently INTO big_alias FROM generate_series(1, 5000) g")) {
      Psql.Result r = psql(limited, null, "-v", "ON_ERROR_STOP=1", "-c", sql);
      assertThat(r.exit()).as(sql + ": " + r).isNotZero();
      assertThat(r.err()).as(sql + ": " + r).contains("would change 5,000 rows");
      assertThat(pg.superSql("app", "SELECT to_regclass('public.big_alias') IS NULL")).as(sql).isEqualTo("t");
    }
  }

  /**
   * The END of a BEGIN ATOMIC body is part of its CREATE FUNCTION, not a COMMIT: the text is one
   * counted unit, so the function and the deletion are undone together.
   */
  @Test
  void aBeginAtomicBodyIsOneStatementOfACountedText() throws Exception {
    Psql.Result r = psql(limited, null, "-v", "ON_ERROR_STOP=1", "-c",
        "CREATE FUNCTION one_atomic() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; END; DELETE FROM big WHERE id > 0");
    assertRefused(r, "big", "5,000");
    assertThat(count("big")).isEqualTo("5000");
    assertThat(pg.superSql("app", "SELECT count(*) FROM pg_proc WHERE proname = 'one_atomic'")).isEqualTo("0");
  }

  @Test
  void aDeleteOfFiveThousandRowsIsUndoneAndRefused() throws Exception {
    Psql.Result r = psql(limited, null, "-v", "ON_ERROR_STOP=1", "-c", "DELETE FROM big WHERE id > 0");
    assertRefused(r, "big", "5,000");
    assertThat(r.out()).doesNotContain("DELETE");
    assertThat(count("big")).isEqualTo("5000");
  }

  @Test
  void writesThroughACteATriggerAFunctionAndAProcedureAreCountedToo() throws Exception {
    assertRefused(psql(limited, null, "-c", "WITH d AS (DELETE FROM big WHERE id > 0 RETURNING 1) SELECT count(*) FROM d"),
        "big", "5,000");
    assertRefused(psql(limited, null, "-c", "SELECT wipe_big()"), "big", "5,000");
    assertRefused(psql(limited, null, "-c", "CALL wipe_big_proc()"), "big", "5,000");
    assertThat(count("big")).isEqualTo("5000");
    Psql.Result trigger = psql(limited, null, "-c", "INSERT INTO t1 VALUES (1)");
    assertThat(trigger.err()).as(trigger.toString())
        .contains("would change 5,001 rows of t2 (limit 1,000)");
    assertThat(count("t1")).isEqualTo("0");
    assertThat(count("t2")).isEqualTo("0");
  }

  @Test
  void copyFromStdinOfFiveThousandRowsIsUndone() throws Exception {
    StringBuilder data = new StringBuilder();
    for (int i = 10_001; i <= 15_000; i++) {
      data.append(i).append('\t').append(i).append('\n');
    }
    Psql.Result r = psql(limited, "COPY big FROM STDIN;\n" + data + "\\.\n", "-v", "ON_ERROR_STOP=1");
    assertRefused(r, "big", "5,000");
    assertThat(count("big")).isEqualTo("5000");
  }

  @Test
  void inAnExplicitTransactionTheRefusalAbortsItAndCommitChangesNothing() throws Exception {
    Psql.Result oneString = psql(limited, null, "-c", "BEGIN; DELETE FROM big WHERE id <= 10; DELETE FROM big WHERE id > 10; COMMIT");
    assertThat(oneString.err()).as(oneString.toString()).contains("would change 5,000 rows of big (limit 1,000)");
    Psql.Result script = psql(limited, "BEGIN;\nDELETE FROM big WHERE id <= 10;\nDELETE FROM big WHERE id > 10;\nCOMMIT;\n");
    assertThat(script.err()).as(script.toString())
        // The limit is per transaction: the 10 rows of the first DELETE count too.
        .contains("would change 5,000 rows of big (limit 1,000); undone; inside a transaction it cannot be held");
    assertThat(script.out()).contains("ROLLBACK"); // psql prints the server's answer to COMMIT
    assertThat(count("big")).isEqualTo("5000");
  }

  @Test
  void aWriteUnderTheLimitRunsAndItsResultReachesTheClientUnchanged() throws Exception {
    Psql.Result r = psql(limited, null, "-c", "DELETE FROM big WHERE id > 4990 RETURNING id");
    assertThat(r.exit()).as(r.toString()).isZero();
    StringBuilder expected = new StringBuilder();
    for (int i = 4991; i <= 5000; i++) {
      expected.append(i).append('\n');
    }
    assertThat(r.out()).isEqualTo(expected + "DELETE 10\n");
    assertThat(r.err()).isEmpty();
    Psql.Result two = psql(limited, null, "-c", "UPDATE big SET v = 0 WHERE id <= 600; UPDATE big SET v = 1 WHERE id <= 3");
    assertThat(two.exit()).as(two.toString()).isZero();
    assertThat(two.out()).isEqualTo("UPDATE 600\nUPDATE 3\n");
    assertThat(count("big")).isEqualTo("4990");
  }

  @Test
  void aMultiStatementQueryCountsItsWritesTogether() throws Exception {
    Psql.Result r = psql(limited, null, "-c", "DELETE FROM big WHERE id <= 600; DELETE FROM big WHERE id > 4400");
    assertRefused(r, "big", "1,200");
    assertThat(count("big")).isEqualTo("5000");
  }

  @Test
  void oneSessionKeepsCountingAfterDeallocateAll() throws Exception {
    // The check's statements are prepared in the session after the first write; DEALLOCATE ALL
    // drops them, and the next write must still be counted.
    Psql.Result r = psql(limited, """
        DELETE FROM big WHERE id > 4995;
        DELETE FROM big WHERE id > 4990;
        DEALLOCATE ALL;
        DELETE FROM big WHERE id > 4985;
        DELETE FROM big WHERE id > 0;
        DISCARD ALL;
        DELETE FROM big WHERE id > 0;
        """);
    assertThat(r.out()).as(r.toString()).isEqualTo("DELETE 5\nDELETE 5\nDEALLOCATE ALL\nDELETE 5\nDISCARD ALL\n");
    assertThat(r.err()).as(r.toString())
        .contains("psql:<stdin>:5: ERROR:  needs approval (rule max-rows-changed): would change 4,985 rows of big")
        .contains("psql:<stdin>:7: ERROR:  needs approval (rule max-rows-changed): would change 4,985 rows of big");
    assertThat(count("big")).isEqualTo("4985");
  }

  @Test
  void maxRowsChangedZeroTurnsTheLimitOff() throws Exception {
    Psql.Result r = psql(unlimited, null, "-c", "DELETE FROM big WHERE id > 0");
    assertThat(r.exit()).as(r.toString()).isZero();
    assertThat(r.out()).isEqualTo("DELETE 5000\n");
    assertThat(count("big")).isEqualTo("0");
  }

  private static Connection jdbc(PgProxyServer proxy) throws SQLException {
    Properties p = new Properties();
    p.setProperty("user", "anyone");
    p.setProperty("password", "anything");
    return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + proxy.port() + "/whatever", p);
  }

  @Test
  void theExtendedProtocolIsCountedToo() throws Exception {
    try (Connection c = jdbc(limited)) {
      try (PreparedStatement ps = c.prepareStatement("DELETE FROM big WHERE id > ?")) {
        ps.setInt(1, 0);
        assertThatThrownBy(ps::executeUpdate).isInstanceOfSatisfying(SQLException.class, e -> {
          assertThat(e.getSQLState()).isEqualTo("42501");
          assertThat(e.getMessage()).contains("would change 5,000 rows of big (limit 1,000)");
        });
      }
      assertThat(count("big")).isEqualTo("5000");
      try (Statement st = c.createStatement()) {
        assertThatThrownBy(() -> st.executeQuery("SELECT wipe_big()")).isInstanceOfSatisfying(SQLException.class,
            e -> assertThat(e.getMessage()).contains("would change 5,000 rows of big"));
        assertThat(st.executeUpdate("UPDATE big SET v = 7 WHERE id <= 10")).isEqualTo(10); // the session goes on
      }
      c.setAutoCommit(false);
      try (Statement st = c.createStatement()) {
        st.executeUpdate("DELETE FROM big WHERE id <= 5");
        assertThatThrownBy(() -> st.executeUpdate("DELETE FROM big WHERE id > 5")).isInstanceOf(SQLException.class);
        c.commit();
      }
    }
    assertThat(count("big")).isEqualTo("5000");
    assertThat(pg.superSql("app", "SELECT count(*) FROM big WHERE v = 7")).isEqualTo("10");
  }
}
