package dev.gatehouse.policy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The row limit's plan reads each statement's tokens from the lexing of the whole text it was
 * sent in ({@link RowWrites#tokensOf}) instead of lexing the statement's own text again. That is
 * only right if the two are the same tokens: checked here for every statement of the judge's
 * corpus and of seeded generated texts built from the pieces where a lexer keeps state (strings,
 * escapes, dollar quotes, quoted and Unicode names, comments, numbers running into words, routine
 * bodies), in both readings of backslashes. And the plan made so is the plan made from each
 * statement's own text. The seed is printed.
 */
class StatementTokensTest {
  private static final SqlJudge JUDGE = new SqlJudge(
      new SqlPolicy("p", List.of(), List.of(), Unclassified.REVIEW, List.of(), MaskSpec.none(), 1), java.time.Duration.ofSeconds(5), 1000);

  @AfterAll
  static void close() {
    JUDGE.close();
  }

  static final List<String> PIECES = List.of(
      "select 1", "SELECT 'a;b'", "select E'\\';x'", "select 'a\\';select 2", "select $$;$$", "select $t$ ; $x$ ;$t$",
      "select U&\"d!0061t\" UESCAPE '!'", "select U&'\\0061;'", "select \"q;\"\"x\"", "select 1.5e3", "select 1e",
      "select 123abc", "select x--c;\n", "select /* ; */ 1", "select /* /* ; */ */ 2", "insert into t values (1)",
      "select t.a from t", "create index concurrently i on t (a)", "drop index concurrently i", "select :'v'",
      "select $1", "select b'101'", "select x'ff'", "select 'a'\n'b'", "select n'x'", "begin", "commit",
      "rollback", "update t set a = 1 where b = 'x;'", "with w as (delete from t returning *) select * from w",
      "create function f() returns int language sql begin atomic select 1; select 2; end",
      "select pg_sleep(0.1)", "select a.b.c", "copy t to stdout", "select 'é' || 'ü'", "select \u00e9t", "");
  static final List<String> BETWEEN = List.of(";", ";;", "; ", ";\n", " ;-- c\n", ";/* x */");

  private static List<String> corpus() throws IOException {
    List<String> texts = new ArrayList<>();
    ObjectMapper json = new ObjectMapper();
    try (InputStream in = StatementTokensTest.class.getResourceAsStream("/corpus/statements.jsonl")) {
      for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
        if (!line.isBlank()) {
          texts.add(json.readTree(line).get("sql").asText());
        }
      }
    }
    return texts;
  }

  private static String generated(Random r) {
    StringBuilder b = new StringBuilder();
    for (int s = 1 + r.nextInt(5); s > 0; s--) {
      b.append(PIECES.get(r.nextInt(PIECES.size())));
      if (s > 1 || r.nextBoolean()) {
        b.append(BETWEEN.get(r.nextInt(BETWEEN.size())));
      }
    }
    return b.toString();
  }

  private static List<String> shape(List<Token> tokens) {
    return tokens.stream().map(t -> t.type() + " " + t.text()).toList();
  }

  @Test
  void aStatementsTokensInTheWholeTextAreThoseOfItsOwnText() throws IOException {
    long seed = Long.getLong("tokens.seed", System.nanoTime());
    System.out.println("StatementTokensTest seed " + seed + " (-Dtokens.seed=" + seed + ")");
    Random r = new Random(seed);
    List<String> texts = corpus();
    for (int i = 0; i < 5000; i++) {
      texts.add(generated(r));
    }
    int statements = 0;
    for (String sql : texts) {
      for (boolean standard : new boolean[] {true, false}) {
        SqlLexer.Split split = SqlLexer.split(SqlLexer.tokenize(sql, standard));
        if (!split.certain()) {
          continue;
        }
        for (List<Token> st : split.statements()) {
          String own = SqlLexer.source(sql, st);
          assertThat(shape(SqlLexer.tokenize(own, standard)))
              .as("seed %d, standard strings %s: '%s' in '%s'", seed, standard, own, sql).isEqualTo(shape(st));
          statements++;
        }
      }
    }
    assertThat(statements).isGreaterThan(10_000);
  }

  @Test
  void thePlanFromTheWholeTextsTokensIsThePlanFromEachStatementsOwn() throws IOException {
    long seed = Long.getLong("tokens.seed", System.nanoTime());
    System.out.println("StatementTokensTest seed " + seed + " (-Dtokens.seed=" + seed + ")");
    Random r = new Random(seed);
    List<String> texts = corpus();
    for (int i = 0; i < 3000; i++) {
      texts.add(generated(r));
    }
    int shared = 0;
    for (String sql : texts) {
      Judgement j = JUDGE.judge(sql);
      List<List<Token>> whole = RowWrites.tokensOf(j.statements(), sql);
      if (whole == null) {
        continue;
      }
      shared++;
      for (int i = 0; i < whole.size(); i++) {
        StatementVerdict s = j.statements().get(i);
        assertThat(RowWrites.mayWrite(s, whole.get(i))).as("seed %d: '%s' in '%s'", seed, s.sql(), sql)
            .isEqualTo(RowWrites.mayWrite(s, SqlLexer.tokenize(s.sql())));
      }
    }
    assertThat(shared).as("most texts split as the judge split them").isGreaterThan(texts.size() / 2);
  }
}
