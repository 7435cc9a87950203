SELECT count(*) FROM account WHERE role = 'admin' AND NOT disabled
