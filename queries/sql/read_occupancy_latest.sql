-- The newest occupancy sample of every warehouse (within the look-back), fullest first.
SELECT w.warehouse_code, w.site_code, w.name_zh, w.name_en, w.area_m2, w.automated,
       o.occupancy_ratio, o.used_m2, o.sampled_at
FROM warehouse w
LEFT JOIN (
    SELECT warehouse_code, arg_max(occupancy_ratio, sampled_at) AS occupancy_ratio,
           arg_max(used_m2, sampled_at) AS used_m2, max(sampled_at) AS sampled_at
    FROM occupancy_sample
    WHERE sampled_at >= $from_ts AND sampled_at <= $until_ts
    GROUP BY warehouse_code
) o USING (warehouse_code)
ORDER BY o.occupancy_ratio DESC NULLS LAST, w.warehouse_code
