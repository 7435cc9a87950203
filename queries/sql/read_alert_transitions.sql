-- The newest transitions first.
SELECT changed_at, rule, labels, from_state, to_state, severity, value, message
FROM alert_transition ORDER BY changed_at DESC LIMIT $limit
