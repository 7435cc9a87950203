-- Signal: each warehouse's newest occupancy ratio within the look-back.
SELECT w.site_code AS site, o.warehouse_code AS warehouse, arg_max(o.occupancy_ratio, o.sampled_at) AS value
FROM occupancy_sample o JOIN warehouse w USING (warehouse_code)
WHERE o.sampled_at > $since AND o.sampled_at <= $now
GROUP BY ALL
