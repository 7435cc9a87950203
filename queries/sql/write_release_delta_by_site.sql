SELECT site_code, platform_code, sum(n)::BIGINT AS lists, sum(value_fen)::BIGINT AS value_fen
FROM release_delta
GROUP BY ALL
HAVING sum(n) <> 0 OR sum(value_fen) <> 0
