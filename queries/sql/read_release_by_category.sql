-- Released lists and goods value per category in [from, until), from the lists
-- held in detail (simulated history is kept as minute totals only), largest first.
SELECT coalesce(l.category_code, 'other') AS category_code, c.name_zh, c.name_en,
       count(*)::BIGINT AS released_lists,
       coalesce(sum(l.goods_value_fen), 0)::BIGINT AS goods_value_fen
FROM inventory_list l
LEFT JOIN category c ON c.category_code = coalesce(l.category_code, 'other')
WHERE l.released_at >= $from_ts AND l.released_at < $until_ts
GROUP BY ALL
ORDER BY released_lists DESC, category_code
