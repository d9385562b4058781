-- Service level and first-contact resolution by priority: of the closed cases, the share
-- closed within the priority's target days, and the share resolved at the first contact.
WITH targets(priority, target_days) AS (VALUES ('urgent', 1.0), ('high', 2.0), ('medium', 4.0), ('low', 7.0))
SELECT k.priority, count(*) AS cases, count(k.closed_at) AS closed,
       avg(CASE WHEN epoch(k.closed_at - k.opened_at) / 86400 <= t.target_days THEN 1.0 ELSE 0.0 END)
           FILTER (WHERE k.closed_at IS NOT NULL) AS service_level,
       avg(CASE WHEN k.first_contact_resolution THEN 1.0 ELSE 0.0 END)
           FILTER (WHERE k.closed_at IS NOT NULL) AS first_contact_resolution,
       avg(k.csat) AS mean_csat
FROM cases k JOIN targets t USING (priority)
GROUP BY k.priority
ORDER BY k.priority
