-- Every account for the admin page and `cbec user list`; no hashes.
SELECT name, role, disabled, failed_signins, locked_until, created_at, changed_at FROM account ORDER BY name
