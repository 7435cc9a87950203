-- Reference data, loaded from assets/config on every start.
CREATE TABLE site (
    site_code      VARCHAR PRIMARY KEY,
    name_zh        VARCHAR NOT NULL,
    name_en        VARCHAR NOT NULL,
    confirmed      BOOLEAN NOT NULL,
    volume_share   DOUBLE
);
CREATE TABLE site_customs_code (
    customs_code   VARCHAR PRIMARY KEY,
    site_code      VARCHAR NOT NULL
);
CREATE TABLE warehouse (
    warehouse_code VARCHAR PRIMARY KEY,
    site_code      VARCHAR NOT NULL,
    name_zh        VARCHAR NOT NULL,
    name_en        VARCHAR NOT NULL,
    area_m2        BIGINT NOT NULL,
    area_code      VARCHAR,
    automated      BOOLEAN NOT NULL
);
CREATE TABLE platform (
    platform_code  VARCHAR PRIMARY KEY,
    name_zh        VARCHAR NOT NULL,
    name_en        VARCHAR NOT NULL,
    ebp_code       VARCHAR NOT NULL,
    confirmed      BOOLEAN NOT NULL
);
CREATE TABLE category (
    category_code  VARCHAR PRIMARY KEY,
    name_zh        VARCHAR NOT NULL,
    name_en        VARCHAR NOT NULL
);
CREATE TABLE category_hs_prefix (
    hs_prefix      VARCHAR PRIMARY KEY,
    category_code  VARCHAR NOT NULL
);

-- One row per inventory list (清单), keyed by its natural key. Declaration
-- fields come from the newest declaration version (max app_time); status
-- fields are merged from receipts with min/max, so the row is the same
-- whatever order or how often the facts arrive.
-- Times are Beijing wall-clock time (Asia/Shanghai has no DST).
CREATE TABLE inventory_list (
    ebc_code          VARCHAR NOT NULL,
    cop_no            VARCHAR NOT NULL,
    invt_no           VARCHAR,
    site_code         VARCHAR,
    platform_code     VARCHAR,
    warehouse_code    VARCHAR,
    category_code     VARCHAR,
    app_time          TIMESTAMP,           -- newest declaration version
    app_type          SMALLINT,
    goods_value_fen   BIGINT,              -- sum of the lines' totalPrice, in fen
    line_count        INTEGER,
    declared_at       TIMESTAMP,           -- first receipt 2, or the declaration
    accepted_at       TIMESTAMP,           -- first receipt 120
    released_at       TIMESTAMP,           -- first receipt 800
    last_status       INTEGER,
    last_status_at    TIMESTAMP,
    PRIMARY KEY (cop_no, ebc_code)    -- cop_no first: sequential numbers keep index inserts local
);

-- Every distinct receipt (回执). Idempotence is by an anti-join on
-- (ebc_code, cop_no, return_status, return_time) restricted to the batch's time
-- range, which keeps bulk ingest at millions of rows a second (see ARCHITECTURE).
CREATE TABLE receipt (
    ebc_code       VARCHAR NOT NULL,
    cop_no         VARCHAR NOT NULL,
    invt_no        VARCHAR,
    site_code      VARCHAR,
    platform_code  VARCHAR,
    return_status  INTEGER NOT NULL,
    return_time    TIMESTAMP NOT NULL,
    return_info    VARCHAR,
    source         VARCHAR NOT NULL,
    ingested_at    TIMESTAMP NOT NULL
);

-- Rollups kept as data lands; live screens read only these.
CREATE TABLE release_minute (
    minute           TIMESTAMP NOT NULL,
    site_code        VARCHAR NOT NULL,
    platform_code    VARCHAR NOT NULL,
    released_lists   BIGINT NOT NULL,
    valued_lists     BIGINT NOT NULL,     -- releases whose declaration has landed
    goods_value_fen  BIGINT NOT NULL,
    PRIMARY KEY (minute, site_code, platform_code)
);
CREATE TABLE receipt_minute (
    minute          TIMESTAMP NOT NULL,
    site_code       VARCHAR NOT NULL,
    return_status   INTEGER NOT NULL,
    receipts        BIGINT NOT NULL,
    PRIMARY KEY (minute, site_code, return_status)
);

CREATE TABLE collector_run (
    collector     VARCHAR NOT NULL,
    started_at    TIMESTAMP NOT NULL,
    finished_at   TIMESTAMP NOT NULL,
    outcome       VARCHAR NOT NULL,        -- ok | empty | error | timeout
    records       BIGINT NOT NULL,
    error         VARCHAR
);
