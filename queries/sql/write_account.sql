-- A new account.
INSERT INTO account (name, role, password_hash, disabled, failed_signins, locked_until, created_at, changed_at)
VALUES ($name, $role, $password_hash, false, 0, NULL, $now, $now)
