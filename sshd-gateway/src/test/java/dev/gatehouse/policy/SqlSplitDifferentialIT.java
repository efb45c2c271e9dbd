package dev.gatehouse.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.gateway.postgres.PostgresServer;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@link SqlLexer#split} against the real PostgreSQL 15 grammar: each text goes to the server as
 * ONE simple Query message (inside {@code BEGIN … ROLLBACK}, on a scratch database the role owns),
 * and the number of statements the server completed (CommandComplete messages) is compared with
 * the number the splitter found. The texts hold {@code CREATE [OR REPLACE] FUNCTION|PROCEDURE …
 * BEGIN ATOMIC … END} bodies with what psql's heuristic and a naive split get wrong: {@code CASE …
 * END} inside, {@code end} as a column label, {@code ;} and {@code END} in strings and comments,
 * empty statements, bodies in later statements, routines with string bodies. {@code split.count}
 * generated texts (default 3000) from {@code split.seed} (printed).
 */
class SqlSplitDifferentialIT {
  static PostgresServer pg;
  static String password;

  static final List<String> BODY_STATEMENTS = List.of(
      "SELECT x + 1", "SELECT CASE WHEN x > 0 THEN 1 ELSE 0 END", "SELECT CASE x WHEN 1 THEN CASE WHEN x > 2 THEN 'end' END END",
      "SELECT 1 end", "SELECT 1 AS end", "SELECT 'a;END;b'", "SELECT $$;end;$$", "SELECT /* ; end */ 2",
      "-- ; end\nSELECT 3", "SELECT (SELECT 1) AS \"end\"", "SELECT 1 AS begin", "SELECT x AS atomic", "");
  static final List<String> PLAIN = List.of(
      "SELECT 1 AS begin", "SELECT 'a;end' AS s", "SELECT 2", "SELECT CASE WHEN true THEN 1 END AS x", "SELECT 1 end",
      "SELECT 1 AS atomic", "");
  static final List<String> BETWEEN = List.of(" ", "\n", " /* ; end */ ", "\n-- ; end\n");

  @BeforeAll
  static void start() throws Exception {
    pg = PostgresServer.start(false);
    pg.superSql("postgres", "CREATE DATABASE split_scratch OWNER app_clear");
    password = Files.readString(pg.passwordFile()).strip();
  }

  @AfterAll
  static void stop() throws Exception {
    if (pg != null) {
      pg.close();
    }
  }

  /** One generated text: statements joined by {@code ;}, routines with fresh names. */
  static String text(Random r, int n) {
    StringBuilder b = new StringBuilder();
    int statements = 1 + r.nextInt(4);
    for (int s = 0; s < statements; s++) {
      if (s > 0) {
        b.append(r.nextInt(5) == 0 ? ";;" : ";").append(BETWEEN.get(r.nextInt(BETWEEN.size())));
      }
      int what = r.nextInt(5);
      String name = "r" + n + "_" + s;
      if (what == 0) {
        b.append(PLAIN.get(r.nextInt(PLAIN.size())));
      } else if (what == 1) {
        b.append(r.nextBoolean() ? "CREATE FUNCTION " + name + "() RETURNS int LANGUAGE sql AS 'SELECT 1; SELECT 2'"
            : "CREATE FUNCTION " + name + "() RETURNS int LANGUAGE sql RETURN 1");
      } else {
        b.append("CREATE ").append(r.nextBoolean() ? "OR REPLACE " : "")
            .append(r.nextBoolean() ? "FUNCTION " + name + "(x int) RETURNS void" : "PROCEDURE " + name + "(x int)")
            .append(" LANGUAGE sql BEGIN").append(BETWEEN.get(r.nextInt(BETWEEN.size()))).append("ATOMIC ");
        int body = r.nextInt(5);
        for (int k = 0; k < body; k++) {
          b.append(BODY_STATEMENTS.get(r.nextInt(BODY_STATEMENTS.size()))).append("; ");
        }
        b.append("END");
      }
    }
    return b.toString();
  }

  /** The statements of a split at every {@code ;} token, as before BEGIN ATOMIC was known. */
  private static int naiveCount(String text) {
    int n = 0;
    boolean content = false;
    for (Token t : SqlLexer.tokenize(text)) {
      if (t.type() == Token.Type.SEMICOLON) {
        n += content ? 1 : 0;
        content = false;
      } else {
        content = true;
      }
    }
    return n + (content ? 1 : 0);
  }

  @Test
  void theSplitterFindsTheStatementsTheServerRuns() throws Exception {
    long seed = Long.getLong("split.seed", System.nanoTime());
    int count = Integer.getInteger("split.count", 3000);
    System.out.println("SqlSplitDifferentialIT: -Dsplit.seed=" + seed + " -Dsplit.count=" + count);
    Random r = new Random(seed);
    List<String> texts = new ArrayList<>();
    for (int n = 0; n < count; n++) {
      texts.add(text(r, n));
    }
    Map<String, Integer> outcomes = new TreeMap<>();
    Map<String, String> mismatches = new LinkedHashMap<>();
    int naiveWrong = 0;
    try (PgWireClient c = PgWireClient.connect(pg.port, "app_clear", "split_scratch", password)) {
      assertThat(c.run(List.of("SET client_min_messages = warning"))).allSatisfy(x -> assertThat(x.failed()).isFalse());
      int batch = 200;
      for (int from = 0; from < texts.size(); from += batch) {
        List<String> slice = texts.subList(from, Math.min(texts.size(), from + batch));
        List<String> queries = new ArrayList<>();
        for (String t : slice) {
          queries.addAll(List.of("BEGIN", t, "ROLLBACK"));
        }
        List<PgWireClient.Reply> replies = c.run(queries);
        for (int k = 0; k < slice.size(); k++) {
          String text = slice.get(k);
          PgWireClient.Reply server = replies.get(3 * k + 1);
          SqlLexer.Split split = SqlLexer.split(SqlLexer.tokenize(text));
          if (server.failed()) {
            outcomes.merge("server refused (" + server.errorMessage().replaceAll("\".*", "") + ")", 1, Integer::sum);
          } else if (!split.certain()) {
            outcomes.merge("server ran, splitter unsure (refused whole)", 1, Integer::sum);
          } else if (split.statements().size() != server.ran()) {
            mismatches.putIfAbsent(text, "server ran " + server.ran() + ", splitter found " + split.statements().size());
          } else {
            outcomes.merge("both " + server.ran(), 1, Integer::sum);
          }
          if (!server.failed() && naiveCount(text) != server.ran()) {
            naiveWrong++;
          }
        }
      }
    }
    System.out.println("SqlSplitDifferentialIT outcomes: " + outcomes);
    mismatches.entrySet().stream().limit(10).forEach(e -> System.out.println("MISMATCH " + e.getValue() + ": " + e.getKey()));
    System.out.println("SqlSplitDifferentialIT: a split at every ; disagrees with the server on " + naiveWrong + " texts");
    assertThat(naiveWrong).as("the texts discriminate: a split at every ; gets some wrong").isPositive();
    assertThat(mismatches).as("texts split differently from the server (seed %d)", seed).isEmpty();
    int agreed = outcomes.entrySet().stream().filter(e -> e.getKey().startsWith("both")).mapToInt(Map.Entry::getValue).sum();
    assertThat(agreed).as("texts the server ran and the splitter split alike").isGreaterThan(count / 2);
  }
}
