package dev.gatehouse.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Where a text's statements end, as PostgreSQL 15's grammar decides: a {@code ;} inside the
 * SQL-standard body of {@code CREATE FUNCTION|PROCEDURE … BEGIN ATOMIC … END} ends a statement of
 * the body, not the CREATE. The cases of psql's {@code psqlscan.l} heuristic (CASE … END inside,
 * CREATE OR REPLACE, a body in a later statement of the text) and where the server differs from it
 * (an {@code end} that is a column label). What the splitter is not sure of is one doubtful
 * statement, refused whole. SqlSplitDifferentialIT checks the same against the server.
 */
class StatementSplitTest {
  private static List<String> split(String sql) {
    SqlLexer.Split s = SqlLexer.split(SqlLexer.tokenize(sql));
    assertThat(s.certain()).as("certain: %s (%s)", sql, s.doubt()).isTrue();
    return s.statements().stream().map(st -> SqlLexer.source(sql, st)).toList();
  }

  private static String atomic(String body) {
    return "CREATE FUNCTION f(x int) RETURNS int LANGUAGE sql BEGIN ATOMIC " + body + " END";
  }

  @Test
  void aBeginAtomicBodyIsPartOfItsCreateFunction() {
    assertThat(split(atomic("SELECT 1; SELECT 2;") + "; SELECT 3"))
        .containsExactly(atomic("SELECT 1; SELECT 2;"), "SELECT 3");
  }

  @Test
  void caseEndInsideTheBodyDoesNotEndIt() {
    String f = atomic("SELECT CASE WHEN x > 0 THEN CASE x WHEN 1 THEN 1 END ELSE 0 END;");
    assertThat(split(f + "; SELECT 3")).containsExactly(f, "SELECT 3");
  }

  @Test
  void anEndThatIsAColumnLabelDoesNotEndTheBody() {
    // psql's heuristic would end the body here; the server reads end as the column's label.
    for (String body : List.of("SELECT 1 end;", "SELECT 1 AS end;", "SELECT t.end FROM t;", "SELECT 1 AS \"end\";")) {
      assertThat(split(atomic(body) + "; SELECT 3")).as(body).containsExactly(atomic(body), "SELECT 3");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "CREATE OR REPLACE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; END",
      "CREATE PROCEDURE p() LANGUAGE sql BEGIN ATOMIC INSERT INTO t VALUES (1); INSERT INTO t VALUES (2); END",
      "CREATE OR REPLACE PROCEDURE p() BEGIN ATOMIC END",
      "create function f() returns int begin /* c */ atomic ; ; select 1; end",
      "CREATE FUNCTION f(a int DEFAULT 1) RETURNS TABLE (begin int, atomic int) LANGUAGE sql BEGIN ATOMIC SELECT 1, 2; END",
      "CREATE FUNCTION f() RETURNS text LANGUAGE sql BEGIN ATOMIC SELECT 'a; END; b'; SELECT $$;END;$$; END",
  })
  void everyFormOfARoutineBodyIsOneStatement(String f) {
    assertThat(split("SELECT 0; " + f + "; SELECT 3")).containsExactly("SELECT 0", f, "SELECT 3");
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "SELECT begin atomic FROM t; SELECT 2",
      "SELECT 1 AS begin; SELECT 2",
      "CREATE FUNCTION f() RETURNS int LANGUAGE sql AS 'SELECT 1; SELECT 2'; SELECT 2",
      "CREATE FUNCTION f() RETURNS int LANGUAGE sql RETURN 1; SELECT 2",
      "CREATE FUNCTION \"begin\"() RETURNS int LANGUAGE sql RETURN 1; SELECT 2",
      "CREATE TABLE t (begin int, atomic int); SELECT 2",
      "CREATE \"function\" f() BEGIN ATOMIC SELECT 1; SELECT 2",
  })
  void outsideARoutineBodyEverySemicolonEndsAStatement(String sql) {
    assertThat(split(sql)).hasSize(2).last().isEqualTo("SELECT 2");
  }

  @Test
  void transactionBeginAndEndAreStatements() {
    assertThat(split("BEGIN; SELECT 1; END; BEGIN ATOMIC")).containsExactly("BEGIN", "SELECT 1", "END", "BEGIN ATOMIC");
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; SELECT 2",
      "CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1",
      "CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT (1; END",
      "CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; END x; SELECT 2",
      "CREATE FUNCTION f() BEGIN ATOMIC CREATE FUNCTION g() BEGIN ATOMIC SELECT 1; END; END; SELECT 2",
      "CREATE FUNCTION f() BEGIN ATOMIC SELECT 'unterminated; END",
  })
  void whatTheSplitterIsNotSureOfIsOneDoubtfulStatement(String sql) {
    SqlLexer.Split s = SqlLexer.split(SqlLexer.tokenize(sql));
    assertThat(s.certain()).as(sql).isFalse();
    assertThat(s.statements()).hasSize(1);
    assertThat(s.statements().get(0)).hasSize(SqlLexer.tokenize(sql).size());
  }

  @Test
  void aDoubtfulTextIsUnclassifiedAndRefusedWhileMasking() {
    String sql = "CREATE FUNCTION f() RETURNS text LANGUAGE sql BEGIN ATOMIC SELECT 'x'; SELECT ssn FROM users";
    try (SqlJudge judge = new SqlJudge(
        new SqlPolicy("p", List.of(), List.of(), Unclassified.BLOCK, List.of(), MaskSpec.none(), 1), Duration.ofSeconds(1), 10)) {
      Judgement j = judge.judge(sql);
      assertThat(j.verdict().rule()).isEqualTo("unclassified");
      assertThat(j.verdict().reason()).contains("cannot tell where this text's statements end");
      assertThat(j.statements()).singleElement().satisfies(s -> assertThat(s.sql()).isEqualTo(sql));
    }
    MaskedDerivations masking = new MaskedDerivations(MaskedDerivations.byTable(List.of("users.ssn")), Map.of());
    assertThat(masking.violation(sql, StandardConformingStrings.UNKNOWN)).get().asString()
        .contains("cannot tell where this text's statements end");
  }

  @Test
  void aBeginAtomicBodyNamingAMaskedTableIsRefusedWholeAndOneWithoutItIsNot() {
    MaskedDerivations masking = new MaskedDerivations(MaskedDerivations.byTable(List.of("users.ssn")), Map.of());
    assertThat(masking.violation(atomic("SELECT 'x'; SELECT id FROM users WHERE id = x;"), StandardConformingStrings.ON))
        .get().asString().contains("users");
    assertThat(masking.violation(atomic("SELECT x + 1;") + "; SELECT f(1)", StandardConformingStrings.ON)).isEmpty();
  }
}
