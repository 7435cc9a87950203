SELECT * FROM (
    SELECT DISTINCT ON (site_code, component, kind, metric)
           site_code, component, kind, metric, value, sampled_at, source
    FROM health_sample
    WHERE sampled_at >= %(from_ts)s AND sampled_at <= %(until_ts)s
    ORDER BY site_code, component, kind, metric, sampled_at DESC
) latest
ORDER BY site_code, kind, component, metric
