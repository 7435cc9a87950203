-- Released lists and goods value per site in [from, until), every configured site listed.
SELECT s.site_code,
       coalesce(sum(r.released_lists), 0)::BIGINT AS released_lists,
       coalesce(sum(r.goods_value_fen), 0)::BIGINT AS goods_value_fen
FROM site s
LEFT JOIN release_minute r
       ON r.site_code = s.site_code AND r.minute >= $from_ts AND r.minute < $until_ts
GROUP BY s.site_code
ORDER BY s.site_code
