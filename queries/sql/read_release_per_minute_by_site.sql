-- Releases per minute in [from, until) per site, one row per (minute, site) that has any.
SELECT minute, site_code, sum(released_lists)::BIGINT AS released_lists
FROM release_minute
WHERE minute >= $from_ts AND minute < $until_ts
GROUP BY minute, site_code
ORDER BY minute
