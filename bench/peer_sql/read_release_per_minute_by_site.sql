SELECT minute, site_code, sum(released_lists)::bigint AS released_lists
FROM release_minute
WHERE minute >= %(from_ts)s AND minute < %(until_ts)s
GROUP BY minute, site_code
ORDER BY minute
