SELECT site_code,
       count(*) AS lists,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM released_at - declared_at)) AS median_s,
       percentile_cont(0.95) WITHIN GROUP (ORDER BY extract(epoch FROM released_at - declared_at)) AS p95_s
FROM inventory_list
WHERE released_at >= %(from_ts)s AND released_at < %(until_ts)s
  AND declared_at IS NOT NULL AND released_at >= declared_at
GROUP BY GROUPING SETS ((site_code), ())
