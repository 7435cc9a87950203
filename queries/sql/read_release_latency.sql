-- Declaration-to-release time of the lists released in [from, until), per site and
-- for all sites (site_code NULL): median and p95 in seconds, and how many lists.
SELECT site_code,
       count(*) AS lists,
       quantile_cont(epoch(released_at - declared_at), 0.5) AS median_s,
       quantile_cont(epoch(released_at - declared_at), 0.95) AS p95_s
FROM inventory_list
WHERE released_at >= $from_ts AND released_at < $until_ts
  AND declared_at IS NOT NULL AND released_at >= declared_at
GROUP BY GROUPING SETS ((site_code), ())
