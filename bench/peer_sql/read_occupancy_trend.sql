SELECT o.b AS bucket, o.site_code, sum(o.used_m2) / sum(w.area_m2) AS occupancy_ratio
FROM (SELECT DISTINCT ON (b, warehouse_code) date_bin('5 minutes', sampled_at, TIMESTAMP '2000-01-01') AS b,
             warehouse_code, site_code, used_m2
      FROM occupancy_sample
      WHERE sampled_at >= %(from_ts)s AND sampled_at <= %(until_ts)s
      ORDER BY b, warehouse_code, sampled_at DESC) o
JOIN warehouse w USING (warehouse_code)
GROUP BY o.b, o.site_code
ORDER BY bucket, o.site_code
