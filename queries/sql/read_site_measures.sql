-- Every site's measures per minute within a window, oldest first.
SELECT minute, site_code, measure, value
FROM site_measure
WHERE minute >= $from_ts AND minute <= $until_ts
ORDER BY site_code, measure, minute
