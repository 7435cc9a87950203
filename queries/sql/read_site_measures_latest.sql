-- Each site's measures for its screen: every measure's values per minute in [from, until]
-- (oldest first) and its newest minute, beside its newest value in [ly_from, ly_until]
-- (the same hour last year). One row per (site, measure) seen in either, in that order.
WITH now AS (
    SELECT site_code, measure, list(value ORDER BY minute) AS series, max(minute) AS newest
    FROM site_measure
    WHERE minute >= $from_ts AND minute <= $until_ts
    GROUP BY site_code, measure
), ly AS (
    SELECT site_code, measure, arg_max(value, minute) AS value
    FROM site_measure
    WHERE minute >= $ly_from_ts AND minute <= $ly_until_ts
    GROUP BY site_code, measure
)
SELECT site_code, measure, now.series, now.newest, ly.value AS last_year
FROM now FULL JOIN ly USING (site_code, measure)
ORDER BY site_code, measure
