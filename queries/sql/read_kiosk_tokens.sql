-- Every token for the admin page; never the secret or its hash.
SELECT id, name, screens, created_by, created_at, revoked_by, revoked_at FROM kiosk_token ORDER BY created_at DESC
