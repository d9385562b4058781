-- Repeat rate: the share of buyers who ordered more than once.
WITH per_buyer AS (SELECT customer_id, count(*) AS orders FROM orders GROUP BY customer_id)
SELECT count(*) AS buyers, count(*) FILTER (WHERE orders >= 2) AS repeat_buyers,
       count(*) FILTER (WHERE orders >= 2) / NULLIF(count(*), 0) AS repeat_rate
FROM per_buyer
