-- Occupancy per site over time: used area over total area, per 5-minute bucket.
SELECT time_bucket(INTERVAL 5 MINUTE, o.sampled_at) AS bucket, o.site_code,
       sum(o.used_m2) / sum(w.area_m2) AS occupancy_ratio
FROM (SELECT time_bucket(INTERVAL 5 MINUTE, sampled_at) AS b, warehouse_code, site_code,
             arg_max(used_m2, sampled_at) AS used_m2, max(sampled_at) AS sampled_at
      FROM occupancy_sample
      WHERE sampled_at >= $from_ts AND sampled_at <= $until_ts
      GROUP BY ALL) o
JOIN warehouse w USING (warehouse_code)
GROUP BY ALL
ORDER BY bucket, o.site_code
