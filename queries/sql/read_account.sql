SELECT name, role, password_hash, disabled, failed_signins, locked_until FROM account WHERE name = $name
