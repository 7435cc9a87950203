-- Releases per minute in [from, until), one row per minute that has any, optionally one site.
SELECT minute, sum(released_lists)::BIGINT AS released_lists, sum(goods_value_fen)::BIGINT AS goods_value_fen
FROM release_minute
WHERE minute >= $from_ts AND minute < $until_ts
  AND (CAST($site_code AS VARCHAR) IS NULL OR site_code = CAST($site_code AS VARCHAR))
GROUP BY minute
ORDER BY minute
