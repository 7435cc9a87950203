-- Every run of the scheduled digest: what it wrote, whether it posted, why not.
CREATE TABLE digest_run (
    job          VARCHAR NOT NULL,       -- the configured job's name
    for_date     DATE NOT NULL,          -- the day the report covers
    due_at       TIMESTAMP NOT NULL,     -- when it was due (Beijing time)
    ran_at       TIMESTAMP NOT NULL,
    outcome      VARCHAR NOT NULL,       -- ok | skipped | post_failed | error
    files        VARCHAR,                -- the files written, comma-separated
    attempts     INTEGER NOT NULL,       -- webhook posts tried
    detail       VARCHAR                 -- why skipped, or the last error
);
