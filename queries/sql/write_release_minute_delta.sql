-- Applies the difference between the released-list snapshots taken after and
-- before a merge to the per-minute rollup.
INSERT INTO release_minute
SELECT minute, site_code, platform_code, sum(n), sum(valued), sum(value_fen)
FROM release_delta
GROUP BY ALL
HAVING sum(n) <> 0 OR sum(valued) <> 0 OR sum(value_fen) <> 0
ON CONFLICT DO UPDATE SET
    released_lists = release_minute.released_lists + excluded.released_lists,
    valued_lists = release_minute.valued_lists + excluded.valued_lists,
    goods_value_fen = release_minute.goods_value_fen + excluded.goods_value_fen
