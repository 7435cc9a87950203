-- A day's released lists and goods value per minute and category, for the Parquet export.
SELECT minute, category_code, released_lists, goods_value_fen
FROM release_category_minute
WHERE minute >= $from_ts AND minute < $until_ts
ORDER BY minute, category_code
