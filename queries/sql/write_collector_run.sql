INSERT INTO collector_run VALUES ($collector, $started_at, $finished_at, $outcome, $records, $error)
