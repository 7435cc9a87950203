SELECT coalesce(l.category_code, 'other') AS category_code, c.name_zh, c.name_en,
       count(*)::bigint AS released_lists,
       coalesce(sum(l.goods_value_fen), 0)::bigint AS goods_value_fen
FROM inventory_list l
LEFT JOIN category c ON c.category_code = coalesce(l.category_code, 'other')
WHERE l.released_at >= %(from_ts)s AND l.released_at < %(until_ts)s
GROUP BY 1, 2, 3
ORDER BY released_lists DESC, category_code
