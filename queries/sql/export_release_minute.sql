-- A day's released lists and goods value per minute, site, platform and trade mode, for the Parquet export.
SELECT minute, site_code, platform_code, trade_mode, released_lists, valued_lists, goods_value_fen
FROM release_minute
WHERE minute >= $from_ts AND minute < $until_ts
ORDER BY minute, site_code, platform_code, trade_mode
