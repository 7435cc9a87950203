INSERT INTO occupancy_sample
SELECT b.sampled_at, b.warehouse_code, w.site_code, b.used_m2, b.occupancy_ratio, $source
FROM batch_occupancy b
JOIN warehouse w USING (warehouse_code)
WHERE NOT EXISTS (
    SELECT 1 FROM occupancy_sample o
    WHERE o.sampled_at BETWEEN $lo AND $hi
      AND o.warehouse_code = b.warehouse_code AND o.sampled_at = b.sampled_at)
