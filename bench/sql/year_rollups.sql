-- The minute rollups the screens read, from the facts.
INSERT INTO release_minute
SELECT date_trunc('minute', released_at), site_code, platform_code, coalesce(trade_mode, 'unknown'),
       count(*), count(*), sum(goods_value_fen)
FROM inventory_list WHERE released_at IS NOT NULL GROUP BY ALL;
INSERT INTO receipt_minute
SELECT date_trunc('minute', return_time), site_code, return_status, count(*) FROM receipt GROUP BY ALL;
