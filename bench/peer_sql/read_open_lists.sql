SELECT site_code, kind, count(*) AS lists, min(since) AS oldest_since
FROM (SELECT site_code, CASE WHEN last_status = 300 THEN 'review' ELSE 'hold' END AS kind,
             coalesce(last_status_at, declared_at) AS since
      FROM inventory_list
      WHERE released_at IS NULL
        AND (last_status = 300 OR last_status BETWEEN 500 AND 599)
        AND declared_at >= %(from_ts)s AND declared_at <= %(now)s) waiting
GROUP BY GROUPING SETS ((site_code, kind), (kind))
