-- A new password; the failure count and any lock start over.
UPDATE account SET password_hash = $password_hash, failed_signins = 0, locked_until = NULL, changed_at = $now
WHERE name = $name
