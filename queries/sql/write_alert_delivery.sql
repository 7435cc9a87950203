INSERT INTO alert_delivery VALUES ($sent_at, $rule, $site, $kind, $instances, $attempts, $outcome, $detail)
