-- Ordinary work over tables with masked columns that the masking rule refuses on purpose: each
-- tells more than one bit about each row in one query. Ordering by a masked column, or grouping
-- and DISTINCT over one (which sort or hash by it, so rows come back in an order of its values),
-- tells how the values compare with each other; comparing one with a subquery's values lets a
-- second relation ask its own question. The reason names what to do instead (order or group by
-- another column; count duplicates with count(*) - count(DISTINCT email)).
SELECT email FROM users ORDER BY email LIMIT 50
SELECT DISTINCT ON (email) email, id FROM users ORDER BY email, id DESC
SELECT * FROM users WHERE email IN (SELECT email FROM users GROUP BY email HAVING count(*) > 1)
SELECT email FROM users GROUP BY email HAVING count(*) > 1
SELECT DISTINCT email FROM users
SELECT u.email, count(o.id) FROM users u LEFT JOIN orders o ON o.user_id = u.id GROUP BY u.id, u.email
-- Statements the analysis does not follow may not name a table with masked columns: an index
-- expression runs on every row's value (a function of one's own could keep it), and a unique one
-- turns each write into a comparison with every stored value. Index such columns outside the
-- gateway, as the table's owner.
CREATE INDEX users_email_lower ON users (lower(email))
-- EXPLAIN ANALYZE reports each plan node's row count, so every filter and index condition of one
-- query answers a question of its own; over a table with masked columns it is refused (plain EXPLAIN
-- stays allowed). These two test only id, but which conditions read a masked value (a whole-row
-- reference, a view) is not told from the text.
EXPLAIN ANALYZE SELECT * FROM users WHERE id = 1
EXPLAIN (ANALYZE, BUFFERS) UPDATE users SET a = 1 WHERE id = 2
-- A cursor WITH HOLD over a table with masked columns outlives its transaction, where a function
-- could read it by name and return its rows without origin; declared without HOLD it stays allowed.
DECLARE c CURSOR WITH HOLD FOR SELECT * FROM users
