-- Releases whose customs code maps to no configured site.
SELECT coalesce(sum(released_lists), 0)::BIGINT, coalesce(sum(goods_value_fen), 0)::BIGINT
FROM release_minute
WHERE site_code NOT IN (SELECT site_code FROM site) AND minute >= $from_ts AND minute < $until_ts
