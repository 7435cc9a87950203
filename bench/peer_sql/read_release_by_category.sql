SELECT r.category_code, c.name_zh, c.name_en,
       sum(r.released_lists)::bigint AS released_lists,
       sum(r.goods_value_fen)::bigint AS goods_value_fen
FROM release_category_minute r
LEFT JOIN category c ON c.category_code = r.category_code
WHERE r.minute >= %(from_ts)s AND r.minute < %(until_ts)s
GROUP BY r.category_code, c.name_zh, c.name_en
HAVING sum(r.released_lists) <> 0
ORDER BY released_lists DESC, r.category_code
