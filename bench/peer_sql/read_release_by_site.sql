SELECT s.site_code,
       coalesce(sum(r.released_lists), 0)::bigint AS released_lists,
       coalesce(sum(r.goods_value_fen), 0)::bigint AS goods_value_fen
FROM site s
LEFT JOIN release_minute r
       ON r.site_code = s.site_code AND r.minute >= %(from_ts)s AND r.minute < %(until_ts)s
GROUP BY s.site_code
ORDER BY s.site_code
