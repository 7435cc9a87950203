UPDATE account SET disabled = $disabled, failed_signins = 0, locked_until = NULL, changed_at = $now WHERE name = $name
