SELECT minute, sum(released_lists)::bigint AS released_lists, sum(goods_value_fen)::bigint AS goods_value_fen
FROM release_minute
WHERE minute >= %(from_ts)s AND minute < %(until_ts)s
  AND (CAST(%(site_code)s AS text) IS NULL OR site_code = CAST(%(site_code)s AS text))
GROUP BY minute
ORDER BY minute
