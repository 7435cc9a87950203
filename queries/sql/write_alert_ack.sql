INSERT INTO alert_ack VALUES ($rule, $labels, $state, $state_since, $acked_by, $comment, $acked_at)
