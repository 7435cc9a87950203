SELECT site_code, latency_cs, sum(lists)::bigint AS lists
FROM release_latency_minute
WHERE minute >= %(from_ts)s AND minute < %(until_ts)s
GROUP BY GROUPING SETS ((site_code, latency_cs), (latency_cs))
HAVING sum(lists) > 0
ORDER BY site_code NULLS FIRST, latency_cs
