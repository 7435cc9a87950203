-- Signal: each link's newest utilisation ratio within the look-back.
SELECT site_code AS site, component, arg_max(value, sampled_at) AS value
FROM health_sample
WHERE metric = 'utilization_ratio' AND sampled_at > $since AND sampled_at <= $now
GROUP BY ALL
