INSERT INTO audit_event (happened_at, actor, role, action, target, detail, source, outcome)
VALUES ($at, $actor, $role, $action, $target, $detail, $source, $outcome)
