SELECT id, name, secret_hash, screens, revoked_at FROM kiosk_token WHERE id = $id
