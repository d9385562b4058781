-- Pipeline coverage by region of the owner: the open pipeline against what was won in the
-- last 365 days before the data ends (the stand-in for a quota the world does not hold).
WITH as_of AS (SELECT max(created_at)::DATE AS day FROM opportunities),
     deals AS (SELECT s.region, o.* FROM opportunities o JOIN staff s ON s.staff_id = o.owner_staff_id),
     sums AS (
        SELECT region,
               coalesce(sum(amount) FILTER (WHERE NOT is_closed), 0) AS open_pipeline,
               coalesce(sum(amount * probability) FILTER (WHERE NOT is_closed), 0) AS weighted_pipeline,
               coalesce(sum(amount) FILTER (WHERE is_won AND close_date > (SELECT day FROM as_of) - INTERVAL 365 DAY), 0)
                   AS won_last_year
        FROM deals GROUP BY region)
SELECT region, open_pipeline, weighted_pipeline, won_last_year, open_pipeline / NULLIF(won_last_year, 0) AS coverage
FROM sums
ORDER BY region
