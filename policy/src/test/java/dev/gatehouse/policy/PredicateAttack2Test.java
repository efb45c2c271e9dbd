package dev.gatehouse.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Attack pass 13b, against the rules added after pass 13 (commit 54eb39b): statements or sequences
 * the policy allowed although, run straight against PostgreSQL 15, they showed or copied whole
 * masked values, or asked many questions about one row in one statement. The whole-value ones are
 * also in {@code masking-attacks.sql}. Every case here must be refused (for a sequence: one of its
 * statements).
 */
class PredicateAttack2Test {
  private final MaskedDerivations derivations =
      new MaskedDerivations(MaskedDerivations.byTable(List.of("users.email", "users.ssn")), Map.of());

  private boolean refused(String sql) {
    return derivations.violation(sql, StandardConformingStrings.ON).isPresent();
  }

  private void assertRefused(String sql) {
    assertThat(refused(sql)).as(sql).isTrue();
  }

  private void assertOneRefused(List<String> sequence) {
    assertThat(sequence).as("one of these must be refused").anyMatch(this::refused);
  }

  /**
   * ROW_MAKING_OR_TIMED lists set-returning functions by name, and misses txid_snapshot_xip and
   * pg_snapshot_xip: a snapshot whose xip list is as long as a masked-derived number makes that many
   * rows, and count(*) over them is clean. Each character of a value in one query.
   */
  @ParameterizedTest
  @ValueSource(strings = {
      "SELECT string_agg(chr((SELECT count(*)::int FROM (SELECT txid_snapshot_xip(('1:99999:' || substr((SELECT"
          + " string_agg(g::text, ',') FROM generate_series(10000, 10200) g), 1, 6 * ascii(substr(u.ssn, p, 1)) - 1))"
          + "::txid_snapshot)) s)), '' ORDER BY p) FROM users u, generate_series(1,11) p WHERE u.id = 1",
      "SELECT u.id, (SELECT count(*) FROM (SELECT pg_snapshot_xip(('1:99999:' || substr((SELECT string_agg(g::text, ',')"
          + " FROM generate_series(10000, 19999) g), 1, 6 * substr(u.ssn, 1, 3)::int - 1))::pg_snapshot)) s) FROM users u",
  })
  void aSetReturningFunctionMissingFromTheListCountedOutAValue(String sql) {
    assertRefused(sql);
  }

  /**
   * A data-modifying CTE is a query level of its own; when the main query does not read it, its
   * masked test is counted nowhere. Several of them ask several questions about the same row in one
   * statement and store the answers (121 of them copied a whole SSN into notes).
   */
  @ParameterizedTest
  @ValueSource(strings = {
      "WITH a AS (INSERT INTO notes SELECT id + 100, 'b1' FROM users WHERE ssn LIKE '4%' RETURNING 1),"
          + " b AS (INSERT INTO notes SELECT id + 200, 'b2' FROM users WHERE ssn LIKE '_7%' RETURNING 1) SELECT 1",
      "WITH a AS (INSERT INTO notes SELECT id + 100, 'b1' FROM users WHERE ssn LIKE '4%' RETURNING 1)"
          + " SELECT id FROM users WHERE ssn LIKE '_7%'",
      "WITH a AS (UPDATE notes SET note = 'x' WHERE id IN (SELECT id FROM users WHERE ssn LIKE '4%') RETURNING 1)"
          + " SELECT id FROM users WHERE ssn LIKE '_7%'",
  })
  void unreadDataModifyingCtesAskedQuestionsNobodyCounted(String sql) {
    assertRefused(sql);
  }

  /**
   * "Calls and operators are PostgreSQL's own while pg_catalog is searched first" holds only for
   * argument types pg_catalog has. An operator {@code =(text, integer)}, a cast to a type of one's
   * own or {@code lower(text, integer)} exists only in public, so PostgreSQL resolves to it with the
   * default search_path, and it received every row's masked value from an ordinary condition.
   */
  @Test
  void anOverloadPgCatalogDoesNotHaveReceivedMaskedValues() {
    List<List<String>> sequences = List.of(
        List.of("CREATE FUNCTION public.lk(text, integer) RETURNS boolean LANGUAGE sql AS $$ INSERT INTO notes"
                + " SELECT 100 + count(*), $1 FROM notes RETURNING false $$",
            "CREATE OPERATOR public.= (FUNCTION = public.lk, LEFTARG = text, RIGHTARG = integer)",
            "SELECT id FROM users WHERE ssn = 5"),
        List.of("CREATE TYPE lk_t AS (x text)",
            "CREATE FUNCTION public.lk(text) RETURNS lk_t LANGUAGE sql AS $$ INSERT INTO notes"
                + " SELECT 100 + count(*), $1 FROM notes RETURNING ROW($1)::lk_t $$",
            "CREATE CAST (text AS lk_t) WITH FUNCTION public.lk(text)",
            "SELECT id FROM users WHERE email::lk_t IS NULL"),
        List.of("CREATE FUNCTION public.lower(text, integer) RETURNS text LANGUAGE sql STABLE AS $$"
                + " SELECT set_config('gh.v', coalesce(current_setting('gh.v', true), '') || $1, false) $$",
            "SELECT id FROM users WHERE lower(ssn, 1) = 'x'",
            "SELECT current_setting('gh.v')"));
    sequences.forEach(this::assertOneRefused);
  }

