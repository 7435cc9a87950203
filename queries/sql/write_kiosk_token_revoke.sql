UPDATE kiosk_token SET revoked_by = $by, revoked_at = $now WHERE id = $id AND revoked_at IS NULL
