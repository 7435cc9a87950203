-- Released lists and goods value per category in [from, until), from the
-- category rollup (every released list, simulated history included), largest first.
SELECT r.category_code, c.name_zh, c.name_en,
       sum(r.released_lists)::BIGINT AS released_lists,
       sum(r.goods_value_fen)::BIGINT AS goods_value_fen
FROM release_category_minute r
LEFT JOIN category c ON c.category_code = r.category_code
WHERE r.minute >= $from_ts AND r.minute < $until_ts
GROUP BY ALL
HAVING sum(r.released_lists) <> 0
ORDER BY released_lists DESC, r.category_code
