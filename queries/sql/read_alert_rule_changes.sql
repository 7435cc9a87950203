SELECT changed_at, changed_by, rule, old, new FROM alert_rule_change ORDER BY changed_at DESC LIMIT $limit
