SELECT 'city' AS site,
       (SELECT coalesce(sum(released_lists), 0) FROM release_minute
         WHERE minute >= %(since)s AND minute < %(now)s)::double precision
       / nullif((SELECT sum(released_lists) FROM release_minute
                  WHERE minute >= %(since_ly)s AND minute < %(now_ly)s), 0) AS value
