-- Declaration-to-release times of the lists released in the minutes [from, until),
-- per site and for all sites (site_code NULL), as a histogram: each time
-- (queries/migrations/015_release_latency_minute.sql) and how many lists took it,
-- in ascending order; queries/read.py takes the median and p95 from it.
SELECT site_code, latency_cs, sum(lists)::BIGINT AS lists
FROM release_latency_minute
WHERE minute >= $from_ts AND minute < $until_ts
GROUP BY GROUPING SETS ((site_code, latency_cs), (latency_cs))
HAVING sum(lists) > 0
ORDER BY site_code NULLS FIRST, latency_cs
