-- Signal: per site, hours the oldest list still in manual review (300) has waited.
SELECT site_code AS site, epoch($now - min(coalesce(last_status_at, declared_at))) / 3600.0 AS value
FROM inventory_list
WHERE released_at IS NULL AND last_status = 300 AND declared_at > $since - INTERVAL 3 DAY AND declared_at <= $now
GROUP BY ALL
