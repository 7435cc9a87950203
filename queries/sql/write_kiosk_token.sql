INSERT INTO kiosk_token (id, name, secret_hash, screens, created_by, created_at, revoked_by, revoked_at)
VALUES ($id, $name, $secret_hash, $screens, $created_by, $now, NULL, NULL)
