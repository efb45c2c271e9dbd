package dev.gatehouse.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Attack pass 13e, what held: attempts to get masked values, or more than one bit per row and
 * query, past the masking rule that it refused. Kept so that they stay refused.
 */
class PredicateAttack5HeldTest {
  private final MaskedDerivations derivations =
      new MaskedDerivations(MaskedDerivations.byTable(List.of("users.email", "users.ssn")), Map.of());

  private void assertRefused(String sql) {
    assertThat(derivations.violation(sql, StandardConformingStrings.ON)).as(sql).isPresent();
  }

  /**
   * Row order is many bits per query (rows with known values place the others); every disguise of
   * an ordering by a masked value is refused: expressions of it, booleans of it, a subquery's or
   * CTE's or LATERAL item's alias of it, a named window, aggregate and hypothetical-set ordering
   * ({@code rank('5') WITHIN GROUP (ORDER BY ssn)} counts the values below a guess), positions on
   * {@code *}, and COPY.
   */
  @ParameterizedTest
  @ValueSource(strings = {
      "SELECT id FROM users ORDER BY CASE WHEN ssn LIKE '1%' THEN 1 ELSE 2 END, CASE WHEN ssn LIKE '_1%' THEN 1 ELSE 2 END",
      "SELECT id FROM users ORDER BY ssn > '5'",
      "SELECT id FROM users ORDER BY substr(ssn, 1, 1)",
      "SELECT id FROM users ORDER BY users.ssn",
      "SELECT id FROM users ORDER BY U&\"\\0073sn\"",
      "SELECT id FROM users ORDER BY ssn COLLATE \"C\"",
      "SELECT id FROM users ORDER BY ssn USING <",
      "SELECT id FROM users ORDER BY ARRAY[ssn]",
      "SELECT id FROM users ORDER BY (ssn, id)",
      "SELECT id FROM users ORDER BY ssn::bytea",
      "SELECT id FROM users ORDER BY md5(ssn)",
      "SELECT id FROM users ORDER BY ssn NULLS FIRST",
      "SELECT id FROM users ORDER BY ((ssn))",
      "SELECT id FROM users ORDER BY -ascii(ssn)",
      "SELECT id FROM users ORDER BY (SELECT u.ssn)",
      "SELECT id FROM users u ORDER BY u",
      "SELECT id FROM users u ORDER BY (u).ssn",
      "SELECT id FROM users AS u(a, b, c, d) ORDER BY d",
      "SELECT id FROM (SELECT id, ssn FROM users ORDER BY ssn) s",
      "SELECT id FROM (SELECT * FROM users) s ORDER BY s.ssn",
      "SELECT u.id FROM users u, LATERAL (SELECT u.ssn AS x) l ORDER BY l.x",
      "WITH s AS (SELECT id, ssn AS a FROM users) SELECT id FROM s ORDER BY a",
      "SELECT * FROM users ORDER BY 4",
      "SELECT u.* FROM users u ORDER BY 2",
      "SELECT string_agg(id::text, ',' ORDER BY ssn) FROM users",
      "SELECT json_agg(id ORDER BY ssn) FROM users",
      "SELECT id, row_number() OVER w FROM users WINDOW w AS (ORDER BY ssn)",
      "SELECT id, row_number() OVER (w) FROM users WINDOW w AS (ORDER BY ssn)",
      "SELECT id, count(*) OVER (PARTITION BY id ORDER BY ssn) FROM users",
      "SELECT rank('5') WITHIN GROUP (ORDER BY ssn) FROM users",
      "SELECT dense_rank('5') WITHIN GROUP (ORDER BY ssn) FROM users",
      "SELECT percent_rank('5') WITHIN GROUP (ORDER BY ssn) FROM users",
      "SELECT cume_dist('5') WITHIN GROUP (ORDER BY ssn) FROM users",
      "SELECT id, (SELECT rank('5') WITHIN GROUP (ORDER BY u.ssn)) FROM users u",
      "SELECT percentile_disc(0.5) WITHIN GROUP (ORDER BY ascii(ssn)) FROM users",
      "DECLARE c CURSOR FOR SELECT id FROM users ORDER BY ssn",
      "COPY (SELECT id FROM users ORDER BY ssn) TO STDOUT",
      "SELECT DISTINCT * FROM users",
      "SELECT DISTINCT u FROM users u",
      "SELECT DISTINCT name, ssn FROM users",
      "SELECT count(*) FROM users GROUP BY ssn LIKE '1%'",
  })
  void orderingByAMaskedValueInDisguiseIsRefused(String sql) {
    assertRefused(sql);
  }

