-- How many days of [from, until) hold any release, and the first minute that does.
SELECT count(DISTINCT CAST(minute AS DATE))::BIGINT AS days, min(minute) AS first_minute
FROM release_minute
WHERE minute >= $from_ts AND minute < $until_ts
