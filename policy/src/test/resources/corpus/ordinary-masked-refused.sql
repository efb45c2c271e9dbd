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
