SELECT date_trunc('minute', sampled_at) AS minute, site_code, component, avg(value) AS value
FROM health_sample
WHERE metric = %(metric)s AND sampled_at >= %(from_ts)s AND sampled_at <= %(until_ts)s
GROUP BY 1, 2, 3
ORDER BY minute
