package dev.gatehouse.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Attack pass 13 against "one question about each row per query": statements the policy allowed
 * although each learned more than one bit about a row in one query (the whole value, or several bits
 * of it), each run straight against PostgreSQL 15 first. The whole-value ones are also in
 * {@code masking-attacks.sql} as {@code [rebuild]} lines. Every case here must be refused.
 */
class PredicateAttackTest {
  private final MaskedDerivations derivations =
      new MaskedDerivations(MaskedDerivations.byTable(List.of("users.email", "users.ssn")), Map.of());

  private void assertRefused(String sql) {
    assertThat(derivations.violation(sql, StandardConformingStrings.ON)).as(sql).isPresent();
  }

  /**
   * A column of a FROM item named like a constant ({@code "true"}, {@code "current_date"}; quoted,
   * PostgreSQL reads them as column names) was taken for the constant, so the test of the masked
   * column against a generated series passed as a test against constants.
   */
  @ParameterizedTest
  @ValueSource(strings = {
      "SELECT string_agg(chr(\"true\" % 1000), '' ORDER BY \"true\") FROM users u, generate_series(1032, 11126) AS g(\"true\")"
          + " WHERE u.id = 1 AND ascii(substr(u.ssn, \"true\" / 1000, 1)) = \"true\" % 1000",
      "SELECT string_agg(chr(\"current_date\" % 1000), '' ORDER BY \"current_date\") FROM users u,"
          + " generate_series(1032, 17126) AS g(\"current_date\") WHERE u.id = 1"
          + " AND ascii(substr(u.email, \"current_date\" / 1000, 1)) = \"current_date\" % 1000",
      "SELECT u.id, \"current_user\" FROM users u, (SELECT p || ':' || c AS \"current_user\" FROM generate_series(1,11) p,"
          + " generate_series(32,126) c) g WHERE substr(u.ssn, split_part(\"current_user\", ':', 1)::int, 1)"
          + " = chr(split_part(\"current_user\", ':', 2)::int)",
  })
  void aColumnNamedLikeAConstantWasTakenForTheConstant(String sql) {
    assertRefused(sql);
  }

  /**
   * The comparison with the row-varying value was made in a subquery's or CTE's select list (where
   * derived values may be computed); the outer WHERE then tested only the derived boolean or
   * character column, which passed as one masked column against constants. The question differed
   * from row to row of the subquery: every position and candidate of every user in one query.
   */
  @ParameterizedTest
  @ValueSource(strings = {
      "SELECT string_agg(chr(s.c), '' ORDER BY s.p) FROM (SELECT p, c, ascii(substr(u.ssn, p, 1)) = c AS hit FROM users u,"
          + " generate_series(1,20) p, generate_series(32,126) c WHERE u.id = 1) s WHERE s.hit",
      "WITH s AS (SELECT p, c, substr(u.email, p, 1) = chr(c) AS hit FROM users u, generate_series(1,40) p,"
          + " generate_series(32,126) c WHERE u.id = 2) SELECT string_agg(chr(c), '' ORDER BY p) FROM s WHERE hit",
      "SELECT s.id, s.p FROM (SELECT u.id, p, substr(u.ssn, p, 1) AS x FROM users u, generate_series(1,11) p) s"
          + " WHERE s.x = '1'",
  })
  void aRowVaryingComparisonMadeInsideASubqueryPassedAsOneTest(String sql) {
    assertRefused(sql);
  }