  /**
   * One question per row and query: two answers put in separate places of one result are two
   * questions — scalar subqueries, EXISTS, VALUES rows, FROM items, ARRAY elements, the rows of an
   * INSERT, FILTERs, MERGE's WHEN clauses (a cascade of them would answer a digit a row), a LIMIT.
   */
  @ParameterizedTest
  @ValueSource(strings = {
      "SELECT (SELECT count(*) FROM users WHERE id = 1 AND ssn LIKE '1%'), (SELECT count(*) FROM users WHERE id = 1 AND ssn LIKE '_1%')",
      "SELECT EXISTS (SELECT 1 FROM users WHERE id = 1 AND ssn LIKE '1%'), EXISTS (SELECT 1 FROM users WHERE id = 1 AND ssn LIKE '_1%')",
      "VALUES ((SELECT count(*) FROM users WHERE id = 1 AND ssn LIKE '1%')), ((SELECT count(*) FROM users WHERE id = 1 AND ssn LIKE '_1%'))",
      "SELECT * FROM (SELECT count(*) FROM users WHERE id = 1 AND ssn LIKE '1%') a, (SELECT count(*) FROM users WHERE id = 1 AND ssn LIKE '_1%') b",
      "SELECT ARRAY[(SELECT count(*) FROM users WHERE id = 1 AND ssn LIKE '1%'), (SELECT count(*) FROM users WHERE id = 1 AND ssn LIKE '_1%')]",
      "INSERT INTO notes VALUES (10, (SELECT count(*)::text FROM users WHERE id = 1 AND ssn LIKE '1%')), (11, (SELECT count(*)::text FROM users WHERE id = 1 AND ssn LIKE '_1%'))",
      "MERGE INTO notes n USING users u ON n.id = u.id WHEN MATCHED AND u.ssn LIKE '0%' THEN UPDATE SET note = '0' WHEN MATCHED AND u.ssn LIKE '1%' THEN UPDATE SET note = '1' WHEN MATCHED AND u.ssn LIKE '4%' THEN UPDATE SET note = '4'",
      "MERGE INTO notes n USING users u ON n.id = u.id + 100 WHEN NOT MATCHED AND u.ssn LIKE '0%' THEN INSERT VALUES (u.id + 100, '0') WHEN NOT MATCHED AND u.ssn LIKE '4%' THEN INSERT VALUES (u.id + 100, '4') WHEN NOT MATCHED THEN INSERT VALUES (u.id + 100, '?')",
      "MERGE INTO notes n USING (SELECT id FROM users WHERE ssn LIKE '4%') u ON n.id = u.id WHEN MATCHED AND EXISTS (SELECT 1 FROM users x WHERE x.id = n.id AND x.ssn LIKE '_7%') THEN UPDATE SET note = 'b'",
      "SELECT count(*) FILTER (WHERE ssn LIKE '1%'), count(*) FILTER (WHERE ssn LIKE '_1%') FROM users",
      "SELECT 1 LIMIT (SELECT count(*) FROM users WHERE ssn LIKE '1%')",
      "SELECT CASE WHEN EXISTS (SELECT 1 FROM users WHERE id = 1 AND ssn LIKE '1%') THEN 1 ELSE 0 END + CASE WHEN EXISTS (SELECT 1 FROM users WHERE id = 1 AND ssn LIKE '_1%') THEN 2 ELSE 0 END",
      "SELECT id FROM users WHERE ssn LIKE '1%' AND id IN (SELECT id FROM users WHERE ssn LIKE '_1%')",
      "SELECT g FROM generate_series(1, 2) g WHERE EXISTS (SELECT 1 FROM users WHERE id = 1 AND ssn LIKE '1%' AND g = 1) OR EXISTS (SELECT 1 FROM users WHERE id = 1 AND ssn LIKE '_1%' AND g = 2)",
      "SELECT g FROM generate_series(1, 2) g WHERE EXISTS (SELECT 1 FROM users WHERE id = 1 AND (ssn LIKE '1%' AND g = 1 OR ssn LIKE '_1%' AND g = 2))",
      "SELECT n.id FROM notes n WHERE n.id IN (SELECT CASE WHEN ssn LIKE '1%' THEN 1 ELSE 2 END FROM users)",
      "SELECT id, ssn LIKE '1%' FROM users",
      "SELECT pg_column_size(ssn) FROM users",
      "SELECT octet_length(ssn) FROM users",
  })
  void twoAnswersInOneQueryAreRefused(String sql) {
    assertRefused(sql);
  }

