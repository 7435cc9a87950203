SELECT r.platform_code, p.name_zh, p.name_en,
       sum(r.released_lists)::bigint AS released_lists,
       sum(r.goods_value_fen)::bigint AS goods_value_fen
FROM release_minute r
LEFT JOIN platform p USING (platform_code)
WHERE r.minute >= %(from_ts)s AND r.minute < %(until_ts)s
GROUP BY r.platform_code, p.name_zh, p.name_en
ORDER BY released_lists DESC, r.platform_code
