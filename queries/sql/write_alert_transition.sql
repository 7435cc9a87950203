INSERT INTO alert_transition VALUES ($at, $rule, $labels, $from_state, $to_state, $severity, $value, $message)