  /**
   * OFFSET, FETCH FIRST and a window frame's offset took a value computed from a masked column: the
   * walk of those clauses returned the flow and dropped it. The row picked from a series of
   * candidates, or the number of rows counted, was the value.
   */
  @ParameterizedTest
  @ValueSource(strings = {
      "SELECT string_agg((SELECT chr(g) FROM generate_series(32,126) g OFFSET ascii(substr(u.ssn, p, 1)) - 32 LIMIT 1),"
          + " '' ORDER BY p) FROM users u, generate_series(1,11) p WHERE u.id = 1",
      "SELECT u.id, (SELECT g FROM generate_series(0,999) g OFFSET substr(u.ssn,1,3)::int LIMIT 1) FROM users u",
      "SELECT g FROM generate_series(0,999) g OFFSET (SELECT substr(ssn,1,3)::int FROM users WHERE id = 1) LIMIT 1",
      "SELECT string_agg(chr(g), '' ORDER BY p) FROM generate_series(1,11) p, LATERAL (SELECT g FROM generate_series(0,126) g"
          + " OFFSET (SELECT ascii(substr(ssn, p, 1)) FROM users WHERE id = 1) ROWS FETCH FIRST 1 ROWS ONLY) x",
      "SELECT string_agg(chr(c), '' ORDER BY p) FROM users u, generate_series(1,11) p, LATERAL (SELECT max(g) AS c FROM"
          + " (SELECT g FROM generate_series(1,126) g FETCH FIRST ascii(substr(u.ssn, p, 1)) ROWS ONLY) y) x WHERE u.id = 1",
      "SELECT string_agg(chr(n::int - 1), '' ORDER BY p) FROM (SELECT p, (SELECT count(*) OVER (ROWS BETWEEN CURRENT ROW"
          + " AND (SELECT ascii(substr(ssn, p, 1)) FROM users WHERE id = 1) FOLLOWING) FROM generate_series(0,200) LIMIT 1)"
          + " AS n FROM generate_series(1,11) p) x",
  })
  void offsetFetchAndFrameOffsetsCarriedAMaskedValue(String sql) {
    assertRefused(sql);
  }

  /**
   * {@code JOIN … USING} and {@code NATURAL JOIN} compare the masked column with the other side's
   * column, but no condition check saw that comparison: against a LATERAL side holding the value
   * with one character replaced (the whole value), or against a dictionary of candidates (about
   * log2(candidates) bits of every row in one query).
   */
  @ParameterizedTest
  @ValueSource(strings = {
      "SELECT string_agg(chr(x.c), '' ORDER BY x.p) FROM users u JOIN LATERAL (SELECT p, c, substr(u.ssn, 1, p - 1)"
          + " || chr(c) || substr(u.ssn, p + 1) AS ssn FROM generate_series(1,20) p, generate_series(32,126) c) x"
          + " USING (ssn) WHERE u.id = 1",
      "SELECT string_agg(chr(x.c), '' ORDER BY x.p) FROM (SELECT id, ssn FROM users WHERE id = 2) u NATURAL JOIN LATERAL"
          + " (SELECT u.id, p, c, substr(u.ssn, 1, p - 1) || chr(c) || substr(u.ssn, p + 1) AS ssn"
          + " FROM generate_series(1,20) p, generate_series(32,126) c) x",
      "SELECT u.id, p.ssn FROM users u JOIN (SELECT lpad(g::text, 3, '0') || '-20-9931' AS ssn"
          + " FROM generate_series(0,999) g) p USING (ssn)",
      "SELECT u.id, p.x FROM users u NATURAL JOIN (SELECT g::text AS x, lpad(g::text, 3, '0') || '-20-9931' AS ssn"
          + " FROM generate_series(0,999) g) p",
  })
  void usingAndNaturalJoinsComparedTheMaskedColumnUnchecked(String sql) {
    assertRefused(sql);
  }

  /**
   * EXISTS over a subquery that computed from a masked value without a masked WHERE test of its own
   * was taken as a gated answer, but no test was recorded for it, and a gated conjunct or output is
   * not checked further: one row-varying question per row of a cross join.
   */
  @ParameterizedTest
  @ValueSource(strings = {
      "SELECT string_agg(chr(c), '' ORDER BY p) FROM users u, generate_series(1,20) p, generate_series(32,126) c"
          + " WHERE u.id = 1 AND EXISTS (SELECT 1 FROM generate_series(1, 1 - abs(ascii(substr(u.ssn, p, 1)) - c)))",
      "SELECT string_agg(CASE WHEN EXISTS (SELECT 1 FROM generate_series(1, 1 - abs(ascii(substr(u.email, p, 1)) - c)))"
          + " THEN chr(c) END, '' ORDER BY p) FROM users u, generate_series(1,40) p, generate_series(32,126) c WHERE u.id = 2",
      "SELECT p, c, EXISTS (SELECT 1 FROM generate_series(1, 1 - abs(ascii(substr(u.ssn, p, 1)) - c))) FROM users u,"
          + " generate_series(1,20) p, generate_series(32,126) c WHERE u.id = 1",
  })
  void existsOverAnUngatedDerivedSubqueryRecordedNoTest(String sql) {
    assertRefused(sql);
  }

