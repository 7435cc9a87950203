-- Signal: releases in the look-back against the same minutes last year (1 = the same pace).
SELECT 'city' AS site,
       (SELECT coalesce(sum(released_lists), 0) FROM release_minute WHERE minute >= $since AND minute < $now)::DOUBLE
       / nullif((SELECT sum(released_lists) FROM release_minute WHERE minute >= $since_ly AND minute < $now_ly), 0)
       AS value
