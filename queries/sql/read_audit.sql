-- The audit trail, newest first, filtered by action prefix, actor and target text ('' for any).
SELECT happened_at, actor, role, action, target, detail, source, outcome
FROM audit_event
WHERE ($action = '' OR action LIKE $action || '%')
  AND ($actor = '' OR actor = $actor)
  AND ($target = '' OR target ILIKE '%' || $target || '%')
ORDER BY happened_at DESC
LIMIT $limit
