-- Simulated history fills only minutes that hold nothing yet, so a restart
-- never counts a minute twice.
INSERT INTO release_minute
    (minute, site_code, platform_code, trade_mode, released_lists, valued_lists, goods_value_fen)
SELECT b.minute, b.site_code, b.platform_code, b.trade_mode, b.released_lists, b.valued_lists, b.goods_value_fen
FROM batch_release_minute b
WHERE NOT EXISTS (SELECT 1 FROM release_minute r
                  WHERE r.minute BETWEEN $lo AND $hi AND r.minute = b.minute)
