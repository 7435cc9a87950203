INSERT INTO alert_silence VALUES ($id, $matchers, $starts_at, $ends_at, $created_by, $comment, $created_at)
