-- Retention by cohort: of the customers who signed up in a year (the cohort), the share who
-- ordered in each calendar year since.
WITH cohorts AS (SELECT customer_id, year(signup_date) AS cohort FROM customers),
     sizes AS (SELECT cohort, count(*) AS customers FROM cohorts GROUP BY cohort),
     active AS (SELECT DISTINCT customer_id, year(ordered_at) AS year FROM orders)
SELECT c.cohort, a.year, s.customers, count(*) AS active, count(*) / s.customers AS retention
FROM active a JOIN cohorts c USING (customer_id) JOIN sizes s USING (cohort)
WHERE a.year >= c.cohort
GROUP BY c.cohort, a.year, s.customers
ORDER BY c.cohort, a.year