  /**
   * searchPathChange looks for the word search_path or a string holding it: a name built by
   * concatenation (set_config, UPDATE pg_settings, a DO block) put pg_catalog after public, and a
   * user {@code =(text, text)} then received every masked value.
   */
  @ParameterizedTest
  @ValueSource(strings = {
      "SELECT set_config('search' || '_path', 'public, pg' || '_catalog', false)",
      "UPDATE pg_settings SET setting = 'public, pg' || '_catalog' WHERE name = 'search' || '_path'",
      "DO $$ BEGIN PERFORM set_config('search' || '_path', 'public, pg' || '_catalog', false); END $$",
      "PREPARE q AS SELECT set_config('search' || '_path', 'public, pg' || '_catalog', false)",
      // extended protocol: Bind sends 'search_path' and 'public, pg_catalog' as parameter values
      "SELECT set_config($1, $2, false)",
  })
  void aSearchPathSetWithoutSayingSoLetAUserOperatorShadowEquals(String setting) {
    assertOneRefused(List.of(setting,
        "CREATE FUNCTION public.lk(text, text) RETURNS boolean LANGUAGE sql AS $$ INSERT INTO notes"
            + " SELECT 100 + count(*), $1 FROM notes RETURNING false $$",
        "CREATE OPERATOR public.= (FUNCTION = public.lk, LEFTARG = text, RIGHTARG = text)",
        "SELECT id FROM users WHERE ssn = 'x'"));
  }

  /**
   * The text check on CREATE FUNCTION looks for masked names; dynamic SQL built from pieces names
   * none, and the function's rows carry no origin, so nothing is masked.
   */
  @Test
  void aFunctionSpellingTheNamesInPiecesReturnedValuesUnmasked() {
    assertOneRefused(List.of(
        "CREATE FUNCTION leak() RETURNS SETOF record LANGUAGE plpgsql STABLE AS $$ BEGIN RETURN QUERY EXECUTE"
            + " 'SELECT ss' || 'n FROM us' || 'ers'; END $$",
        "SELECT * FROM leak() AS t(s text)"));
  }

  /**
   * count() of a masked value is taken as one question about the row ("depends only on which
   * values are null or equal"); but its argument may compare the value with each row of a generated
   * series, and the count of matches is then the value itself: every character in one query.
   */
  @ParameterizedTest
  @ValueSource(strings = {
      "SELECT string_agg(chr((SELECT count(CASE WHEN g < ascii(substr(u.ssn, p, 1)) THEN 1 END)::int"
          + " FROM generate_series(0,127) g)), '' ORDER BY p) FROM users u, generate_series(1,11) p WHERE u.id = 1",
      "SELECT string_agg(chr((SELECT count((g < ascii(substr(u.email, p, 1))) OR NULL)::int"
          + " FROM generate_series(0,127) g)), '' ORDER BY p) FROM users u, generate_series(1,17) p WHERE u.id = 1",
      "SELECT string_agg(chr((SELECT count(DISTINCT int4smaller(ascii(substr(u.ssn, p, 1)), g))::int - 1"
          + " FROM generate_series(0,127) g)), '' ORDER BY p) FROM users u, generate_series(1,11) p WHERE u.id = 1",
      "SELECT u.id, (SELECT count(DISTINCT substr(u.ssn, g, 1)) FROM generate_series(1,11) g) FROM users u",
  })
  void aCountOverAGeneratedSeriesCountedOutTheValue(String sql) {
    assertRefused(sql);
  }

  /**
   * GROUP BY over a masked column is refused by name, but not by its output position or alias: with
   * enable_hashagg off the groups come back sorted by the masked values (pass 13's ordering leak).
   */
  @ParameterizedTest
  @ValueSource(strings = {
      "SELECT ssn, min(id) FROM users GROUP BY 1",
      "SELECT ssn AS x, count(*) FROM users GROUP BY x",
  })
  void groupingByPositionOrAliasOrderedTheRows(String sql) {
    assertRefused(sql);
  }
}
