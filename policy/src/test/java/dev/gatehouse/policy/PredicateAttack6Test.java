package dev.gatehouse.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Attack pass 13f, on the shared statement splitter, the connection's cursor tracking and the
 * cursor words of routine bodies: shapes the splitter's differential test does not generate, and
 * spellings of cursor reads in bodies. What held is asserted here; the bypass found (a suspended
 * unnamed portal) is in MaskingAttackIT, end to end.
 */
class PredicateAttack6Test {
  private static final MaskedDerivations MASKING =
      new MaskedDerivations(MaskedDerivations.byTable(List.of("users.email", "users.ssn")), Map.of());
  private static final SqlJudge JUDGE = new SqlJudge(
      new SqlPolicy("p", List.of(), List.of(), Unclassified.REVIEW, List.of(), MaskSpec.none(), 1), Duration.ofSeconds(1), 100);

  @AfterAll
  static void close() {
    JUDGE.close();
  }

  private static List<String> split(String sql) {
    SqlLexer.Split s = SqlLexer.split(SqlLexer.tokenize(sql));
    assertThat(s.certain()).as("certain: %s (%s)", sql, s.doubt()).isTrue();
    return s.statements().stream().map(st -> SqlLexer.source(sql, st)).toList();
  }

  /** Shapes the differential generator does not produce, split as PostgreSQL 15's grammar splits them. */
  @Test
  void shapesOutsideTheGeneratorSplitAsTheServerSplitsThem() {
    String ret = "CREATE FUNCTION f() RETURNS int LANGUAGE sql RETURN (SELECT 1)";
    assertThat(split(ret + "; SELECT 2")).containsExactly(ret, "SELECT 2");
    String comments = "CREATE OR REPLACE FUNCTION s.f() RETURNS int LANGUAGE sql begin/**/atomic -- x\n SELECT 'END IF; END LOOP;'; SELECT $$END;$$::int; END";
    assertThat(split("SELECT 0; " + comments + "; SELECT 2")).containsExactly("SELECT 0", comments, "SELECT 2");
    String proc = "CREATE PROCEDURE p() LANGUAGE sql BEGIN ATOMIC INSERT INTO notes VALUES (CASE WHEN true THEN 1 END, 'end'); END";
    assertThat(split(proc + ";SELECT 3")).containsExactly(proc, "SELECT 3");
    assertThat(split("EXPLAIN SELECT 1; PREPARE q AS SELECT 2; SELECT 3"))
        .containsExactly("EXPLAIN SELECT 1", "PREPARE q AS SELECT 2", "SELECT 3");
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "CREATE PROCEDURE p() LANGUAGE sql BEGIN ATOMIC SELECT 1; CREATE FUNCTION g() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; END; END",
      "CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1",
      "CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; END SELECT 2",
  })
  void uncertainSplitsAreOneDoubtfulStatement(String sql) {
    SqlLexer.Split s = SqlLexer.split(SqlLexer.tokenize(sql));
    assertThat(s.certain()).as(sql).isFalse();
    assertThat(s.statements()).hasSize(1);
  }

  /** A body that hides its last statement behind END-looking text, comments or a nested CASE is still one body. */
  @ParameterizedTest
  @ValueSource(strings = {
      "CREATE FUNCTION leak() RETURNS SETOF text LANGUAGE sql STABLE begin/**/atomic SELECT 'END'; SELECT ssn FROM users; END",
      "CREATE FUNCTION leak() RETURNS SETOF text LANGUAGE sql STABLE BEGIN -- c\n ATOMIC SELECT CASE WHEN true THEN 'x' END; SELECT ssn FROM users; END",
      "CREATE OR REPLACE FUNCTION public.leak() RETURNS SETOF text LANGUAGE sql STABLE BEGIN ATOMIC SELECT $$END IF; END LOOP;$$; SELECT email FROM users; END",
      "SELECT 1; CREATE PROCEDURE leak() LANGUAGE sql BEGIN ATOMIC SELECT 1; INSERT INTO notes SELECT id, ssn FROM users; END; SELECT 2",
      "CREATE FUNCTION leak() RETURNS text LANGUAGE sql STABLE RETURN (SELECT ssn FROM users LIMIT 1)",
  })
  void routineBodiesThatReturnMaskedValuesAreRefused(String sql) {
    assertThat(MASKING.violation(sql, StandardConformingStrings.ON)).as(sql).isPresent();
  }

  /** Cursor reads in bodies in spellings other than the plain words. */
  @ParameterizedTest
  @ValueSource(strings = {
      "CREATE FUNCTION r() RETURNS SETOF text LANGUAGE plpgsql AS E'DECLARE v text; BEGIN \\x46ETCH k INTO v; RETURN NEXT v; END'",
      "CREATE FUNCTION r() RETURNS SETOF text LANGUAGE plpgsql AS U&'DECLARE v text; BEGIN \\0046ETCH k INTO v; RETURN NEXT v; END'",
      "CREATE FUNCTION r(c pg_catalog.\"refcursor\") RETURNS int LANGUAGE plpgsql AS $$ BEGIN RETURN 1; END $$",
      "CREATE FUNCTION r() RETURNS int LANGUAGE plpgsql AS $$ DECLARE k NO SCROLL CURSOR FOR SELECT 1; BEGIN RETURN 1; END $$",
      "CREATE FUNCTION r() RETURNS SETOF record LANGUAGE plpgsql AS $$ DECLARE r record; BEGIN FOR r IN EXECUTE 'FETCH ALL FROM c' LOOP RETURN NEXT r; END LOOP; END $$",
      "DO $$ DECLARE r record; BEGIN OPEN \"k\" FOR SELECT 1; END $$",
      "CREATE FUNCTION r() RETURNS SETOF text LANGUAGE sql RETURN (SELECT cursor_to_xml('c', 10, false, false, '')::text)",
  })
  void cursorSpellingsInBodiesAreRefused(String sql) {
    assertThat(MASKING.violation(sql, StandardConformingStrings.ON)).as(sql).isPresent();
  }

  /** A DECLARE over the masked table in any statement shape the judge sees makes function calls wait. */
  @ParameterizedTest
  @ValueSource(strings = {
      "DECLARE c SCROLL CURSOR FOR SELECT id, ssn FROM users",
      "DECLARE c CURSOR FOR WITH u AS (SELECT * FROM users) SELECT * FROM u",
      "DECLARE c CURSOR FOR SELECT * FROM (SELECT email FROM public.\"users\") s",
      "SELECT 1; DECLARE c BINARY CURSOR WITHOUT HOLD FOR TABLE users",
  })
  void cursorsOverTheMaskedTableInOtherShapesAreTracked(String declare) {
    MaskedCursors cursors = new MaskedCursors();
    cursors.check(JUDGE.judge(declare), MASKING);
    assertThat(cursors.mayBeOpen()).as(declare).isTrue();
    assertThat(cursors.check(JUDGE.judge("SELECT * FROM leak_existing('c')"), MASKING)).isPresent();
  }
}
