INSERT INTO alert_rule_change VALUES ($changed_at, $changed_by, $rule, $old, $new)
