-- Ordinary work over tables with masked columns that the masking rule refuses on purpose: each
-- tells more than one bit about each row in one query. Ordering by a masked column tells how the
-- values compare with each other; comparing one with a subquery's values (or another masked
-- value) lets a second relation ask its own question. The reason names what to do instead
-- (order by another column; find duplicates with count(DISTINCT email) or GROUP BY email).
SELECT email FROM users ORDER BY email LIMIT 50
SELECT DISTINCT ON (email) email, id FROM users ORDER BY email, id DESC
SELECT * FROM users WHERE email IN (SELECT email FROM users GROUP BY email HAVING count(*) > 1)
