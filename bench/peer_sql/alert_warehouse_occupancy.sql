SELECT DISTINCT ON (o.warehouse_code) w.site_code AS site, o.warehouse_code AS warehouse, o.occupancy_ratio AS value
FROM occupancy_sample o JOIN warehouse w USING (warehouse_code)
WHERE o.sampled_at > %(since)s AND o.sampled_at <= %(now)s
ORDER BY o.warehouse_code, o.sampled_at DESC
