package dev.gatehouse.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class SqlJudgeTest {
  private static SqlPolicy policy(Map<String, Object> body) {
    return PolicyConfig.parse(Map.of("p", body)).get("p");
  }

  private static final SqlPolicy DEFAULT = CorpusTest.policy();

  @Test
  void batchVerdictIsTheStrictestAndEachStatementKeepsItsOwn() {
    try (SqlJudge j = new SqlJudge(DEFAULT, Duration.ofSeconds(2), 100)) {
      Judgement r = j.judge("SELECT * FROM users WHERE id = 1; GRANT ALL ON users TO bob; DELETE FROM orders");
      assertThat(r.verdict()).isEqualTo(new Verdict.Block("delete-without-where", "DELETE without WHERE on orders"));
      assertThat(r.statements()).extracting(StatementVerdict::kind).containsExactly("select", "grant", "delete");
      assertThat(r.statements()).extracting(s -> s.verdict().label()).containsExactly("allow", "review", "block");
      assertThat(r.statements().get(0).sql()).isEqualTo("SELECT * FROM users WHERE id = 1");
      assertThat(r.statements().get(0).tables()).containsExactly("users");
    }
  }

  @Test
  void emptyQueryIsAllowedWithNoStatements() {
    try (SqlJudge j = new SqlJudge(DEFAULT, Duration.ofSeconds(2), 100)) {
      assertThat(j.judge(" -- nothing\n /* here */ ;")).isEqualTo(new Judgement(Verdict.ALLOW, List.of()));
    }
  }

  @Test
  void sameFingerprintWithOtherLiteralsIsAnsweredFromTheCacheWithoutParsing() {
    try (SqlJudge j = new SqlJudge(DEFAULT, Duration.ofSeconds(2), 100)) {
      Verdict first = j.judge("DELETE FROM users WHERE 1 = 1").verdict();
      long parses = j.parses();
      assertThat(parses).isPositive();
      Verdict second = j.judge("delete   from USERS where 42 = 7 -- other literals").verdict();
      assertThat(j.parses()).isEqualTo(parses);
      assertThat(second).isEqualTo(first);
      j.judge("DELETE FROM users WHERE id = 1");
      assertThat(j.parses()).isGreaterThan(parses);
    }
  }

  @Test
  void setConfigNameIsPartOfTheFingerprint() {
    try (SqlJudge j = new SqlJudge(DEFAULT, Duration.ofSeconds(2), 100)) {
      assertThat(j.judge("SELECT set_config('search_path', 'x', false)").verdict().label()).isEqualTo("allow");
      assertThat(j.judge("SELECT set_config('role', 'x', false)").verdict().rule()).isEqualTo("role-change");
    }
  }

  @Test
  void cacheIsBoundedAndKeyedOnThePolicyVersion() {
    SqlPolicy other = policy(Map.of("block", List.of("drop-table")));
    assertThat(other.version()).isNotEqualTo(DEFAULT.version());
    assertThat(policy(Map.of("block", List.of("drop-table"))).version()).isEqualTo(other.version());
    try (SqlJudge j = new SqlJudge(DEFAULT, Duration.ofSeconds(2), 2)) {
      j.judge("SELECT 1 FROM a");
      j.judge("SELECT 1 FROM b");
      j.judge("SELECT 1 FROM c");
      long parses = j.parses();
      j.judge("SELECT 1 FROM a"); // evicted: parsed again
      assertThat(j.parses()).isEqualTo(parses + 1);
    }
  }

  @Test
  void slowParseIsCutOffAndTheStatementIsUnclassified() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger started = new AtomicInteger();
    SqlParsing.Parser stuck =
        (sql, made) -> {
          started.incrementAndGet();
          release.await(); // until interrupted by the timeout
          return null;
        };
    try (SqlJudge j = new SqlJudge(DEFAULT, Duration.ofMillis(50), 100, 2, stuck)) {
      for (int i = 0; i < 20; i++) {
        Judgement r = j.judge("DELETE FROM users WHERE id = " + i);
        assertThat(r.verdict()).isInstanceOf(Verdict.Review.class);
        assertThat(r.verdict().rule()).isEqualTo("unclassified");
        assertThat(r.verdict().reason()).contains("longer than 50 ms");
        assertThat(j.parserThreads()).isLessThanOrEqualTo(2);
      }
      assertThat(j.parses()).as("a timed-out parse is not cached").isEqualTo(20);
      assertThat(started.get()).isPositive();
      assertThat(parserThreadsAlive()).isLessThanOrEqualTo(2);
    }
    release.countDown();
  }

  @Test
  void timeoutUnderBlockPolicyBlocks() {
    SqlParsing.Parser never = (sql, made) -> {
      Thread.sleep(60_000);
      return null;
    };
    SqlPolicy strict = policy(Map.of("unclassified", "block"));
    try (SqlJudge j = new SqlJudge(strict, Duration.ofMillis(20), 10, 1, never)) {
      assertThat(j.judge("UPDATE users SET a = 1 WHERE id = 2").verdict()).isInstanceOf(Verdict.Block.class);
    }
  }

  @Test
  void closingTheJudgeStopsItsThreads() throws Exception {
    SqlJudge j = new SqlJudge(DEFAULT, Duration.ofSeconds(2), 10);
    j.judge("SELECT * FROM users");
    assertThat(j.parserThreads()).isBetween(1, 4);
    j.close();
    for (int i = 0; i < 200 && j.parserThreads() > 0; i++) {
      Thread.sleep(10);
    }
    assertThat(j.parserThreads()).isZero();
  }

  @Test
  void parserThreadsAreDaemons() {
    try (SqlJudge j = new SqlJudge(DEFAULT, Duration.ofSeconds(2), 10)) {
      j.judge("SELECT * FROM users");
      assertThat(Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith(SqlParsing.THREAD_PREFIX)))
          .allMatch(Thread::isDaemon);
    }
  }

  @Test
  void ruleWithoutBuiltInsStillHonoursUnclassified() {
    SqlPolicy bare = policy(Map.of());
    try (SqlJudge j = new SqlJudge(bare, Duration.ofSeconds(2), 10)) {
      assertThat(j.judge("DROP TABLE users").verdict()).isEqualTo(Verdict.ALLOW);
      assertThat(j.judge("FROBNICATE users").verdict().label()).isEqualTo("review");
    }
  }

  @Test
  void operatorRuleMatchesOnlyWhenEverySelectorMatches() {
    SqlPolicy p =
        policy(Map.of("rules", List.of(Map.of("name", "orders-deletes", "kinds", List.of("delete"), "tables", List.of("public.orders"), "verdict", "block"))));
    try (SqlJudge j = new SqlJudge(p, Duration.ofSeconds(2), 10)) {
      assertThat(j.judge("DELETE FROM orders WHERE id = 1").verdict().rule()).isEqualTo("orders-deletes");
      assertThat(j.judge("DELETE FROM public.orders WHERE id = 1").verdict().rule()).isEqualTo("orders-deletes");
      assertThat(j.judge("DELETE FROM archive.orders WHERE id = 1").verdict()).isEqualTo(Verdict.ALLOW);
      assertThat(j.judge("SELECT * FROM orders").verdict()).isEqualTo(Verdict.ALLOW);
    }
  }

  private static long parserThreadsAlive() {
    return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith(SqlParsing.THREAD_PREFIX) && t.isAlive()).count();
  }

  @Test
  void theSessionsStandardConformingStringsDecidesTheReadingAndUnknownReadsBothWays() {
    String deleteUnderOff = "SELECT 'a\\' AS x, ' ; DELETE FROM users; --' AS y";
    try (SqlJudge j = new SqlJudge(DEFAULT, Duration.ofSeconds(2), 100)) {
      assertThat(j.judge(deleteUnderOff, StandardConformingStrings.ON).verdict().label()).isEqualTo("allow");
      assertThat(j.judge(deleteUnderOff, StandardConformingStrings.OFF).verdict().rule()).isEqualTo("delete-without-where");
      assertThat(j.judge(deleteUnderOff, StandardConformingStrings.UNKNOWN).verdict().rule()).isEqualTo("delete-without-where");
      String path = "SELECT 'C:\\' AS path";
      assertThat(j.judge(path, StandardConformingStrings.ON).verdict().label()).isEqualTo("allow");
      assertThat(j.judge(path, StandardConformingStrings.UNKNOWN).verdict().rule()).isEqualTo("unclassified");
      assertThat(j.judge("SELECT U&'\\0041'", StandardConformingStrings.OFF).verdict().rule()).isEqualTo("unclassified");
    }
  }

  @Test
  void aDollarTagAfterAUnicodeSpaceIsPartOfTheNameSoTheDeleteIsSeen() {
    try (SqlJudge j = new SqlJudge(DEFAULT, Duration.ofSeconds(2), 100)) {
      for (String before : List.of("\u2003", "\u00a0", "\u3000", "\ufeff", "\u200b", "\u00e9", "x")) {
        Judgement r = j.judge("SELECT 1 AS " + before + "$a$; DELETE FROM users; --$a$", StandardConformingStrings.ON);
        assertThat(r.verdict().rule()).as(before).isEqualTo("delete-without-where");
      }
    }
  }
}
