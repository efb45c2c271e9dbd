package dev.gatehouse.gateway.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.policy.MaskedDerivations;
import dev.gatehouse.policy.PgWireClient;
import dev.gatehouse.policy.PgWireClient.Reply;
import dev.gatehouse.policy.SqlJudge;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The proxy judges each text as the server will read it: with the session's
 * standard_conforming_strings as the server reported it, and both ways while a change may still be
 * on its way. Each text is one simple Query (psql would split the texts itself).
 */
class PgStandardStringsIT {
  static PostgresServer pg;
  static SqlJudge judge;
  static PgProxyServer proxy;

  /** Its statements are harmless under one reading, and delete every user under the other. */
  static final String DELETE_UNDER_OFF = "SELECT 'a\\' AS x, ' ; DELETE FROM users; --' AS y";

  @BeforeAll
  static void start() throws Exception {
    pg = PostgresServer.start(false);
    judge = new SqlJudge(PostgresTargets.BUILT_IN_DEFAULT, Duration.ofSeconds(2), 100);
    PolicyGate gate = new PolicyGate(judge, new MaskedDerivations(Map.of(), Map.of()));
    proxy = PgProxyServer.tcp(new InetSocketAddress("127.0.0.1", 0), PgProxyIT.settings(pg), gate,
        ResultMasker.NONE, StatementLog.NONE, new CancelRegistry());
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

  private static PgWireClient client() throws Exception {
    return PgWireClient.connect(proxy.port(), "anyone", "anything", "ignored");
  }

  private static Reply one(PgWireClient c, String sql) throws Exception {
    return c.run(List.of(sql)).get(0);
  }

  @Test
  void eachTextIsJudgedWithTheValueTheServerReportedForThisSession() throws Exception {
    try (PgWireClient c = client()) {
      // on: a backslash before the quote is text, and the rest is a second string
      Reply harmless = one(c, DELETE_UNDER_OFF);
      assertThat(harmless.failed()).as(harmless.errorMessage()).isFalse();
      assertThat(harmless.rows()).containsExactly(List.of("a\\", " ; DELETE FROM users; --"));
      assertThat(one(c, "SELECT 'C:\\' AS path").rows()).containsExactly(List.of("C:\\"));

      assertThat(one(c, "SET standard_conforming_strings = off").failed()).isFalse();
      Reply refused = one(c, DELETE_UNDER_OFF);
      assertThat(refused.errorCode()).isEqualTo("42501");
      assertThat(refused.errorMessage()).contains("delete-without-where");
      assertThat(one(c, "SELECT 'C:\\\\' AS path").rows()).containsExactly(List.of("C:\\"));

      assertThat(one(c, "RESET standard_conforming_strings").failed()).isFalse();
      assertThat(one(c, DELETE_UNDER_OFF).failed()).isFalse();
    }
    assertThat(pg.superSql("app", "SELECT count(*) FROM users")).isEqualTo("2");
  }

  @Test
  void aSetInsideAMessageChangesOnlyTheNextMessagesAsTheServerReadsAMessageWhole() throws Exception {
    try (PgWireClient c = client()) {
      Reply both = one(c, "SET standard_conforming_strings = off; " + DELETE_UNDER_OFF);
      assertThat(both.failed()).as(both.errorMessage()).isFalse();
      assertThat(both.ran()).isEqualTo(2);
      assertThat(both.rows()).containsExactly(List.of("a\\", " ; DELETE FROM users; --"));
      assertThat(one(c, DELETE_UNDER_OFF).errorCode()).isEqualTo("42501");
    }
    assertThat(pg.superSql("app", "SELECT count(*) FROM users")).isEqualTo("2");
  }

  @Test
  void whileAChangeMayStillBeOnItsWayBothReadingsAreJudged() throws Exception {
    try (PgWireClient c = client()) {
      assertThat(one(c, "SET standard_conforming_strings = off").failed()).isFalse();
      // The second text reaches the proxy while the first still runs: its reading is not known.
      List<Reply> r = c.run(List.of("RESET standard_conforming_strings; SELECT pg_sleep(0.5)", DELETE_UNDER_OFF));
      assertThat(r.get(0).failed()).isFalse();
      assertThat(r.get(1).errorCode()).isEqualTo("42501");
      assertThat(r.get(1).errorMessage()).contains("delete-without-where");
      // Once the server has reported on, the same text reads as the harmless one it is.
      assertThat(one(c, DELETE_UNDER_OFF).failed()).isFalse();
    }
    assertThat(pg.superSql("app", "SELECT count(*) FROM users")).isEqualTo("2");
  }

  @Test
  void theFindingAndItsVariantsNeverReachTheServer() throws Exception {
    try (PgWireClient c = client()) {
      for (String prefix : List.of("\u2003", "\u00a0", "\u3000", "\ufeff", "\u200b", "\u00e9", "x")) {
        Reply r = one(c, "SELECT 1 AS " + prefix + "$a$; DELETE FROM users; --$a$");
        assertThat(r.errorCode()).as(prefix).isEqualTo("42501");
        assertThat(r.ran()).isZero();
      }
    }
    assertThat(pg.superSql("app", "SELECT count(*) FROM users")).isEqualTo("2");
  }
}
