-- Ends a silence now (it stays on record).
UPDATE alert_silence SET ends_at = $now WHERE id = $id AND ends_at > $now