  /** Views and SQL bodies that would show a masked column under a name of their own. */
  @ParameterizedTest
  @ValueSource(strings = {
      "CREATE VIEW leak AS SELECT x.* FROM users x",
      "CREATE VIEW leak AS TABLE users",
      "CREATE VIEW leak (a, b, c, d) AS SELECT * FROM users",
      "CREATE OR REPLACE VIEW leak AS SELECT id, name, ssn FROM users",
      "CREATE VIEW leak AS WITH s AS (SELECT * FROM users) SELECT * FROM s",
      "CREATE TEMP VIEW leak AS SELECT * FROM users",
      "CREATE RECURSIVE VIEW leak (x) AS SELECT ssn FROM users",
      "CREATE MATERIALIZED VIEW leak AS SELECT * FROM users WITH NO DATA",
      "CREATE VIEW leak AS SELECT id, ssn FROM users WHERE false",
      "CREATE VIEW leak AS SELECT u.ssn FROM notes n, users u",
      "CREATE VIEW leak AS SELECT (SELECT ssn FROM users LIMIT 1) AS s",
      "CREATE VIEW leak AS SELECT id, ssn FROM users WITH CHECK OPTION",
      "CREATE FUNCTION leak() RETURNS SETOF text LANGUAGE sql STABLE BEGIN ATOMIC SELECT ssn FROM users; END",
  })
  void viewsAndBodiesOverMaskedColumnsAreRefused(String sql) {
    assertRefused(sql);
  }

  /** Spellings of the masked table and its columns that PostgreSQL reads as the same. */
  @ParameterizedTest
  @ValueSource(strings = {
      "SELECT ssn || '' FROM ONLY users",
      "SELECT ssn || '' FROM users *",
      "SELECT ssn || '' FROM ONLY (users)",
      "SELECT ssn || '' FROM app.public.users",
      "SELECT app.public.users.ssn || '' FROM app.public.users",
      "SELECT u.ssn || '' FROM users u TABLESAMPLE SYSTEM (100)",
      "SELECT t.s || '' FROM (users u JOIN notes n ON n.id = u.id) AS t(i, e, nm, s)",
      "SELECT j.ssn || '' FROM (users u JOIN notes n ON n.id = u.id) j",
      "SELECT ssn || '' FROM ((users))",
      "SELECT (u.*).ssn || '' FROM users u",
      "SELECT (SELECT u).ssn || '' FROM users u",
      "SELECT (u::users).ssn || '' FROM users u",
      "SELECT (u::text::users).ssn || '' FROM users u",
      "SELECT ssn(u) || '' FROM users u",
      "SELECT email(users) FROM users",
      "SELECT u.ssn || '' FROM notes n LEFT JOIN LATERAL (SELECT * FROM users WHERE users.id = n.id) u ON true",
      "SELECT * FROM ROWS FROM (jsonb_to_record((SELECT to_jsonb(u) FROM users u LIMIT 1))) AS x(ssn text)",
      "SELECT xt.s FROM users u, XMLTABLE('/r' PASSING xmlelement(name r, u.ssn) COLUMNS s text PATH '.') xt",
  })
  void otherSpellingsOfTheMaskedTableAreFollowed(String sql) {
    assertRefused(sql);
  }
}
