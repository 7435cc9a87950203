SELECT DISTINCT ON (site_code, component) site_code AS site, component, value
FROM health_sample
WHERE metric = 'utilization_ratio' AND sampled_at > %(since)s AND sampled_at <= %(now)s
ORDER BY site_code, component, sampled_at DESC
