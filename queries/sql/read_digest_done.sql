-- Whether a job has run for its due time already (so a restart does not run it twice).
SELECT count(*) > 0 FROM digest_run WHERE job = $job AND due_at = $due_at
