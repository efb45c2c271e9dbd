-- Attempts to get a value of a masked column (users.email, users.ssn) to the client, one a line,
-- run through the proxy with psql and pgJDBC by MaskingAttackIT. Tables: users(id, email, name,
-- ssn), notes(id, note). After each attempt the test also reads every other table as superuser:
-- a value copied elsewhere would show up on the next plain SELECT.
-- [error]: leaks through the text of an ERROR the server raises; stopped by the proxy's error
-- scrubbing, not by the masking rule. Skipped until that is on this branch.
WITH s AS (SELECT ssn AS x FROM users) SELECT x||'' FROM s
SELECT max(x) FROM (SELECT ssn AS x FROM users) s
SELECT s||'' FROM users AS u(i,e,n,s)
SELECT e||'' FROM users AS u(i,e)
WITH RECURSIVE r(x) AS (SELECT ssn FROM users UNION ALL SELECT x FROM r WHERE false) SELECT x FROM r
WITH RECURSIVE r(x, n) AS (SELECT email, 1 FROM users UNION ALL SELECT x, n + 1 FROM r WHERE n < 2) SELECT x FROM r
WITH a AS (SELECT email AS e FROM users), b AS (SELECT e AS f FROM a) SELECT upper(f) FROM b
WITH a AS MATERIALIZED (SELECT ssn FROM users) SELECT ssn || '' FROM a
SELECT ssn || '' FROM users
SELECT email || '' FROM users
SELECT upper(ssn) FROM users
SELECT lower(email) FROM users
SELECT reverse(ssn) FROM users
SELECT concat(ssn) FROM users
SELECT format('%s', email) FROM users
SELECT ssn::varchar FROM users
SELECT CAST(email AS varchar(200)) FROM users
SELECT ssn::bytea FROM users
SELECT encode(ssn::bytea, 'base64') FROM users
SELECT encode(convert_to(email, 'UTF8'), 'hex') FROM users
SELECT translate(ssn, '0123456789', 'abcdefghij') FROM users
SELECT substr(ssn, 1, 6), substr(ssn, 7) FROM users
SELECT split_part(email, '@', 1) FROM users
SELECT left(ssn, 100) FROM users
SELECT coalesce(ssn, 'x') FROM users
SELECT nullif(email, '') FROM users
SELECT CASE WHEN true THEN ssn END FROM users
SELECT greatest(ssn, '') FROM users
SELECT (ssn) || '' FROM users
SELECT ssn COLLATE "C" FROM users
SELECT max(ssn) FROM users
SELECT min(email) FROM users
SELECT string_agg(ssn, ',') FROM users
SELECT array_agg(email) FROM users
SELECT json_agg(ssn) FROM users
SELECT jsonb_object_agg(id, email) FROM users
SELECT mode() WITHIN GROUP (ORDER BY ssn) FROM users
SELECT lag(ssn) OVER (ORDER BY id) FROM users
SELECT first_value(email) OVER (ORDER BY id) FROM users
SELECT ssn, lead(ssn) OVER (ORDER BY id) FROM users
SELECT u FROM users u
SELECT users FROM users
SELECT row_to_json(u) FROM users u
SELECT row_to_json(u.*) FROM users u
SELECT to_jsonb(users) FROM users
SELECT to_json(u)::text FROM users u
SELECT (u).ssn FROM users u
SELECT (u.*)::text FROM users u
SELECT ROW(ssn, email) FROM users
SELECT ARRAY[ssn] FROM users
SELECT hstore(u)::text FROM users u
SELECT json_agg(t) FROM (SELECT ssn FROM users) t
SELECT t FROM (SELECT email FROM users) t
SELECT (SELECT ssn FROM users LIMIT 1)
SELECT (SELECT email FROM users u2 WHERE u2.id = u.id) FROM users u
SELECT ARRAY(SELECT email FROM users)
SELECT (SELECT max(x) FROM (SELECT u.ssn AS x) y) FROM users u
SELECT * FROM users u, LATERAL (SELECT u.ssn || '' AS x) l
SELECT x FROM users u CROSS JOIN LATERAL (SELECT upper(u.email) AS x) z
SELECT x FROM users u, LATERAL (VALUES (u.ssn)) v(x)
SELECT v.* FROM users u, LATERAL (VALUES (u.email, 1)) v
SELECT f FROM users u, unnest(ARRAY[u.ssn]) f
SELECT f.* FROM users u, unnest(ARRAY[u.email]) f
SELECT j FROM users u, jsonb_array_elements_text(jsonb_build_array(u.ssn)) j
SELECT * FROM (VALUES ((SELECT ssn FROM users LIMIT 1))) v
VALUES ((SELECT email FROM users ORDER BY id LIMIT 1))
SELECT ssn FROM users UNION SELECT 'a'
SELECT email FROM users UNION ALL SELECT email FROM users
SELECT * FROM users UNION ALL SELECT * FROM users
SELECT ssn FROM users INTERSECT SELECT ssn FROM users
SELECT ssn FROM users EXCEPT SELECT 'x'
TABLE users UNION TABLE users
SELECT x FROM (SELECT ssn AS x FROM users UNION SELECT '1') s
(SELECT email FROM users) UNION (SELECT name FROM users)
SELECT email FROM users JOIN users u2 USING (email)
SELECT * FROM users JOIN users u2 USING (ssn)
SELECT * FROM users NATURAL JOIN (SELECT 'x' AS ssn) t
SELECT * FROM users FULL JOIN users u2 USING (ssn)
SELECT ssn || '' FROM users GROUP BY ssn
SELECT DISTINCT ON (ssn) ssn || '' FROM users
SELECT CASE WHEN ssn LIKE '4%' THEN ssn ELSE email END FROM users
SELECT pg_catalog.textcat(ssn, '') FROM users
SELECT ssn FROM users WHERE id = 1 UNION SELECT email FROM users WHERE id = 1
SELECT md5(ssn), ssn || '' FROM users
SELECT regexp_replace(email, '@', ' at ') FROM users
SELECT replace(ssn, '-', '') FROM users
SELECT quote_literal(email) FROM users
SELECT overlay(ssn placing '' from 1 for 0) FROM users
SELECT xmlelement(name x, ssn) FROM users
SELECT query_to_xml('select ssn from users', true, true, '')
SELECT table_to_xml('users', true, true, '')
UPDATE users SET name = ssn WHERE id = 1
UPDATE users SET name = upper(email) WHERE id = 2
UPDATE users SET name = ssn || '' WHERE id = 1 RETURNING name
UPDATE notes n SET note = u.ssn FROM users u WHERE n.id = u.id
UPDATE notes SET note = (SELECT ssn FROM users WHERE id = 1) WHERE id = 1
UPDATE notes SET (note) = (SELECT email FROM users WHERE id = 1) WHERE id = 1
UPDATE users SET name = 'x' WHERE id = 1 RETURNING upper(email)
DELETE FROM notes WHERE id = 1 RETURNING (SELECT ssn FROM users LIMIT 1)
INSERT INTO notes SELECT id, email FROM users
INSERT INTO notes (id, note) SELECT id, ssn FROM users
INSERT INTO notes VALUES (5, (SELECT ssn FROM users LIMIT 1))
INSERT INTO notes (id, note) SELECT id, reverse(email) FROM users
INSERT INTO notes (id, note) VALUES (1, 'x') ON CONFLICT (id) DO UPDATE SET note = (SELECT ssn FROM users LIMIT 1)
INSERT INTO users (id, email, ssn, name) VALUES (1, 'z@z.z', 'z', 'z') ON CONFLICT (id) DO UPDATE SET name = users.ssn
INSERT INTO notes (id, note) VALUES (7, 'x') RETURNING (SELECT email FROM users LIMIT 1)
WITH x AS (INSERT INTO notes SELECT id, ssn FROM users RETURNING 1) SELECT count(*) FROM x
WITH x AS (UPDATE users SET name = email WHERE id = 1 RETURNING id) SELECT * FROM x
WITH src AS (SELECT id, ssn FROM users) INSERT INTO notes SELECT * FROM src
CREATE TABLE leak AS SELECT ssn FROM users
CREATE TABLE leak AS SELECT * FROM users
CREATE TABLE leak AS TABLE users
SELECT ssn INTO leak FROM users
SELECT * INTO TEMP leak FROM users
CREATE MATERIALIZED VIEW leak AS SELECT email FROM users
CREATE VIEW leak AS SELECT ssn FROM users
CREATE VIEW leak AS SELECT * FROM users
COPY (SELECT ssn FROM users) TO STDOUT
COPY (SELECT * FROM users) TO STDOUT
COPY (SELECT upper(email) FROM users) TO STDOUT
COPY users TO STDOUT
COPY users (email) TO STDOUT
COPY users TO STDOUT WITH (FORMAT csv)
MERGE INTO notes n USING users u ON n.id = u.id WHEN MATCHED THEN UPDATE SET note = u.ssn
MERGE INTO notes n USING users u ON n.id = u.id WHEN NOT MATCHED THEN INSERT (id, note) VALUES (u.id + 100, u.email)
MERGE INTO notes n USING (SELECT id, ssn FROM users) u ON n.id = u.id WHEN MATCHED THEN UPDATE SET note = u.ssn
SELECT set_config('leak.x', ssn, false) FROM users
SELECT count(*) FROM users WHERE set_config('leak.x', ssn, false) IS NOT NULL
SELECT 1 FROM users WHERE pg_notify('c', email) IS NULL
SELECT lo_from_bytea(0, ssn::bytea) FROM users
SELECT count(*) FROM users WHERE lo_from_bytea(0, convert_to(email, 'UTF8')) > 0
PREPARE p AS SELECT ssn || '' FROM users
DECLARE c CURSOR WITH HOLD FOR SELECT upper(ssn) FROM users
EXPLAIN ANALYZE INSERT INTO notes SELECT id, ssn FROM users
DO $$ BEGIN INSERT INTO notes SELECT id, ssn FROM users; END $$
DO $$ BEGIN RAISE NOTICE '%', (SELECT string_agg(ssn, ',') FROM users); END $$
CREATE FUNCTION leak() RETURNS text LANGUAGE sql AS 'SELECT ssn FROM users LIMIT 1'
ALTER TABLE users ALTER COLUMN name TYPE text USING ssn
ALTER TABLE users ADD COLUMN leak text GENERATED ALWAYS AS (ssn || '') STORED
SELECT "ssn" || '' FROM "users"
SELECT public.users.ssn || '' FROM public.users
SELECT U.SSN || '' FROM USERS U
select/**/ssn||''/**/from/**/users
SELECT ssn || '' FROM users; SELECT 1
[error] SELECT 1 FROM users WHERE ssn::int > 0
[error] SELECT (ssn || 'x')::int FROM users
[error] SELECT count(*) FROM users WHERE email::int = 1
[error] SELECT 1 FROM users WHERE to_date(ssn, 'YYYY') IS NULL
-- ts_stat() and ts_rewrite() run query text (which can be assembled with ||, naming nothing):
-- refused like the other query-text functions whenever columns are masked.
SELECT word FROM ts_stat('SELECT array_to_tsvector(ARRAY[ssn, email]) FROM users')
SELECT word FROM ts_stat('SELECT array_to_tsvector(ARRAY[s' || 'sn, em' || 'ail]) FROM us' || 'ers')
SELECT ts_rewrite('x'::tsquery, 'SELECT ''x''::tsquery, plainto_tsquery(''simple'', email) FROM users LIMIT 1')
ANALYZE users; SELECT word FROM ts_stat('SELECT array_to_tsvector(histogram_bounds::text::text[]) FROM pg_st' || 'ats WHERE attname IN (''s' || 'sn'', ''em' || 'ail'')')
[error] SELECT * FROM ts_stat('SELECT (s' || 'sn)::int::text::tsvector FROM us' || 'ers')
-- SELECT * over JOIN … USING/NATURAL lists the merged columns once (a column list over it renames by
-- PostgreSQL's positions); (TABLE t) subqueries of masked tables are refused.
SELECT y || '' FROM (SELECT * FROM (SELECT 1 AS k) a JOIN (SELECT 1 AS k, ssn FROM users) b USING (k)) t(x, y)
WITH t(x, y) AS (SELECT * FROM (SELECT 1 AS k) a JOIN (SELECT 1 AS k, email FROM users) b USING (k)) SELECT upper(y) FROM t
SELECT y || '' FROM (SELECT * FROM (SELECT 1 AS k) a NATURAL JOIN (SELECT 1 AS k, ssn FROM users) b) t(x, y)
INSERT INTO users (id, email, name, ssn) SELECT * FROM (SELECT id AS k, name AS x, ssn AS s, '000' AS y FROM users) a JOIN (SELECT 1 AS k) b USING (k) ON CONFLICT (id) DO UPDATE SET name = excluded.name
SELECT x.s || '' FROM (TABLE users) x(a, b, c, s)
SELECT upper(t.email) FROM (TABLE users) t
SELECT t::text FROM (TABLE users) t
-- Statements the analysis does not follow (DO, CREATE FUNCTION, ALTER … USING, INHERIT) are refused when
-- their text names a table with masked columns: a whole-row reference or an inheritance link names none.
CREATE FUNCTION leak() RETURNS text LANGUAGE sql RETURN (SELECT string_agg(u::text, ',') FROM users u); SELECT leak()
DO $$ BEGIN INSERT INTO notes SELECT id + 10, u::text FROM users u; END $$
ALTER TABLE users ALTER COLUMN name TYPE text USING users::text
CREATE TABLE leak (LIKE users); ALTER TABLE users INHERIT leak; SELECT * FROM leak; ALTER TABLE users NO INHERIT leak
-- Predicates that rebuild a whole value in one query: each row of a cross join with
-- generate_series tests one character against one candidate, and the rows that pass spell it.
-- [rebuild]: each of these shows a whole value when run straight against the server.
[rebuild] SELECT string_agg(chr(g), '' ORDER BY p) FROM users u, generate_series(1,20) p, generate_series(32,126) g WHERE u.id = 1 AND ascii(substr(u.ssn, p, 1)) = g
[rebuild] SELECT string_agg(chr(g), '' ORDER BY p) FROM users u, generate_series(1,40) p, generate_series(32,126) g WHERE u.id = 1 AND substr(u.email, p, 1) = chr(g)
[rebuild] SELECT string_agg(cs.c, '' ORDER BY p) FROM users u, generate_series(1,20) p, (SELECT chr(g) AS c FROM generate_series(32,126) g) cs WHERE u.id = 2 AND substr(u.ssn, p, 1) = cs.c
[rebuild] SELECT (SELECT string_agg(chr(g), '' ORDER BY p) FROM generate_series(1,20) p, generate_series(32,126) g WHERE ascii(substr(u.ssn, p, 1)) = g) FROM users u WHERE u.id = 1
[rebuild] SELECT string_agg(chr(g), '' ORDER BY p) FROM users u JOIN generate_series(1,20) p ON true JOIN generate_series(32,126) g ON ascii(substr(u.ssn, p, 1)) = g WHERE u.id = 1
[rebuild] SELECT string_agg(chr(g), '' ORDER BY p) FROM generate_series(1,20) p, generate_series(32,126) g WHERE EXISTS (SELECT 1 FROM users u WHERE u.id = 1 AND ascii(substr(u.ssn, p, 1)) = g)
[rebuild] SELECT string_agg(chr(g), '' ORDER BY p) FROM generate_series(1,20) p, generate_series(32,126) g WHERE g IN (SELECT ascii(substr(ssn, p, 1)) FROM users WHERE id = 1)
[rebuild] SELECT string_agg(chr(g), '' ORDER BY p) FILTER (WHERE ascii(substr(u.ssn, p, 1)) = g) FROM users u, generate_series(1,20) p, generate_series(32,126) g WHERE u.id = 1
[rebuild] SELECT string_agg(CASE WHEN ascii(substr(u.ssn, p, 1)) = g THEN chr(g) END, '' ORDER BY p) FROM users u, generate_series(1,20) p, generate_series(32,126) g WHERE u.id = 1
[rebuild] SELECT string_agg(chr(g), '' ORDER BY p) FROM (SELECT p, g FROM users u, generate_series(1,20) p, generate_series(32,126) g WHERE u.id = 1 GROUP BY p, g HAVING max(ascii(substr(u.ssn, p, 1))) = g) x
[rebuild] SELECT string_agg(chr(s.g), '' ORDER BY s.p) FROM (SELECT u.ssn, p, g FROM users u, generate_series(1,20) p, generate_series(32,126) g WHERE u.id = 1) s WHERE ascii(substr(s.ssn, s.p, 1)) = s.g
[rebuild] WITH s AS (SELECT u.email AS e, p, g FROM users u, generate_series(1,40) p, generate_series(32,126) g WHERE u.id = 2) SELECT string_agg(chr(g), '' ORDER BY p) FROM s WHERE substr(e, p, 1) = chr(g)
[rebuild] SELECT string_agg(chr(g), '' ORDER BY p) FROM users u, LATERAL generate_series(1, length(u.ssn)) p, generate_series(32,126) g WHERE u.id = 1 AND ascii(substr(u.ssn, p, 1)) = g
[rebuild] SELECT string_agg(chr(g), '' ORDER BY p) FROM users u CROSS JOIN LATERAL (SELECT p, g FROM generate_series(1,20) p, generate_series(32,126) g WHERE ascii(substr(u.ssn, p, 1)) = g) x WHERE u.id = 1
[rebuild] UPDATE notes SET note = (SELECT string_agg(chr(g), '' ORDER BY p) FROM users u, generate_series(1,20) p, generate_series(32,126) g WHERE u.id = 1 AND ascii(substr(u.ssn, p, 1)) = g) WHERE id = 1
[rebuild] SELECT string_agg(chr(g), '' ORDER BY p) FROM users u, generate_series(1,20) p, generate_series(32,126) g WHERE u.id = 1 AND (CASE WHEN ascii(substr(u.ssn, p, 1)) = g THEN true END)
[rebuild] SELECT string_agg(chr(g), '' ORDER BY p) FROM users u, generate_series(1,20) p, generate_series(32,126) g WHERE u.id = 1 AND position(chr(g) IN substr(u.ssn, p, 1)) = 1
[rebuild] SELECT string_agg(chr(g), '' ORDER BY p) FROM users u, generate_series(1,20) p, generate_series(45,57) g WHERE u.id = 1 AND substr(u.ssn, p, 1) LIKE chr(g)
[rebuild] SELECT string_agg(chr(g), '' ORDER BY p) FROM users u, generate_series(1,20) p, generate_series(45,57) g WHERE u.id = 1 AND u.ssn LIKE repeat('_', p - 1) || chr(g) || '%'
[rebuild] SELECT string_agg(chr(g), '' ORDER BY p) FROM users u, generate_series(1,20) p, generate_series(45,57) g WHERE u.id = 1 AND g <> 46 AND u.ssn ~ ('^.{' || (p - 1) || '}' || chr(g))
-- Attack pass 13 (after "one question about each row"): each of these was allowed by the policy and
-- rebuilt a whole value in one query straight against PostgreSQL 15.
-- A FROM column named like a constant ("true", "current_date") was taken for the constant.
[rebuild] SELECT string_agg(chr("true" % 1000), '' ORDER BY "true") FROM users u, generate_series(1032, 11126) AS g("true") WHERE u.id = 1 AND ascii(substr(u.ssn, "true" / 1000, 1)) = "true" % 1000
[rebuild] SELECT string_agg(chr("current_date" % 1000), '' ORDER BY "current_date") FROM users u, generate_series(1032, 17126) AS g("current_date") WHERE u.id = 1 AND ascii(substr(u.email, "current_date" / 1000, 1)) = "current_date" % 1000
-- The comparison with the generated series was made in a subquery's or CTE's select list; the outer
-- WHERE only tested the resulting boolean column, which counted as "one masked column against constants".
[rebuild] SELECT string_agg(chr(s.c), '' ORDER BY s.p) FROM (SELECT p, c, ascii(substr(u.ssn, p, 1)) = c AS hit FROM users u, generate_series(1,20) p, generate_series(32,126) c WHERE u.id = 1) s WHERE s.hit
[rebuild] WITH s AS (SELECT p, c, substr(u.email, p, 1) = chr(c) AS hit FROM users u, generate_series(1,40) p, generate_series(32,126) c WHERE u.id = 2) SELECT string_agg(chr(c), '' ORDER BY p) FROM s WHERE hit
-- OFFSET and FETCH FIRST took a value computed from a masked column (their flow was walked and ignored):
-- the row they picked from a series of candidates, or the number of rows they let through, was the value.
[rebuild] SELECT string_agg((SELECT chr(g) FROM generate_series(32,126) g OFFSET ascii(substr(u.ssn, p, 1)) - 32 LIMIT 1), '' ORDER BY p) FROM users u, generate_series(1,11) p WHERE u.id = 1
[rebuild] SELECT string_agg(chr(g), '' ORDER BY p) FROM generate_series(1,11) p, LATERAL (SELECT g FROM generate_series(0,126) g OFFSET (SELECT ascii(substr(ssn, p, 1)) FROM users WHERE id = 1) ROWS FETCH FIRST 1 ROWS ONLY) x
[rebuild] SELECT string_agg(chr(c), '' ORDER BY p) FROM users u, generate_series(1,11) p, LATERAL (SELECT max(g) AS c FROM (SELECT g FROM generate_series(1,126) g FETCH FIRST ascii(substr(u.ssn, p, 1)) ROWS ONLY) y) x WHERE u.id = 1
-- A window frame's offset took a masked-derived value: count(*) over the frame counted it out.
[rebuild] SELECT string_agg(chr(n::int - 1), '' ORDER BY p) FROM (SELECT p, (SELECT count(*) OVER (ROWS BETWEEN CURRENT ROW AND (SELECT ascii(substr(ssn, p, 1)) FROM users WHERE id = 1) FOLLOWING) FROM generate_series(0,200) LIMIT 1) AS n FROM generate_series(1,11) p) x
-- JOIN … USING and NATURAL JOIN compared the masked column with another relation's column without any
-- condition check: a LATERAL side holding the value with one character replaced matched once per position.
[rebuild] SELECT string_agg(chr(x.c), '' ORDER BY x.p) FROM users u JOIN LATERAL (SELECT p, c, substr(u.ssn, 1, p - 1) || chr(c) || substr(u.ssn, p + 1) AS ssn FROM generate_series(1,20) p, generate_series(32,126) c) x USING (ssn) WHERE u.id = 1
[rebuild] SELECT string_agg(chr(x.c), '' ORDER BY x.p) FROM (SELECT id, ssn FROM users WHERE id = 2) u NATURAL JOIN LATERAL (SELECT u.id, p, c, substr(u.ssn, 1, p - 1) || chr(c) || substr(u.ssn, p + 1) AS ssn FROM generate_series(1,20) p, generate_series(32,126) c) x
-- EXISTS over a subquery that computed from a masked column without a masked WHERE test was taken as a
-- gated answer but recorded no test, and a gated conjunct was not checked at all.
[rebuild] SELECT string_agg(chr(c), '' ORDER BY p) FROM users u, generate_series(1,20) p, generate_series(32,126) c WHERE u.id = 1 AND EXISTS (SELECT 1 FROM generate_series(1, 1 - abs(ascii(substr(u.ssn, p, 1)) - c)))
[rebuild] SELECT string_agg(CASE WHEN EXISTS (SELECT 1 FROM generate_series(1, 1 - abs(ascii(substr(u.email, p, 1)) - c))) THEN chr(c) END, '' ORDER BY p) FROM users u, generate_series(1,40) p, generate_series(32,126) c WHERE u.id = 2
-- SET search_path with pg_catalog after a writable schema was allowed, and a call or operator was judged
-- by its name as a read-only built-in: a user lower(text) or a user = (text, text) in public received
-- every row's masked value from a WHERE condition and stored it in notes.
SET search_path = public, pg_catalog; CREATE FUNCTION public.lower(text) RETURNS text LANGUAGE sql AS $$ INSERT INTO notes SELECT 100 + count(*), $1 FROM notes RETURNING $1 $$; SELECT id FROM users WHERE lower(ssn) = 'x'; DROP FUNCTION public.lower(text)
SET search_path = public, pg_catalog; CREATE FUNCTION public.lk(text, text) RETURNS boolean LANGUAGE sql AS $$ INSERT INTO notes SELECT 100 + count(*), $1 FROM notes RETURNING false $$; CREATE OPERATOR public.= (FUNCTION = public.lk, LEFTARG = text, RIGHTARG = text); SELECT id FROM users WHERE ssn = 'x'; DROP OPERATOR public.= (text, text); DROP FUNCTION public.lk(text, text)
-- Attack pass 13b (after the fixes of pass 13): each of these was allowed by the policy and showed or
-- copied whole values straight against PostgreSQL 15.
-- A set-returning function missing from ROW_MAKING_OR_TIMED (txid_snapshot_xip, pg_snapshot_xip) made as
-- many rows as a masked-derived number; count(*) over them is taken as clean.
[rebuild] SELECT string_agg(chr((SELECT count(*)::int FROM (SELECT txid_snapshot_xip(('1:99999:' || substr((SELECT string_agg(g::text, ',') FROM generate_series(10000, 10200) g), 1, 6 * ascii(substr(u.ssn, p, 1)) - 1))::txid_snapshot)) s)), '' ORDER BY p) FROM users u, generate_series(1,11) p WHERE u.id = 1
[rebuild] SELECT string_agg(chr((SELECT count(*)::int FROM (SELECT pg_snapshot_xip(('1:99999:' || substr((SELECT string_agg(g::text, ',') FROM generate_series(10000, 10200) g), 1, 6 * ascii(substr(u.email, p, 1)) - 1))::pg_snapshot)) s)), '' ORDER BY p) FROM users u, generate_series(1,17) p WHERE u.id = 1
-- Data-modifying CTEs that the main query never reads are levels of their own whose tests are not
-- counted: 24 and 20 of them (the judge takes at most 32 per statement), each asking one question about
-- the same row, store four bits of each character of an SSN in notes; a plain SELECT on notes decodes them.
[rebuild] WITH b1_0 AS (INSERT INTO notes SELECT 10010, 'x' FROM users WHERE id = 1 AND substr(ssn, 1, 1) IN ('1', '3', '5', '7', '9') RETURNING 1), b1_1 AS (INSERT INTO notes SELECT 10011, 'x' FROM users WHERE id = 1 AND substr(ssn, 1, 1) IN ('2', '3', '6', '7', '-') RETURNING 1), b1_2 AS (INSERT INTO notes SELECT 10012, 'x' FROM users WHERE id = 1 AND substr(ssn, 1, 1) IN ('4', '5', '6', '7') RETURNING 1), b1_3 AS (INSERT INTO notes SELECT 10013, 'x' FROM users WHERE id = 1 AND substr(ssn, 1, 1) IN ('8', '9', '-') RETURNING 1), b2_0 AS (INSERT INTO notes SELECT 10020, 'x' FROM users WHERE id = 1 AND substr(ssn, 2, 1) IN ('1', '3', '5', '7', '9') RETURNING 1), b2_1 AS (INSERT INTO notes SELECT 10021, 'x' FROM users WHERE id = 1 AND substr(ssn, 2, 1) IN ('2', '3', '6', '7', '-') RETURNING 1), b2_2 AS (INSERT INTO notes SELECT 10022, 'x' FROM users WHERE id = 1 AND substr(ssn, 2, 1) IN ('4', '5', '6', '7') RETURNING 1), b2_3 AS (INSERT INTO notes SELECT 10023, 'x' FROM users WHERE id = 1 AND substr(ssn, 2, 1) IN ('8', '9', '-') RETURNING 1), b3_0 AS (INSERT INTO notes SELECT 10030, 'x' FROM users WHERE id = 1 AND substr(ssn, 3, 1) IN ('1', '3', '5', '7', '9') RETURNING 1), b3_1 AS (INSERT INTO notes SELECT 10031, 'x' FROM users WHERE id = 1 AND substr(ssn, 3, 1) IN ('2', '3', '6', '7', '-') RETURNING 1), b3_2 AS (INSERT INTO notes SELECT 10032, 'x' FROM users WHERE id = 1 AND substr(ssn, 3, 1) IN ('4', '5', '6', '7') RETURNING 1), b3_3 AS (INSERT INTO notes SELECT 10033, 'x' FROM users WHERE id = 1 AND substr(ssn, 3, 1) IN ('8', '9', '-') RETURNING 1), b4_0 AS (INSERT INTO notes SELECT 10040, 'x' FROM users WHERE id = 1 AND substr(ssn, 4, 1) IN ('1', '3', '5', '7', '9') RETURNING 1), b4_1 AS (INSERT INTO notes SELECT 10041, 'x' FROM users WHERE id = 1 AND substr(ssn, 4, 1) IN ('2', '3', '6', '7', '-') RETURNING 1), b4_2 AS (INSERT INTO notes SELECT 10042, 'x' FROM users WHERE id = 1 AND substr(ssn, 4, 1) IN ('4', '5', '6', '7') RETURNING 1), b4_3 AS (INSERT INTO notes SELECT 10043, 'x' FROM users WHERE id = 1 AND substr(ssn, 4, 1) IN ('8', '9', '-') RETURNING 1), b5_0 AS (INSERT INTO notes SELECT 10050, 'x' FROM users WHERE id = 1 AND substr(ssn, 5, 1) IN ('1', '3', '5', '7', '9') RETURNING 1), b5_1 AS (INSERT INTO notes SELECT 10051, 'x' FROM users WHERE id = 1 AND substr(ssn, 5, 1) IN ('2', '3', '6', '7', '-') RETURNING 1), b5_2 AS (INSERT INTO notes SELECT 10052, 'x' FROM users WHERE id = 1 AND substr(ssn, 5, 1) IN ('4', '5', '6', '7') RETURNING 1), b5_3 AS (INSERT INTO notes SELECT 10053, 'x' FROM users WHERE id = 1 AND substr(ssn, 5, 1) IN ('8', '9', '-') RETURNING 1), b6_0 AS (INSERT INTO notes SELECT 10060, 'x' FROM users WHERE id = 1 AND substr(ssn, 6, 1) IN ('1', '3', '5', '7', '9') RETURNING 1), b6_1 AS (INSERT INTO notes SELECT 10061, 'x' FROM users WHERE id = 1 AND substr(ssn, 6, 1) IN ('2', '3', '6', '7', '-') RETURNING 1), b6_2 AS (INSERT INTO notes SELECT 10062, 'x' FROM users WHERE id = 1 AND substr(ssn, 6, 1) IN ('4', '5', '6', '7') RETURNING 1), b6_3 AS (INSERT INTO notes SELECT 10063, 'x' FROM users WHERE id = 1 AND substr(ssn, 6, 1) IN ('8', '9', '-') RETURNING 1) SELECT 1; WITH b7_0 AS (INSERT INTO notes SELECT 10070, 'x' FROM users WHERE id = 1 AND substr(ssn, 7, 1) IN ('1', '3', '5', '7', '9') RETURNING 1), b7_1 AS (INSERT INTO notes SELECT 10071, 'x' FROM users WHERE id = 1 AND substr(ssn, 7, 1) IN ('2', '3', '6', '7', '-') RETURNING 1), b7_2 AS (INSERT INTO notes SELECT 10072, 'x' FROM users WHERE id = 1 AND substr(ssn, 7, 1) IN ('4', '5', '6', '7') RETURNING 1), b7_3 AS (INSERT INTO notes SELECT 10073, 'x' FROM users WHERE id = 1 AND substr(ssn, 7, 1) IN ('8', '9', '-') RETURNING 1), b8_0 AS (INSERT INTO notes SELECT 10080, 'x' FROM users WHERE id = 1 AND substr(ssn, 8, 1) IN ('1', '3', '5', '7', '9') RETURNING 1), b8_1 AS (INSERT INTO notes SELECT 10081, 'x' FROM users WHERE id = 1 AND substr(ssn, 8, 1) IN ('2', '3', '6', '7', '-') RETURNING 1), b8_2 AS (INSERT INTO notes SELECT 10082, 'x' FROM users WHERE id = 1 AND substr(ssn, 8, 1) IN ('4', '5', '6', '7') RETURNING 1), b8_3 AS (INSERT INTO notes SELECT 10083, 'x' FROM users WHERE id = 1 AND substr(ssn, 8, 1) IN ('8', '9', '-') RETURNING 1), b9_0 AS (INSERT INTO notes SELECT 10090, 'x' FROM users WHERE id = 1 AND substr(ssn, 9, 1) IN ('1', '3', '5', '7', '9') RETURNING 1), b9_1 AS (INSERT INTO notes SELECT 10091, 'x' FROM users WHERE id = 1 AND substr(ssn, 9, 1) IN ('2', '3', '6', '7', '-') RETURNING 1), b9_2 AS (INSERT INTO notes SELECT 10092, 'x' FROM users WHERE id = 1 AND substr(ssn, 9, 1) IN ('4', '5', '6', '7') RETURNING 1), b9_3 AS (INSERT INTO notes SELECT 10093, 'x' FROM users WHERE id = 1 AND substr(ssn, 9, 1) IN ('8', '9', '-') RETURNING 1), b10_0 AS (INSERT INTO notes SELECT 10100, 'x' FROM users WHERE id = 1 AND substr(ssn, 10, 1) IN ('1', '3', '5', '7', '9') RETURNING 1), b10_1 AS (INSERT INTO notes SELECT 10101, 'x' FROM users WHERE id = 1 AND substr(ssn, 10, 1) IN ('2', '3', '6', '7', '-') RETURNING 1), b10_2 AS (INSERT INTO notes SELECT 10102, 'x' FROM users WHERE id = 1 AND substr(ssn, 10, 1) IN ('4', '5', '6', '7') RETURNING 1), b10_3 AS (INSERT INTO notes SELECT 10103, 'x' FROM users WHERE id = 1 AND substr(ssn, 10, 1) IN ('8', '9', '-') RETURNING 1), b11_0 AS (INSERT INTO notes SELECT 10110, 'x' FROM users WHERE id = 1 AND substr(ssn, 11, 1) IN ('1', '3', '5', '7', '9') RETURNING 1), b11_1 AS (INSERT INTO notes SELECT 10111, 'x' FROM users WHERE id = 1 AND substr(ssn, 11, 1) IN ('2', '3', '6', '7', '-') RETURNING 1), b11_2 AS (INSERT INTO notes SELECT 10112, 'x' FROM users WHERE id = 1 AND substr(ssn, 11, 1) IN ('4', '5', '6', '7') RETURNING 1), b11_3 AS (INSERT INTO notes SELECT 10113, 'x' FROM users WHERE id = 1 AND substr(ssn, 11, 1) IN ('8', '9', '-') RETURNING 1) SELECT 1; SELECT string_agg(substr('0123456789-', v + 1, 1), '' ORDER BY p) FROM (SELECT p, coalesce(sum(2 ^ (n.id % 10)), 0)::int AS v FROM generate_series(1,11) p LEFT JOIN notes n ON n.id >= 10000 AND (n.id - 10000) / 10 = p GROUP BY p) x
-- An operator, cast or function overload with argument types pg_catalog does not have is found in
-- public whatever the search_path: ssn = 5 calls public.=(text, integer), email::lk_t a user cast,
-- lower(ssn, 1) a user lower(text, integer) (STABLE, so user-functions would not flag it either).
CREATE FUNCTION public.lk(text, integer) RETURNS boolean LANGUAGE sql AS $$ INSERT INTO notes SELECT 100 + count(*), $1 FROM notes RETURNING false $$; CREATE OPERATOR public.= (FUNCTION = public.lk, LEFTARG = text, RIGHTARG = integer); SELECT id FROM users WHERE ssn = 5; DROP OPERATOR public.= (text, integer); DROP FUNCTION public.lk(text, integer)
CREATE TYPE lk_t AS (x text); CREATE FUNCTION public.lk(text) RETURNS lk_t LANGUAGE sql AS $$ INSERT INTO notes SELECT 100 + count(*), $1 FROM notes RETURNING ROW($1)::lk_t $$; CREATE CAST (text AS lk_t) WITH FUNCTION public.lk(text); SELECT id FROM users WHERE email::lk_t IS NULL; DROP TYPE lk_t CASCADE
CREATE FUNCTION public.lower(text, integer) RETURNS text LANGUAGE sql STABLE AS $$ SELECT set_config('gh.v', coalesce(current_setting('gh.v', true), '') || $1, false) $$; SELECT id FROM users WHERE lower(ssn, 1) = 'x'; SELECT current_setting('gh.v'); DROP FUNCTION public.lower(text, integer)
-- search_path moved without the word search_path or pg_catalog in the text: set_config with a
-- concatenated name, UPDATE pg_settings, a DO block; then a user = (text, text) in public wins.
SELECT set_config('search' || '_path', 'public, pg' || '_catalog', false); CREATE FUNCTION public.lk(text, text) RETURNS boolean LANGUAGE sql AS $$ INSERT INTO notes SELECT 100 + count(*), $1 FROM notes RETURNING false $$; CREATE OPERATOR public.= (FUNCTION = public.lk, LEFTARG = text, RIGHTARG = text); SELECT id FROM users WHERE ssn = 'x'; DROP OPERATOR public.= (text, text); DROP FUNCTION public.lk(text, text)
UPDATE pg_settings SET setting = 'public, pg' || '_catalog' WHERE name = 'search' || '_path'; CREATE FUNCTION public.lk(text, text) RETURNS boolean LANGUAGE sql AS $$ INSERT INTO notes SELECT 100 + count(*), $1 FROM notes RETURNING false $$; CREATE OPERATOR public.= (FUNCTION = public.lk, LEFTARG = text, RIGHTARG = text); SELECT id FROM users WHERE ssn = 'x'; DROP OPERATOR public.= (text, text); DROP FUNCTION public.lk(text, text)
DO $$ BEGIN PERFORM set_config('search' || '_path', 'public, pg' || '_catalog', false); END $$; CREATE FUNCTION public.lk(text, text) RETURNS boolean LANGUAGE sql AS $$ INSERT INTO notes SELECT 100 + count(*), $1 FROM notes RETURNING false $$; CREATE OPERATOR public.= (FUNCTION = public.lk, LEFTARG = text, RIGHTARG = text); SELECT id FROM users WHERE ssn = 'x'; DROP OPERATOR public.= (text, text); DROP FUNCTION public.lk(text, text)
-- A STABLE function whose dynamic SQL spells the table and column in pieces: its text names nothing
-- masked, and its rows carry no origin.
CREATE FUNCTION leak() RETURNS SETOF record LANGUAGE plpgsql STABLE AS $$ BEGIN RETURN QUERY EXECUTE 'SELECT ss' || 'n FROM us' || 'ers'; END $$; SELECT * FROM leak() AS t(s text)
-- count() of a masked-derived expression counts as one question, but over a generated series the
-- expression compares the value with each candidate: the count is the value (each character, one query).
[rebuild] SELECT string_agg(chr((SELECT count(CASE WHEN g < ascii(substr(u.ssn, p, 1)) THEN 1 END)::int FROM generate_series(0,127) g)), '' ORDER BY p) FROM users u, generate_series(1,11) p WHERE u.id = 1
[rebuild] SELECT string_agg(chr((SELECT count((g < ascii(substr(u.email, p, 1))) OR NULL)::int FROM generate_series(0,127) g)), '' ORDER BY p) FROM users u, generate_series(1,17) p WHERE u.id = 1
[rebuild] SELECT string_agg(chr((SELECT count(DISTINCT int4smaller(ascii(substr(u.ssn, p, 1)), g))::int - 1 FROM generate_series(0,127) g)), '' ORDER BY p) FROM users u, generate_series(1,11) p WHERE u.id = 1
-- Round 3: routine bodies and statements the analysis does not follow.
-- A Unicode-escaped identifier (U&"\0075sers") names the table to PostgreSQL but not to a word search of the body.
DO $$ BEGIN INSERT INTO notes SELECT 100 + id, U&"\0073sn" FROM U&"\0075sers"; END $$
CREATE FUNCTION leak() RETURNS SETOF text LANGUAGE sql AS $$ SELECT U&"\0073sn" || '' FROM U&"\0075sers" $$; SELECT leak(); DROP FUNCTION leak()
-- A CHECK constraint added by ALTER TABLE runs a function on every existing row, whole row included.
CREATE FUNCTION leak(r text) RETURNS bool LANGUAGE plpgsql AS $$ BEGIN INSERT INTO notes VALUES (100 + length(r), r); RETURN true; END $$; ALTER TABLE users ADD CONSTRAINT leak CHECK (leak(users::text)); ALTER TABLE users DROP CONSTRAINT leak; DROP FUNCTION leak(text)
-- CREATE INDEX is let through as planner-only, but an expression index runs its (immutable) function on every row.
CREATE FUNCTION leak(r text) RETURNS bool LANGUAGE sql IMMUTABLE AS $$ SELECT lo_from_bytea(0, convert_to(r, 'UTF8')) > 0 $$; CREATE INDEX leak ON users (leak(ssn)); DROP INDEX leak; DROP FUNCTION leak(text)
-- A Unicode-escaped column name at the top level: PostgreSQL reads ssn, the analysis a column of no name it knows.
SELECT U&"\0073sn" || '' FROM users
SELECT upper(u.U&"\0065mail") FROM users u
INSERT INTO notes SELECT id + 100, U&"\0073sn" FROM users
CREATE TABLE leak AS SELECT U&"\0073sn" FROM users
-- A trigger on the table named with Unicode escapes copies each updated row (an ordinary UPDATE fires it).
CREATE FUNCTION leakt() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN INSERT INTO notes VALUES (200 + NEW.id, NEW::text); RETURN NEW; END $$; CREATE TRIGGER leak BEFORE UPDATE ON U&"\0075sers" FOR EACH ROW EXECUTE FUNCTION leakt(); UPDATE users SET name = name WHERE id = 1; DROP TRIGGER leak ON users; DROP FUNCTION leakt()
COPY (SELECT U&"\0073sn" FROM users) TO STDOUT
-- Masked columns are known by table name: a renamed table is a table without masked columns (same OID, same rows).
ALTER TABLE users RENAME TO leak; SELECT ssn || '' FROM leak; ALTER TABLE leak RENAME TO users

-- Attack pass 13d (after the fixes of pass 13c): each of these was allowed by the policy and rebuilt whole
-- values straight against PostgreSQL 15.
-- A value derived from a masked column may be written into a masked column, and the masked form
-- shows whether it is NULL (and, for keep-last-4 and hash, much more): INSERT … SELECT over a generated
-- series stores one bit of each character per row, NULL or not; a plain condition ssn IS NOT NULL reads
-- them back, and ROLLBACK leaves nothing behind.
[rebuild] BEGIN; INSERT INTO users (id, email, ssn) SELECT 100000 + p * 10 + b, 'x' || p || '-' || b || '@x', nullif(ascii(substr(u.ssn, p, 1)) & (1 << b), 0)::text FROM users u, generate_series(1, 11) p, generate_series(0, 5) b WHERE u.id = 1; SELECT string_agg(chr(v), '' ORDER BY p) FROM (SELECT (id - 100000) / 10 AS p, sum(1 << ((id - 100000) % 10))::int AS v FROM users WHERE id > 100000 AND ssn IS NOT NULL GROUP BY 1) x; ROLLBACK
[rebuild] BEGIN; INSERT INTO users (id, email, ssn) SELECT 100000 + p * 10 + b, 'x' || p || '-' || b || '@x', nullif(ascii(substr(u.email, p, 1)) & (1 << b), 0)::text FROM users u, generate_series(1, 17) p, generate_series(0, 6) b WHERE u.id = 1; SELECT string_agg(chr(v), '' ORDER BY p) FROM (SELECT (id - 100000) / 10 AS p, sum(1 << ((id - 100000) % 10))::int AS v FROM users WHERE id > 100000 AND ssn IS NOT NULL GROUP BY 1) x; ROLLBACK
-- A condition over a masked column may call a volatile function of constants: set_config in one branch
-- of each AND part records that part's answer, so one query asks as many questions about a row as it has
-- parts (here one per bit of each character); current_setting reads the answers back.
[rebuild] SELECT count(*) FROM users WHERE id = 1 AND (ascii(substr(ssn, 1, 1)) & 1 = 0 OR set_config('gh.p1b0', '1', false) IS NOT NULL) AND (ascii(substr(ssn, 1, 1)) & 2 = 0 OR set_config('gh.p1b1', '2', false) IS NOT NULL) AND (ascii(substr(ssn, 1, 1)) & 4 = 0 OR set_config('gh.p1b2', '4', false) IS NOT NULL) AND (ascii(substr(ssn, 1, 1)) & 8 = 0 OR set_config('gh.p1b3', '8', false) IS NOT NULL) AND (ascii(substr(ssn, 1, 1)) & 16 = 0 OR set_config('gh.p1b4', '16', false) IS NOT NULL) AND (ascii(substr(ssn, 1, 1)) & 32 = 0 OR set_config('gh.p1b5', '32', false) IS NOT NULL) AND (ascii(substr(ssn, 2, 1)) & 1 = 0 OR set_config('gh.p2b0', '1', false) IS NOT NULL) AND (ascii(substr(ssn, 2, 1)) & 2 = 0 OR set_config('gh.p2b1', '2', false) IS NOT NULL) AND (ascii(substr(ssn, 2, 1)) & 4 = 0 OR set_config('gh.p2b2', '4', false) IS NOT NULL) AND (ascii(substr(ssn, 2, 1)) & 8 = 0 OR set_config('gh.p2b3', '8', false) IS NOT NULL) AND (ascii(substr(ssn, 2, 1)) & 16 = 0 OR set_config('gh.p2b4', '16', false) IS NOT NULL) AND (ascii(substr(ssn, 2, 1)) & 32 = 0 OR set_config('gh.p2b5', '32', false) IS NOT NULL) AND (ascii(substr(ssn, 3, 1)) & 1 = 0 OR set_config('gh.p3b0', '1', false) IS NOT NULL) AND (ascii(substr(ssn, 3, 1)) & 2 = 0 OR set_config('gh.p3b1', '2', false) IS NOT NULL) AND (ascii(substr(ssn, 3, 1)) & 4 = 0 OR set_config('gh.p3b2', '4', false) IS NOT NULL) AND (ascii(substr(ssn, 3, 1)) & 8 = 0 OR set_config('gh.p3b3', '8', false) IS NOT NULL) AND (ascii(substr(ssn, 3, 1)) & 16 = 0 OR set_config('gh.p3b4', '16', false) IS NOT NULL) AND (ascii(substr(ssn, 3, 1)) & 32 = 0 OR set_config('gh.p3b5', '32', false) IS NOT NULL) AND (ascii(substr(ssn, 4, 1)) & 1 = 0 OR set_config('gh.p4b0', '1', false) IS NOT NULL) AND (ascii(substr(ssn, 4, 1)) & 2 = 0 OR set_config('gh.p4b1', '2', false) IS NOT NULL) AND (ascii(substr(ssn, 4, 1)) & 4 = 0 OR set_config('gh.p4b2', '4', false) IS NOT NULL) AND (ascii(substr(ssn, 4, 1)) & 8 = 0 OR set_config('gh.p4b3', '8', false) IS NOT NULL) AND (ascii(substr(ssn, 4, 1)) & 16 = 0 OR set_config('gh.p4b4', '16', false) IS NOT NULL) AND (ascii(substr(ssn, 4, 1)) & 32 = 0 OR set_config('gh.p4b5', '32', false) IS NOT NULL) AND (ascii(substr(ssn, 5, 1)) & 1 = 0 OR set_config('gh.p5b0', '1', false) IS NOT NULL) AND (ascii(substr(ssn, 5, 1)) & 2 = 0 OR set_config('gh.p5b1', '2', false) IS NOT NULL) AND (ascii(substr(ssn, 5, 1)) & 4 = 0 OR set_config('gh.p5b2', '4', false) IS NOT NULL) AND (ascii(substr(ssn, 5, 1)) & 8 = 0 OR set_config('gh.p5b3', '8', false) IS NOT NULL) AND (ascii(substr(ssn, 5, 1)) & 16 = 0 OR set_config('gh.p5b4', '16', false) IS NOT NULL) AND (ascii(substr(ssn, 5, 1)) & 32 = 0 OR set_config('gh.p5b5', '32', false) IS NOT NULL) AND (ascii(substr(ssn, 6, 1)) & 1 = 0 OR set_config('gh.p6b0', '1', false) IS NOT NULL) AND (ascii(substr(ssn, 6, 1)) & 2 = 0 OR set_config('gh.p6b1', '2', false) IS NOT NULL) AND (ascii(substr(ssn, 6, 1)) & 4 = 0 OR set_config('gh.p6b2', '4', false) IS NOT NULL) AND (ascii(substr(ssn, 6, 1)) & 8 = 0 OR set_config('gh.p6b3', '8', false) IS NOT NULL) AND (ascii(substr(ssn, 6, 1)) & 16 = 0 OR set_config('gh.p6b4', '16', false) IS NOT NULL) AND (ascii(substr(ssn, 6, 1)) & 32 = 0 OR set_config('gh.p6b5', '32', false) IS NOT NULL) AND (ascii(substr(ssn, 7, 1)) & 1 = 0 OR set_config('gh.p7b0', '1', false) IS NOT NULL) AND (ascii(substr(ssn, 7, 1)) & 2 = 0 OR set_config('gh.p7b1', '2', false) IS NOT NULL) AND (ascii(substr(ssn, 7, 1)) & 4 = 0 OR set_config('gh.p7b2', '4', false) IS NOT NULL) AND (ascii(substr(ssn, 7, 1)) & 8 = 0 OR set_config('gh.p7b3', '8', false) IS NOT NULL) AND (ascii(substr(ssn, 7, 1)) & 16 = 0 OR set_config('gh.p7b4', '16', false) IS NOT NULL) AND (ascii(substr(ssn, 7, 1)) & 32 = 0 OR set_config('gh.p7b5', '32', false) IS NOT NULL) AND (ascii(substr(ssn, 8, 1)) & 1 = 0 OR set_config('gh.p8b0', '1', false) IS NOT NULL) AND (ascii(substr(ssn, 8, 1)) & 2 = 0 OR set_config('gh.p8b1', '2', false) IS NOT NULL) AND (ascii(substr(ssn, 8, 1)) & 4 = 0 OR set_config('gh.p8b2', '4', false) IS NOT NULL) AND (ascii(substr(ssn, 8, 1)) & 8 = 0 OR set_config('gh.p8b3', '8', false) IS NOT NULL) AND (ascii(substr(ssn, 8, 1)) & 16 = 0 OR set_config('gh.p8b4', '16', false) IS NOT NULL) AND (ascii(substr(ssn, 8, 1)) & 32 = 0 OR set_config('gh.p8b5', '32', false) IS NOT NULL) AND (ascii(substr(ssn, 9, 1)) & 1 = 0 OR set_config('gh.p9b0', '1', false) IS NOT NULL) AND (ascii(substr(ssn, 9, 1)) & 2 = 0 OR set_config('gh.p9b1', '2', false) IS NOT NULL) AND (ascii(substr(ssn, 9, 1)) & 4 = 0 OR set_config('gh.p9b2', '4', false) IS NOT NULL) AND (ascii(substr(ssn, 9, 1)) & 8 = 0 OR set_config('gh.p9b3', '8', false) IS NOT NULL) AND (ascii(substr(ssn, 9, 1)) & 16 = 0 OR set_config('gh.p9b4', '16', false) IS NOT NULL) AND (ascii(substr(ssn, 9, 1)) & 32 = 0 OR set_config('gh.p9b5', '32', false) IS NOT NULL) AND (ascii(substr(ssn, 10, 1)) & 1 = 0 OR set_config('gh.p10b0', '1', false) IS NOT NULL) AND (ascii(substr(ssn, 10, 1)) & 2 = 0 OR set_config('gh.p10b1', '2', false) IS NOT NULL) AND (ascii(substr(ssn, 10, 1)) & 4 = 0 OR set_config('gh.p10b2', '4', false) IS NOT NULL) AND (ascii(substr(ssn, 10, 1)) & 8 = 0 OR set_config('gh.p10b3', '8', false) IS NOT NULL) AND (ascii(substr(ssn, 10, 1)) & 16 = 0 OR set_config('gh.p10b4', '16', false) IS NOT NULL) AND (ascii(substr(ssn, 10, 1)) & 32 = 0 OR set_config('gh.p10b5', '32', false) IS NOT NULL) AND (ascii(substr(ssn, 11, 1)) & 1 = 0 OR set_config('gh.p11b0', '1', false) IS NOT NULL) AND (ascii(substr(ssn, 11, 1)) & 2 = 0 OR set_config('gh.p11b1', '2', false) IS NOT NULL) AND (ascii(substr(ssn, 11, 1)) & 4 = 0 OR set_config('gh.p11b2', '4', false) IS NOT NULL) AND (ascii(substr(ssn, 11, 1)) & 8 = 0 OR set_config('gh.p11b3', '8', false) IS NOT NULL) AND (ascii(substr(ssn, 11, 1)) & 16 = 0 OR set_config('gh.p11b4', '16', false) IS NOT NULL) AND (ascii(substr(ssn, 11, 1)) & 32 = 0 OR set_config('gh.p11b5', '32', false) IS NOT NULL); SELECT string_agg(chr(v), '' ORDER BY p) FROM (SELECT p, (SELECT sum(coalesce(current_setting('gh.p' || p || 'b' || b, true), '0')::int) FROM generate_series(0, 5) b)::int AS v FROM generate_series(1, 11) p) x
[rebuild] SELECT count(*) FROM users WHERE id = 2 AND (ascii(substr(email, 1, 1)) & 1 = 0 OR set_config('gh.p1b0', '1', false) IS NOT NULL) AND (ascii(substr(email, 1, 1)) & 2 = 0 OR set_config('gh.p1b1', '2', false) IS NOT NULL) AND (ascii(substr(email, 1, 1)) & 4 = 0 OR set_config('gh.p1b2', '4', false) IS NOT NULL) AND (ascii(substr(email, 1, 1)) & 8 = 0 OR set_config('gh.p1b3', '8', false) IS NOT NULL) AND (ascii(substr(email, 1, 1)) & 16 = 0 OR set_config('gh.p1b4', '16', false) IS NOT NULL) AND (ascii(substr(email, 1, 1)) & 32 = 0 OR set_config('gh.p1b5', '32', false) IS NOT NULL) AND (ascii(substr(email, 1, 1)) & 64 = 0 OR set_config('gh.p1b6', '64', false) IS NOT NULL) AND (ascii(substr(email, 2, 1)) & 1 = 0 OR set_config('gh.p2b0', '1', false) IS NOT NULL) AND (ascii(substr(email, 2, 1)) & 2 = 0 OR set_config('gh.p2b1', '2', false) IS NOT NULL) AND (ascii(substr(email, 2, 1)) & 4 = 0 OR set_config('gh.p2b2', '4', false) IS NOT NULL) AND (ascii(substr(email, 2, 1)) & 8 = 0 OR set_config('gh.p2b3', '8', false) IS NOT NULL) AND (ascii(substr(email, 2, 1)) & 16 = 0 OR set_config('gh.p2b4', '16', false) IS NOT NULL) AND (ascii(substr(email, 2, 1)) & 32 = 0 OR set_config('gh.p2b5', '32', false) IS NOT NULL) AND (ascii(substr(email, 2, 1)) & 64 = 0 OR set_config('gh.p2b6', '64', false) IS NOT NULL) AND (ascii(substr(email, 3, 1)) & 1 = 0 OR set_config('gh.p3b0', '1', false) IS NOT NULL) AND (ascii(substr(email, 3, 1)) & 2 = 0 OR set_config('gh.p3b1', '2', false) IS NOT NULL) AND (ascii(substr(email, 3, 1)) & 4 = 0 OR set_config('gh.p3b2', '4', false) IS NOT NULL) AND (ascii(substr(email, 3, 1)) & 8 = 0 OR set_config('gh.p3b3', '8', false) IS NOT NULL) AND (ascii(substr(email, 3, 1)) & 16 = 0 OR set_config('gh.p3b4', '16', false) IS NOT NULL) AND (ascii(substr(email, 3, 1)) & 32 = 0 OR set_config('gh.p3b5', '32', false) IS NOT NULL) AND (ascii(substr(email, 3, 1)) & 64 = 0 OR set_config('gh.p3b6', '64', false) IS NOT NULL) AND (ascii(substr(email, 4, 1)) & 1 = 0 OR set_config('gh.p4b0', '1', false) IS NOT NULL) AND (ascii(substr(email, 4, 1)) & 2 = 0 OR set_config('gh.p4b1', '2', false) IS NOT NULL) AND (ascii(substr(email, 4, 1)) & 4 = 0 OR set_config('gh.p4b2', '4', false) IS NOT NULL) AND (ascii(substr(email, 4, 1)) & 8 = 0 OR set_config('gh.p4b3', '8', false) IS NOT NULL) AND (ascii(substr(email, 4, 1)) & 16 = 0 OR set_config('gh.p4b4', '16', false) IS NOT NULL) AND (ascii(substr(email, 4, 1)) & 32 = 0 OR set_config('gh.p4b5', '32', false) IS NOT NULL) AND (ascii(substr(email, 4, 1)) & 64 = 0 OR set_config('gh.p4b6', '64', false) IS NOT NULL) AND (ascii(substr(email, 5, 1)) & 1 = 0 OR set_config('gh.p5b0', '1', false) IS NOT NULL) AND (ascii(substr(email, 5, 1)) & 2 = 0 OR set_config('gh.p5b1', '2', false) IS NOT NULL) AND (ascii(substr(email, 5, 1)) & 4 = 0 OR set_config('gh.p5b2', '4', false) IS NOT NULL) AND (ascii(substr(email, 5, 1)) & 8 = 0 OR set_config('gh.p5b3', '8', false) IS NOT NULL) AND (ascii(substr(email, 5, 1)) & 16 = 0 OR set_config('gh.p5b4', '16', false) IS NOT NULL) AND (ascii(substr(email, 5, 1)) & 32 = 0 OR set_config('gh.p5b5', '32', false) IS NOT NULL) AND (ascii(substr(email, 5, 1)) & 64 = 0 OR set_config('gh.p5b6', '64', false) IS NOT NULL) AND (ascii(substr(email, 6, 1)) & 1 = 0 OR set_config('gh.p6b0', '1', false) IS NOT NULL) AND (ascii(substr(email, 6, 1)) & 2 = 0 OR set_config('gh.p6b1', '2', false) IS NOT NULL) AND (ascii(substr(email, 6, 1)) & 4 = 0 OR set_config('gh.p6b2', '4', false) IS NOT NULL) AND (ascii(substr(email, 6, 1)) & 8 = 0 OR set_config('gh.p6b3', '8', false) IS NOT NULL) AND (ascii(substr(email, 6, 1)) & 16 = 0 OR set_config('gh.p6b4', '16', false) IS NOT NULL) AND (ascii(substr(email, 6, 1)) & 32 = 0 OR set_config('gh.p6b5', '32', false) IS NOT NULL) AND (ascii(substr(email, 6, 1)) & 64 = 0 OR set_config('gh.p6b6', '64', false) IS NOT NULL) AND (ascii(substr(email, 7, 1)) & 1 = 0 OR set_config('gh.p7b0', '1', false) IS NOT NULL) AND (ascii(substr(email, 7, 1)) & 2 = 0 OR set_config('gh.p7b1', '2', false) IS NOT NULL) AND (ascii(substr(email, 7, 1)) & 4 = 0 OR set_config('gh.p7b2', '4', false) IS NOT NULL) AND (ascii(substr(email, 7, 1)) & 8 = 0 OR set_config('gh.p7b3', '8', false) IS NOT NULL) AND (ascii(substr(email, 7, 1)) & 16 = 0 OR set_config('gh.p7b4', '16', false) IS NOT NULL) AND (ascii(substr(email, 7, 1)) & 32 = 0 OR set_config('gh.p7b5', '32', false) IS NOT NULL) AND (ascii(substr(email, 7, 1)) & 64 = 0 OR set_config('gh.p7b6', '64', false) IS NOT NULL) AND (ascii(substr(email, 8, 1)) & 1 = 0 OR set_config('gh.p8b0', '1', false) IS NOT NULL) AND (ascii(substr(email, 8, 1)) & 2 = 0 OR set_config('gh.p8b1', '2', false) IS NOT NULL) AND (ascii(substr(email, 8, 1)) & 4 = 0 OR set_config('gh.p8b2', '4', false) IS NOT NULL) AND (ascii(substr(email, 8, 1)) & 8 = 0 OR set_config('gh.p8b3', '8', false) IS NOT NULL) AND (ascii(substr(email, 8, 1)) & 16 = 0 OR set_config('gh.p8b4', '16', false) IS NOT NULL) AND (ascii(substr(email, 8, 1)) & 32 = 0 OR set_config('gh.p8b5', '32', false) IS NOT NULL) AND (ascii(substr(email, 8, 1)) & 64 = 0 OR set_config('gh.p8b6', '64', false) IS NOT NULL) AND (ascii(substr(email, 9, 1)) & 1 = 0 OR set_config('gh.p9b0', '1', false) IS NOT NULL) AND (ascii(substr(email, 9, 1)) & 2 = 0 OR set_config('gh.p9b1', '2', false) IS NOT NULL) AND (ascii(substr(email, 9, 1)) & 4 = 0 OR set_config('gh.p9b2', '4', false) IS NOT NULL) AND (ascii(substr(email, 9, 1)) & 8 = 0 OR set_config('gh.p9b3', '8', false) IS NOT NULL) AND (ascii(substr(email, 9, 1)) & 16 = 0 OR set_config('gh.p9b4', '16', false) IS NOT NULL) AND (ascii(substr(email, 9, 1)) & 32 = 0 OR set_config('gh.p9b5', '32', false) IS NOT NULL) AND (ascii(substr(email, 9, 1)) & 64 = 0 OR set_config('gh.p9b6', '64', false) IS NOT NULL) AND (ascii(substr(email, 10, 1)) & 1 = 0 OR set_config('gh.p10b0', '1', false) IS NOT NULL) AND (ascii(substr(email, 10, 1)) & 2 = 0 OR set_config('gh.p10b1', '2', false) IS NOT NULL) AND (ascii(substr(email, 10, 1)) & 4 = 0 OR set_config('gh.p10b2', '4', false) IS NOT NULL) AND (ascii(substr(email, 10, 1)) & 8 = 0 OR set_config('gh.p10b3', '8', false) IS NOT NULL) AND (ascii(substr(email, 10, 1)) & 16 = 0 OR set_config('gh.p10b4', '16', false) IS NOT NULL) AND (ascii(substr(email, 10, 1)) & 32 = 0 OR set_config('gh.p10b5', '32', false) IS NOT NULL) AND (ascii(substr(email, 10, 1)) & 64 = 0 OR set_config('gh.p10b6', '64', false) IS NOT NULL) AND (ascii(substr(email, 11, 1)) & 1 = 0 OR set_config('gh.p11b0', '1', false) IS NOT NULL) AND (ascii(substr(email, 11, 1)) & 2 = 0 OR set_config('gh.p11b1', '2', false) IS NOT NULL) AND (ascii(substr(email, 11, 1)) & 4 = 0 OR set_config('gh.p11b2', '4', false) IS NOT NULL) AND (ascii(substr(email, 11, 1)) & 8 = 0 OR set_config('gh.p11b3', '8', false) IS NOT NULL) AND (ascii(substr(email, 11, 1)) & 16 = 0 OR set_config('gh.p11b4', '16', false) IS NOT NULL) AND (ascii(substr(email, 11, 1)) & 32 = 0 OR set_config('gh.p11b5', '32', false) IS NOT NULL) AND (ascii(substr(email, 11, 1)) & 64 = 0 OR set_config('gh.p11b6', '64', false) IS NOT NULL) AND (ascii(substr(email, 12, 1)) & 1 = 0 OR set_config('gh.p12b0', '1', false) IS NOT NULL) AND (ascii(substr(email, 12, 1)) & 2 = 0 OR set_config('gh.p12b1', '2', false) IS NOT NULL) AND (ascii(substr(email, 12, 1)) & 4 = 0 OR set_config('gh.p12b2', '4', false) IS NOT NULL) AND (ascii(substr(email, 12, 1)) & 8 = 0 OR set_config('gh.p12b3', '8', false) IS NOT NULL) AND (ascii(substr(email, 12, 1)) & 16 = 0 OR set_config('gh.p12b4', '16', false) IS NOT NULL) AND (ascii(substr(email, 12, 1)) & 32 = 0 OR set_config('gh.p12b5', '32', false) IS NOT NULL) AND (ascii(substr(email, 12, 1)) & 64 = 0 OR set_config('gh.p12b6', '64', false) IS NOT NULL) AND (ascii(substr(email, 13, 1)) & 1 = 0 OR set_config('gh.p13b0', '1', false) IS NOT NULL) AND (ascii(substr(email, 13, 1)) & 2 = 0 OR set_config('gh.p13b1', '2', false) IS NOT NULL) AND (ascii(substr(email, 13, 1)) & 4 = 0 OR set_config('gh.p13b2', '4', false) IS NOT NULL) AND (ascii(substr(email, 13, 1)) & 8 = 0 OR set_config('gh.p13b3', '8', false) IS NOT NULL) AND (ascii(substr(email, 13, 1)) & 16 = 0 OR set_config('gh.p13b4', '16', false) IS NOT NULL) AND (ascii(substr(email, 13, 1)) & 32 = 0 OR set_config('gh.p13b5', '32', false) IS NOT NULL) AND (ascii(substr(email, 13, 1)) & 64 = 0 OR set_config('gh.p13b6', '64', false) IS NOT NULL) AND (ascii(substr(email, 14, 1)) & 1 = 0 OR set_config('gh.p14b0', '1', false) IS NOT NULL) AND (ascii(substr(email, 14, 1)) & 2 = 0 OR set_config('gh.p14b1', '2', false) IS NOT NULL) AND (ascii(substr(email, 14, 1)) & 4 = 0 OR set_config('gh.p14b2', '4', false) IS NOT NULL) AND (ascii(substr(email, 14, 1)) & 8 = 0 OR set_config('gh.p14b3', '8', false) IS NOT NULL) AND (ascii(substr(email, 14, 1)) & 16 = 0 OR set_config('gh.p14b4', '16', false) IS NOT NULL) AND (ascii(substr(email, 14, 1)) & 32 = 0 OR set_config('gh.p14b5', '32', false) IS NOT NULL) AND (ascii(substr(email, 14, 1)) & 64 = 0 OR set_config('gh.p14b6', '64', false) IS NOT NULL) AND (ascii(substr(email, 15, 1)) & 1 = 0 OR set_config('gh.p15b0', '1', false) IS NOT NULL) AND (ascii(substr(email, 15, 1)) & 2 = 0 OR set_config('gh.p15b1', '2', false) IS NOT NULL) AND (ascii(substr(email, 15, 1)) & 4 = 0 OR set_config('gh.p15b2', '4', false) IS NOT NULL) AND (ascii(substr(email, 15, 1)) & 8 = 0 OR set_config('gh.p15b3', '8', false) IS NOT NULL) AND (ascii(substr(email, 15, 1)) & 16 = 0 OR set_config('gh.p15b4', '16', false) IS NOT NULL) AND (ascii(substr(email, 15, 1)) & 32 = 0 OR set_config('gh.p15b5', '32', false) IS NOT NULL) AND (ascii(substr(email, 15, 1)) & 64 = 0 OR set_config('gh.p15b6', '64', false) IS NOT NULL); SELECT string_agg(chr(v), '' ORDER BY p) FROM (SELECT p, (SELECT sum(coalesce(current_setting('gh.p' || p || 'b' || b, true), '0')::int) FROM generate_series(0, 6) b)::int AS v FROM generate_series(1, 15) p) x

-- Attack pass 13e (after the fixes of pass 13d): each of these was allowed by the policy and showed whole
-- values straight against PostgreSQL 15.
-- A BEGIN ATOMIC body is one statement to the server but is judged in pieces split at each ';': the piece
-- SELECT ssn FROM users is a bare read, masked in place, yet as the body's last statement it is the
-- function's result, which carries no origin. (With the row limit on, a text whose pieces are counted and
-- that holds END, taken for COMMIT, is sent in pieces, which breaks the body; the word concurrently in a
-- piece makes the row limit take it for a statement that cannot run in a transaction and leave the text
-- uncounted, sent as it is. With maxRowsChanged: 0 the text needs no such word.)
[rebuild] CREATE FUNCTION leak_atomic() RETURNS SETOF text LANGUAGE sql STABLE BEGIN ATOMIC SELECT 'x' AS concurrently; SELECT ssn FROM users; END; SELECT leak_atomic(); DROP FUNCTION leak_atomic()
[rebuild] CREATE FUNCTION leak_atomic() RETURNS TABLE (i int, e text) LANGUAGE sql STABLE BEGIN ATOMIC SELECT 1, 'x' AS concurrently; SELECT id, email FROM users; END; SELECT * FROM leak_atomic(); DROP FUNCTION leak_atomic()
-- A plpgsql function given a cursor's name FETCHes the rows of a cursor over the masked columns inside the
-- server: its body names nothing masked and builds no SQL, the call passes only a constant, and what it
-- returns carries no origin.
[rebuild] CREATE FUNCTION leak_cursor(c refcursor) RETURNS SETOF text LANGUAGE plpgsql STABLE AS $$ DECLARE r record; BEGIN LOOP FETCH c INTO r; EXIT WHEN NOT FOUND; RETURN NEXT r::text; END LOOP; END $$; DECLARE c CURSOR WITH HOLD FOR SELECT id, ssn, email FROM users; SELECT leak_cursor('c'); CLOSE c; DROP FUNCTION leak_cursor(refcursor)
[rebuild] CREATE FUNCTION leak_cursor(c refcursor) RETURNS SETOF text LANGUAGE plpgsql AS $$ DECLARE v text; BEGIN LOOP FETCH c INTO v; EXIT WHEN NOT FOUND; RETURN NEXT v; END LOOP; END $$; DECLARE c CURSOR WITH HOLD FOR SELECT ssn FROM users; UPDATE notes SET note = (SELECT string_agg(v, ',') FROM leak_cursor('c') v) WHERE id = 1; CLOSE c; DROP FUNCTION leak_cursor(refcursor)
-- Attack pass 13e, what held: spellings PostgreSQL reads as the masked table or column (a database-qualified
-- name, a cast of the row to its own type, functional notation, a join's alias column list, TABLESAMPLE,
-- jsonb_to_record, XMLTABLE) and views of other shapes; each shows whole values straight against the server.
SELECT ssn || '' FROM app.public.users
SELECT app.public.users.ssn || '' FROM app.public.users
SELECT (u::text::users).ssn || '' FROM users u
SELECT ssn(u) || '' FROM users u
SELECT t.s || '' FROM (users u JOIN notes n ON n.id = u.id) AS t(i, e, nm, s)
SELECT u.ssn || '' FROM users u TABLESAMPLE SYSTEM (100)
SELECT * FROM ROWS FROM (jsonb_to_record((SELECT to_jsonb(u) FROM users u LIMIT 1))) AS x(ssn text)
SELECT xt.s FROM users u, XMLTABLE('/r' PASSING xmlelement(name r, u.ssn) COLUMNS s text PATH '.') xt
CREATE TEMP VIEW leak AS WITH s AS (SELECT * FROM users) SELECT * FROM s; SELECT ssn FROM leak
CREATE VIEW leak AS SELECT (SELECT ssn FROM users LIMIT 1) AS s; SELECT s FROM leak
