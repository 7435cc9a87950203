-- Each site's own figures, one value per minute, site and measure (the unit is in
-- the measure's name): shelving speed and 48-hour delivery at 梅山, flights and
-- air waybills of the night at 栎社, in-warehouse time and sorter throughput at
-- 杭州湾新区. Idempotent like the samples: the first value of a minute stays.
CREATE TABLE site_measure (
    minute     TIMESTAMP NOT NULL,
    site_code  VARCHAR NOT NULL,
    measure    VARCHAR NOT NULL,
    value      DOUBLE NOT NULL,
    source     VARCHAR NOT NULL
);
