-- The acknowledgement of each acknowledged state, the newest when there are several.
SELECT rule, labels, state, state_since, arg_max(acked_by, acked_at), arg_max(comment, acked_at), max(acked_at)
FROM alert_ack GROUP BY rule, labels, state, state_since
