-- The walls' curves in one reading: releases per minute of [from, until) (day 0, today) and of
-- [ly_from, ly_until) (day 1, last year's same day), each as its minute since the window's start
-- and its site's place in $sites (1 for the first; 0 for a site not in $sites). One row per
-- (day, minute, site) that has any. Two ranges, not one OR, so each reads only its own minutes.
SELECT 0 AS day, datediff('minute', $from_ts, minute) AS at,
       coalesce(list_position($sites, site_code), 0) AS site, sum(released_lists)::BIGINT AS released_lists
FROM release_minute
WHERE minute >= $from_ts AND minute < $until_ts
GROUP BY minute, site_code
UNION ALL
SELECT 1, datediff('minute', $ly_from_ts, minute),
       coalesce(list_position($sites, site_code), 0), sum(released_lists)::BIGINT
FROM release_minute
WHERE minute >= $ly_from_ts AND minute < $ly_until_ts
GROUP BY minute, site_code
