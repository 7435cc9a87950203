-- One health metric per site and component over time, per minute (the minute's mean).
SELECT date_trunc('minute', sampled_at) AS minute, site_code, component, avg(value) AS value
FROM health_sample
WHERE metric = $metric AND sampled_at >= $from_ts AND sampled_at <= $until_ts
GROUP BY ALL
ORDER BY minute
