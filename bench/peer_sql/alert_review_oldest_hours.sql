SELECT site_code AS site,
       extract(epoch FROM (%(now)s - min(coalesce(last_status_at, declared_at)))) / 3600.0 AS value
FROM inventory_list
WHERE released_at IS NULL AND last_status = 300
  AND declared_at > %(since)s - INTERVAL '3 days' AND declared_at <= %(now)s
GROUP BY site_code
