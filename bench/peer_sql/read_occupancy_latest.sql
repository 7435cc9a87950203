SELECT w.warehouse_code, w.site_code, w.name_zh, w.name_en, w.area_m2, w.automated,
       o.occupancy_ratio, o.used_m2, o.sampled_at
FROM warehouse w
LEFT JOIN (
    SELECT DISTINCT ON (warehouse_code) warehouse_code, occupancy_ratio, used_m2, sampled_at
    FROM occupancy_sample
    WHERE sampled_at >= %(from_ts)s AND sampled_at <= %(until_ts)s
    ORDER BY warehouse_code, sampled_at DESC
) o USING (warehouse_code)
ORDER BY o.occupancy_ratio DESC NULLS LAST, w.warehouse_code
