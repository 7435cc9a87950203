-- Simulated history by category fills only minutes that hold nothing yet, like
-- release_minute, so a restart never counts a minute twice.
INSERT INTO release_category_minute (minute, category_code, released_lists, goods_value_fen)
SELECT b.minute, b.category_code, b.released_lists, b.goods_value_fen
FROM batch_release_category_minute b
WHERE NOT EXISTS (SELECT 1 FROM release_category_minute r
                  WHERE r.minute BETWEEN $lo AND $hi AND r.minute = b.minute)
