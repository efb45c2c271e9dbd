package dev.gatehouse.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MaskedDerivationsTest {
  private final MaskedDerivations derivations =
      new MaskedDerivations(MaskedDerivations.byTable(List.of("users.email", "users.ssn")), Map.of());

  @Test
  void aDerivationHiddenInAStringUnderOneReadingIsRefusedWhenTheSessionReadsTheOther() {
    // on: two strings (the server refuses them); off: x' and then upper(email) from users
    String sql = "SELECT 'x\\'' , upper(email) AS e FROM users --'";
    assertThat(derivations.violation(sql, StandardConformingStrings.ON)).isEmpty();
    assertThat(derivations.violation(sql, StandardConformingStrings.OFF)).get().asString()
        .contains("standard_conforming_strings off");
    assertThat(derivations.violation(sql, StandardConformingStrings.UNKNOWN)).isPresent();
    assertThat(derivations.violation("SELECT 'x\\'' AS a", StandardConformingStrings.OFF)).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "WITH s AS (SELECT ssn AS x FROM users) SELECT x||'' FROM s",
      "SELECT max(x) FROM (SELECT ssn AS x FROM users) s",
      "SELECT s||'' FROM users AS u(i,n,e,c,s)",
      "WITH RECURSIVE s(x) AS (SELECT ssn FROM users UNION ALL SELECT x FROM s WHERE false) SELECT x FROM s",
      "WITH a AS (SELECT email AS e FROM users), b AS (SELECT e AS f FROM a) SELECT upper(f) FROM b",
      "SELECT (SELECT ssn FROM users LIMIT 1)",
      "SELECT u FROM users u",
      "SELECT row_to_json(u) FROM users u",
      "SELECT row_to_json(u.*) FROM users u",
      "SELECT to_jsonb(users) FROM users",
      "SELECT * FROM users u, LATERAL (SELECT u.ssn || '' AS x) l",
      "SELECT x FROM users u, LATERAL (VALUES (u.ssn)) v(x)",
      "SELECT ssn FROM users UNION SELECT 'a'",
      "SELECT * FROM users UNION ALL SELECT * FROM users",
      "SELECT ssn FROM users INTERSECT SELECT ssn FROM users",
      "SELECT lag(ssn) OVER (ORDER BY id) FROM users",
      "SELECT string_agg(email, ',') FROM users",
      "SELECT ssn::varchar FROM users",
      "SELECT CAST(email AS varchar(100)) FROM users",
      "SELECT email FROM users JOIN users u2 USING (email)",
      "SELECT * FROM users JOIN users u2 USING (ssn)",
      "SELECT * FROM users NATURAL JOIN (SELECT 'x' AS ssn) t",
      "SELECT CASE WHEN ssn LIKE '1%' THEN 'a' END FROM users",
      "SELECT x FROM (SELECT ssn AS x FROM users UNION SELECT '1') s",
      "SELECT (u).ssn FROM users u",
      "SELECT ARRAY(SELECT email FROM users)",
      "SELECT json_agg(t) FROM (SELECT ssn FROM users) t",
      "SELECT f.* FROM users u, unnest(ARRAY[u.ssn]) f",
      "SELECT g FROM users u, generate_series(1, length(u.ssn)) g",
      "SELECT DISTINCT ON (ssn) ssn || '' FROM users",
      "SELECT ssn || '' FROM users GROUP BY ssn",
      "SELECT sum(length(email)) FROM users HAVING count(*) > 0",
      "UPDATE users SET name = ssn WHERE id = 1",
      "UPDATE users SET name = upper(email) WHERE id = 1",
      "UPDATE notes n SET note = u.ssn FROM users u WHERE n.id = u.id",
      "UPDATE notes SET note = (SELECT ssn FROM users WHERE id = 1) WHERE id = 1",
      "UPDATE notes SET (note, id) = (SELECT ssn, id FROM users WHERE id = 1) WHERE id = 1",
      "INSERT INTO notes SELECT email FROM users",
      "INSERT INTO audit SELECT * FROM users WHERE id = 1",
      "INSERT INTO notes (note) SELECT ssn FROM users",
      "INSERT INTO notes VALUES ((SELECT ssn FROM users LIMIT 1))",
      "INSERT INTO notes (id, note) VALUES (1, 'x') ON CONFLICT (id) DO UPDATE SET note = (SELECT ssn FROM users LIMIT 1)",
      "INSERT INTO users (id, email, ssn, name) VALUES (9, 'a@b.c', '1', 'n') ON CONFLICT (id) DO UPDATE SET name = users.ssn",
      "CREATE TABLE copy AS SELECT ssn FROM users",
      "CREATE TABLE copy AS SELECT * FROM users",
      "SELECT ssn INTO copy FROM users",
      "CREATE MATERIALIZED VIEW mv AS SELECT email FROM users",
      "CREATE VIEW v AS SELECT ssn FROM users",
      "COPY (SELECT ssn FROM users) TO STDOUT",
      "COPY (SELECT * FROM users) TO STDOUT",
      "COPY users TO STDOUT",
      "COPY users (id, email) TO STDOUT",
      "MERGE INTO notes n USING users u ON n.id = u.id WHEN MATCHED THEN UPDATE SET note = u.ssn",
      "MERGE INTO notes n USING users u ON n.id = u.id WHEN NOT MATCHED THEN INSERT (id, note) VALUES (u.id, u.email)",
      "MERGE INTO notes n USING (SELECT id, ssn FROM users) u ON n.id = u.id WHEN MATCHED THEN UPDATE SET note = u.ssn",
      "SELECT 1 FROM users WHERE set_config('my.x', ssn, false) IS NOT NULL",
      "SELECT 1 FROM users WHERE pg_notify('c', email) IS NULL",
      "SELECT my_log(ssn) FROM users",
      "SELECT count(*) FROM users WHERE my_log(ssn)",
      "DELETE FROM users WHERE id = 5 RETURNING ssn || ''",
      "UPDATE users SET name = 'x' WHERE id = 1 RETURNING upper(email)",
      "WITH x AS (INSERT INTO notes SELECT ssn FROM users RETURNING 1) SELECT * FROM x",
      "WITH x AS (UPDATE users SET name = email WHERE id = 1 RETURNING id) SELECT 1",
      "SELECT * FROM (TABLE users) t UNION SELECT * FROM users",
      "PREPARE p AS SELECT ssn || '' FROM users",
      "EXPLAIN ANALYZE INSERT INTO notes SELECT ssn FROM users",
      "DECLARE c CURSOR FOR SELECT upper(ssn) FROM users",
      "DO $$ BEGIN INSERT INTO notes SELECT ssn FROM users; END $$",
      "CREATE FUNCTION leak() RETURNS text LANGUAGE sql AS 'SELECT ssn FROM users LIMIT 1'",
      "ALTER TABLE users ALTER COLUMN name TYPE text USING ssn",
      "ALTER TABLE users ADD COLUMN copy text GENERATED ALWAYS AS (ssn || '') STORED",
      "SELECT query_to_xml('select ssn from users', true, true, '')",
      "SELECT * FROM users NATURAL JOIN notes",
      "SELECT e FROM (SELECT email FROM users) AS t(e) UNION ALL SELECT 'x'",
      "SELECT (SELECT max(x) FROM (SELECT u.ssn AS x) y) FROM users u",
      "SELECT ssn FROM users WHERE id IN (SELECT id FROM users) UNION SELECT 'z'",
      "SELECT t FROM (SELECT ssn FROM users) t",
      "SELECT x FROM users u CROSS JOIN LATERAL (SELECT upper(u.email) AS x) z",
      "SELECT coalesce(ssn, 'x') FROM users",
      "SELECT ssn COLLATE \"C\" FROM users",
      "SELECT (ssn) || '' FROM users",
      "TABLE users UNION TABLE users",
      "SELECT mode() WITHIN GROUP (ORDER BY ssn) FROM users",
      "SELECT percentile_disc(0.5) WITHIN GROUP (ORDER BY email) FROM users",
  })
  void aValueDerivedFromAMaskedColumnOrCopiedElsewhereIsRefused(String sql) {
    assertThat(derivations.violation(sql, StandardConformingStrings.ON)).as(sql).isPresent();
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "SELECT ssn FROM users",
      "SELECT * FROM users",
      "SELECT u.* FROM users u JOIN orders o ON o.user_id = u.id",
      "SELECT id, email AS contact, ssn FROM users WHERE ssn LIKE '1%' ORDER BY email",
      "SELECT count(*) FROM users WHERE email LIKE '%@example.com'",
      "SELECT count(DISTINCT id) FROM users",
      "WITH s AS (SELECT ssn AS x FROM users) SELECT x FROM s",
      "WITH s(x) AS (SELECT ssn FROM users) SELECT s.x AS y FROM s",
      "SELECT x FROM (SELECT ssn AS x FROM users) s",
      "SELECT * FROM (SELECT * FROM users) s",
      "SELECT s FROM users AS u(i,n,e,c,s)",
      "SELECT u.id, o.total FROM users u JOIN orders o ON o.user_id = u.id WHERE u.email = 'a@b.c'",
      "SELECT * FROM users JOIN orders USING (id)",
      "SELECT id FROM users UNION SELECT id FROM orders",
      "SELECT email FROM users GROUP BY email HAVING count(*) > 1",
      "SELECT DISTINCT ON (ssn) ssn, id FROM users ORDER BY ssn, id",
      "SELECT * FROM users u WHERE EXISTS (SELECT 1 FROM users v WHERE v.ssn = u.ssn AND v.id <> u.id)",
      "SELECT id FROM users WHERE email IN (SELECT email FROM users WHERE id > 3)",
      "SELECT (SELECT count(*) FROM users WHERE ssn IS NULL) AS missing",
      "SELECT u.email, x.n FROM users u, LATERAL (SELECT count(*) AS n FROM orders o WHERE o.user_id = u.id) x",
      "SELECT x FROM users u, LATERAL (SELECT u.ssn AS x) l",
      "SELECT id, row_number() OVER (ORDER BY email) FROM users",
      "SELECT ssn FROM users WHERE lower(email) = 'a@b.c'",
      "UPDATE users SET ssn = '000' WHERE id = 1",
      "UPDATE users SET email = lower(email) WHERE id = 1",
      "UPDATE users SET name = 'x' WHERE ssn = '123' RETURNING id, ssn, email",
      "INSERT INTO users (id, email, ssn, name) VALUES (9, 'a@b.c', '1', 'n')",
      "INSERT INTO notes (id, note) SELECT id, name FROM users WHERE email LIKE 'a%'",
      "DELETE FROM users WHERE ssn = '123' RETURNING *",
      "SELECT row_to_json(o) FROM orders o",
      "SELECT * FROM orders NATURAL JOIN customers",
      "TABLE users",
      "COPY users (id, name) TO STDOUT",
      "COPY (SELECT id, name FROM users) TO STDOUT",
      "COPY users FROM STDIN",
      "CREATE TABLE ids AS SELECT id FROM users",
      "CREATE INDEX ON users (ssn)",
      "ALTER TABLE users ADD COLUMN nick text",
      "DECLARE c CURSOR FOR SELECT ssn FROM users",
      "PREPARE p AS SELECT id, ssn FROM users WHERE id = $1",
      "EXPLAIN SELECT * FROM users WHERE ssn = '1'",
      "SELECT email FROM users FOR UPDATE",
      "SELECT id, email FROM users ORDER BY id LIMIT 10 OFFSET 5",
      "INSERT INTO notes (note) VALUES ('users have an ssn column')",
      "SELECT users.email FROM users",
      "SELECT * FROM (SELECT * FROM users) AS t(a, b, c, d, e) WHERE a||'' = ''",
      "SELECT first_value(id) OVER (PARTITION BY ssn ORDER BY email) FROM users",
      "SELECT public.users.email FROM public.users",
  })
  void ordinaryWorkOverMaskedTablesIsAllowed(String sql) {
    assertThat(derivations.violation(sql, StandardConformingStrings.ON)).as(sql).isEmpty();
  }
}
