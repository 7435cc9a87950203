-- Signal: 1 for each piece of equipment whose newest report says down, else 0.
SELECT site_code AS site, component, 1 - arg_max(value, sampled_at) AS value
FROM health_sample
WHERE metric = 'up' AND sampled_at > $since AND sampled_at <= $now
GROUP BY ALL
