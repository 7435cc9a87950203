-- Declaration-to-release times as a histogram per minute of release and site,
-- kept in step with the facts like release_minute, so the walls' median and p95
-- over the last 15 minutes read a few thousand rows instead of every list
-- released in them (924 k on the stored night with "now" at 00:20).
--
-- A list's time is kept in centiseconds, rounded to 1/100 s below a minute and
-- to the second above: finer than the walls show it (0.1 s, a minute, 0.1 h),
-- and exact for real messages, which carry whole seconds. The one definition of
-- that rounding, used by the writes below and by
-- queries/sql/write_release_change.sql.
CREATE MACRO latency_cs(declared, released) AS
    CASE
        WHEN released - declared < INTERVAL 1 MINUTE THEN round((epoch_us(released) - epoch_us(declared)) / 1e4)
        ELSE round((epoch_us(released) - epoch_us(declared)) / 1e6) * 100
    END::BIGINT;

CREATE TABLE release_latency_minute (
    minute      TIMESTAMP NOT NULL,  -- of release
    site_code   VARCHAR NOT NULL,    -- 'unknown' as in release_minute
    latency_cs  BIGINT NOT NULL,
    lists       BIGINT NOT NULL,
    PRIMARY KEY (minute, site_code, latency_cs)
);

INSERT INTO release_latency_minute
SELECT date_trunc('minute', released_at), coalesce(site_code, 'unknown'), latency_cs(declared_at, released_at), count(*)
FROM inventory_list
WHERE released_at IS NOT NULL AND declared_at IS NOT NULL AND released_at >= declared_at
GROUP BY ALL;