  /**
   * PARTITION BY a plain masked column was allowed (as grouping), but the window sorts by it: the
   * rows came back in the order of the masked values, which the rule forbids for ORDER BY. With
   * probe rows of known values written into the masked column (allowed: literals), the position of
   * each row among 1000 probes gave about 10 bits of every row in one query.
   */
  @ParameterizedTest
  @ValueSource(strings = {
      "SELECT id, row_number() OVER (PARTITION BY ssn) FROM users",
      "SELECT id, count(*) OVER (PARTITION BY email) FROM users",
      "SELECT x.id, lag(x.name) OVER () FROM (SELECT id, name, row_number() OVER (PARTITION BY ssn) FROM users) x",
  })
  void partitionByAMaskedColumnOrderedTheRows(String sql) {
    assertRefused(sql);
  }

  /**
   * After {@code SET enable_hashagg = off} (allowed), DISTINCT and GROUP BY over a plain masked
   * column sort by it, and the other columns came back in the masked values' order, as with the
   * window above. (GROUP BY email is documented as allowed; the order it gives was not considered.)
   */
  @ParameterizedTest
  @ValueSource(strings = {
      "SELECT DISTINCT ssn, id FROM users",
      "SELECT min(id) FROM users GROUP BY ssn",
  })
  void sortedGroupingOrderedTheRowsByTheMaskedValue(String sql) {
    assertRefused(sql);
  }

  /**
   * One condition of constants and one masked column, but whose outcome has more than two values:
   * the duration of pg_sleep told a three-digit number (about 10 bits). (The SQLSTATE of an error a
   * condition chooses is shown by design: a few bits per query, stated in docs/policy.md.)
   */
  @ParameterizedTest
  @ValueSource(strings = {
      "SELECT id FROM users WHERE id = 1 AND pg_sleep(substr(ssn, 1, 3)::int / 1000.0) IS NOT NULL",
  })
  void aConditionWithMoreThanTwoOutcomes(String sql) {
    assertRefused(sql);
  }

  /**
   * {@code SET search_path = public, pg_catalog} was allowed, and a call or operator was judged by its
   * name as a read-only built-in: a user {@code public.lower(text)} or {@code public.=(text, text)}
   * then received every row's masked value from an ordinary WHERE condition and stored it (shown in
   * {@code masking-attacks.sql}). One of the statements of each sequence must be refused.
   */
  @Test
  void aSearchPathBeforePgCatalogLetAUserFunctionReceiveMaskedValues() {
    List<List<String>> sequences = List.of(
        List.of("SET search_path = public, pg_catalog",
            "CREATE FUNCTION public.lower(text) RETURNS text LANGUAGE sql AS $$ INSERT INTO notes"
                + " SELECT 100 + count(*), $1 FROM notes RETURNING $1 $$",
            "SELECT id FROM users WHERE lower(ssn) = 'x'"),
        List.of("SET search_path = public, pg_catalog",
            "CREATE FUNCTION public.lk(text, text) RETURNS boolean LANGUAGE sql AS $$ INSERT INTO notes"
                + " SELECT 100 + count(*), $1 FROM notes RETURNING false $$",
            "CREATE OPERATOR public.= (FUNCTION = public.lk, LEFTARG = text, RIGHTARG = text)",
            "SELECT id FROM users WHERE ssn = 'x'"));
    for (List<String> sequence : sequences) {
      assertThat(sequence).as("one of these must be refused")
          .anyMatch(sql -> derivations.violation(sql, StandardConformingStrings.ON).isPresent());
    }
  }
}
