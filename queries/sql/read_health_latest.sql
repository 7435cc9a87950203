-- The newest value of every health series (site, component, metric) within the look-back.
SELECT site_code, component, kind, metric, arg_max(value, sampled_at) AS value,
       max(sampled_at) AS sampled_at, arg_max(source, sampled_at) AS source
FROM health_sample
WHERE sampled_at >= $from_ts AND sampled_at <= $until_ts
GROUP BY site_code, component, kind, metric
ORDER BY site_code, kind, component, metric
