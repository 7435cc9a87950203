-- Simulated history fills only minutes that hold nothing yet, so a restart
-- never counts a minute twice.
INSERT INTO release_minute
SELECT b.* FROM batch_release_minute b
WHERE NOT EXISTS (SELECT 1 FROM release_minute r
                  WHERE r.minute BETWEEN $lo AND $hi AND r.minute = b.minute)
