SELECT sent_at, rule, site, kind, instances, attempts, outcome, detail
FROM alert_delivery ORDER BY sent_at DESC LIMIT $limit
