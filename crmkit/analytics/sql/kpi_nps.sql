-- Net Promoter Score by year: % promoters (9-10) minus % detractors (0-6) of the NPS answers.
SELECT year(responded_at) AS year, count(*) AS responses,
       count(*) FILTER (WHERE score >= 9) AS promoters, count(*) FILTER (WHERE score <= 6) AS detractors,
       100.0 * (count(*) FILTER (WHERE score >= 9) - count(*) FILTER (WHERE score <= 6)) / count(*) AS nps
FROM surveys
WHERE kind = 'nps'
GROUP BY year(responded_at)
ORDER BY year
