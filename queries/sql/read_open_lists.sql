-- Lists waiting on customs at $now: in manual review (300) or held for inspection
-- (500-599), not yet decided; per site and for all sites (site_code NULL), with
-- the oldest item's start. Declared since $from_ts, so a stray old row stays out.
SELECT site_code,
       CASE WHEN last_status = 300 THEN 'review' ELSE 'hold' END AS kind,
       count(*) AS lists,
       min(coalesce(last_status_at, declared_at)) AS oldest_since
FROM inventory_list
WHERE released_at IS NULL
  AND (last_status = 300 OR last_status BETWEEN 500 AND 599)
  AND declared_at >= $from_ts AND declared_at <= $now
GROUP BY GROUPING SETS ((site_code, kind), (kind))
