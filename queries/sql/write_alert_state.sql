INSERT INTO alert_state VALUES ($rule, $labels, $state, $severity, $since, $value, $message)
ON CONFLICT DO UPDATE SET state = excluded.state, severity = excluded.severity, since = excluded.since,
    value = excluded.value, message = excluded.message
