-- Ordinary work over tables with masked columns (users.email, users.card in corpus/policy.json),
-- one statement a line. Every one must pass the masking rule: bare masked columns are masked on
-- the wire by their origin, predicates may test them against constants.
SELECT email FROM users
SELECT email, card FROM users WHERE id = 3
SELECT * FROM users
SELECT * FROM users WHERE email = 'alice@example.com'
SELECT u.* FROM users u JOIN orders o ON o.user_id = u.id
SELECT u.id, u.email, o.total FROM users u JOIN orders o ON o.user_id = u.id ORDER BY o.total DESC LIMIT 20
SELECT u.email AS contact FROM users u WHERE u.created_at > now() - interval '7 days'
SELECT count(*) FROM users
SELECT count(*) FROM users WHERE email LIKE '%@example.com'
SELECT count(email) FROM users
SELECT count(DISTINCT card) FROM users
SELECT id, name FROM users WHERE card IS NULL
SELECT id FROM users WHERE lower(email) = lower('Bob@Example.org')
WITH recent AS (SELECT id, email FROM users WHERE created_at > now() - interval '1 day') SELECT email FROM recent
WITH r AS (SELECT * FROM users) SELECT r.id, r.email FROM r JOIN orders o ON o.user_id = r.id
SELECT e FROM (SELECT email AS e FROM users) s
SELECT s.email FROM (SELECT id, email FROM users WHERE id < 100) s WHERE s.id > 10
SELECT * FROM users u WHERE EXISTS (SELECT 1 FROM orders o WHERE o.user_id = u.id)
SELECT * FROM users WHERE id IN (SELECT user_id FROM orders WHERE total > 100)
SELECT u.email, x.n FROM users u, LATERAL (SELECT count(*) AS n FROM orders o WHERE o.user_id = u.id) x
SELECT id, email, row_number() OVER (ORDER BY created_at) FROM users
SELECT id, email FROM users ORDER BY id LIMIT 10 OFFSET 20
SELECT * FROM users JOIN orders USING (id)
SELECT (SELECT count(*) FROM users WHERE card IS NOT NULL) AS with_card
SELECT id FROM users UNION SELECT user_id FROM orders
SELECT email FROM users WHERE id = 1 FOR UPDATE
TABLE users
UPDATE users SET email = 'new@example.com' WHERE id = 7
UPDATE users SET card = NULL WHERE id = 7
UPDATE users SET name = 'Carol' WHERE email = 'carol@example.com' RETURNING id, email
INSERT INTO users (id, email, name) VALUES (100, 'dave@example.com', 'Dave')
INSERT INTO users (id, email, name) VALUES (100, 'dave@example.com', 'Dave') ON CONFLICT (id) DO UPDATE SET email = excluded.email
INSERT INTO orders (user_id, total) SELECT id, 0 FROM users WHERE email LIKE '%@example.com'
DELETE FROM users WHERE email = 'gone@example.com' RETURNING *
COPY users (id, name) TO STDOUT
COPY (SELECT id, name FROM users) TO STDOUT
EXPLAIN SELECT * FROM users WHERE email = 'a@b.c'
SELECT id, length(name) FROM users WHERE email IS NOT NULL
SELECT users.email FROM users WHERE users.id = 2
SELECT id, name FROM users WHERE nullif(email, '') IS NULL
SELECT id FROM users WHERE coalesce(card, '') = ''
SELECT id FROM users WHERE greatest(length(email), 0) > 20 OR least(email, 'a') = 'a'
SELECT id, count(*) FROM users WHERE email LIKE '%@example.com' GROUP BY 1
SELECT id FROM users WHERE substring(email FROM '@(.*)$') = 'example.com'
SELECT id FROM users WHERE email::varchar(100) = 'alice@example.com'
