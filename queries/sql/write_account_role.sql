UPDATE account SET role = $role, changed_at = $now WHERE name = $name
