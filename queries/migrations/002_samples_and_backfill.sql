-- Warehouse occupancy and system-health samples, and the record of simulated
-- history written as aggregates.
CREATE TABLE occupancy_sample (
    sampled_at      TIMESTAMP NOT NULL,
    warehouse_code  VARCHAR NOT NULL,
    site_code       VARCHAR NOT NULL,
    used_m2         DOUBLE NOT NULL,
    occupancy_ratio DOUBLE NOT NULL,
    source          VARCHAR NOT NULL
);
CREATE TABLE health_sample (
    sampled_at  TIMESTAMP NOT NULL,
    site_code   VARCHAR NOT NULL,
    component   VARCHAR NOT NULL,        -- e.g. eport_link, dxp, gate-1, xray-1
    kind        VARCHAR NOT NULL,        -- link | exchange | gate | xray | camera
    metric      VARCHAR NOT NULL,        -- throughput_bps, utilization_ratio, queue_depth, latency_seconds, up
    value       DOUBLE NOT NULL,
    source      VARCHAR NOT NULL
);
-- Time ranges whose rollups were written from simulated aggregates, not from
-- records (the simulator's history at start-up); screens and reports say so.
CREATE TABLE backfill_range (
    from_minute  TIMESTAMP NOT NULL,
    until_minute TIMESTAMP NOT NULL,     -- exclusive
    source       VARCHAR NOT NULL,
    written_at   TIMESTAMP NOT NULL,
    PRIMARY KEY (from_minute)
);
