-- Released lists and goods value per platform in [from, until), largest first.
SELECT r.platform_code, p.name_zh, p.name_en,
       sum(r.released_lists)::BIGINT AS released_lists,
       sum(r.goods_value_fen)::BIGINT AS goods_value_fen
FROM release_minute r
LEFT JOIN platform p USING (platform_code)
WHERE r.minute >= $from_ts AND r.minute < $until_ts
GROUP BY ALL
ORDER BY released_lists DESC, r.platform_code
