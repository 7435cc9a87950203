-- Every rule instance's state as last stored.
SELECT rule, labels, state, severity, since, value, message FROM alert_state
