INSERT INTO digest_run VALUES ($job, $for_date, $due_at, $ran_at, $outcome, $files, $attempts, $detail)
