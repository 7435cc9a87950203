-- Every message family: trade mode and lines on each list, exact tax amounts,
-- tax status, cancellation and return requests with their receipts, format
-- rejects, and the rollups of what they change.

-- The trade mode splits releases: 1210 bonded import, 9610 direct purchase,
-- "other", or "unknown" while a released list's declaration has not landed.
CREATE TABLE release_minute_011 (
    minute           TIMESTAMP NOT NULL,
    site_code        VARCHAR NOT NULL,
    platform_code    VARCHAR NOT NULL,
    trade_mode       VARCHAR NOT NULL,
    released_lists   BIGINT NOT NULL,
    valued_lists     BIGINT NOT NULL,     -- releases whose declaration has landed
    goods_value_fen  BIGINT NOT NULL,
    PRIMARY KEY (minute, site_code, platform_code, trade_mode)
);
INSERT INTO release_minute_011
SELECT minute, site_code, platform_code, 'unknown', released_lists, valued_lists, goods_value_fen
FROM release_minute;
DROP TABLE release_minute;
ALTER TABLE release_minute_011 RENAME TO release_minute;

-- A list's lines as declared (the newest version), for valuing a return:
-- returned value = the line's unit price × the quantity returned.
ALTER TABLE inventory_list ADD COLUMN trade_mode VARCHAR;
ALTER TABLE inventory_list ADD COLUMN line_gnum INTEGER[];
ALTER TABLE inventory_list ADD COLUMN line_price DECIMAL(18, 5)[];
ALTER TABLE inventory_list ADD COLUMN line_qty DECIMAL(18, 5)[];

-- CEB816 tax receipts with their amounts exactly as sent (yuan, 5 decimals).
-- Every distinct version is kept; figures use the newest version of a tax_no.
CREATE TABLE tax_receipt_011 (
    invt_no          VARCHAR NOT NULL,
    tax_no           VARCHAR NOT NULL,
    return_time      TIMESTAMP NOT NULL,
    customs_tax      DECIMAL(18, 5) NOT NULL,
    value_added_tax  DECIMAL(18, 5) NOT NULL,
    consumption_tax  DECIMAL(18, 5) NOT NULL,
    status           SMALLINT NOT NULL,   -- 1 generated, 2 summarised, 3 voided
    ebc_code         VARCHAR,
    site_code        VARCHAR,             -- from the receipt's own customs code
    source           VARCHAR NOT NULL,
    ingested_at      TIMESTAMP NOT NULL
);
INSERT INTO tax_receipt_011
SELECT invt_no, tax_no, return_time, customs_tax_fen / 100, value_added_tax_fen / 100,
       consumption_tax_fen / 100, coalesce(TRY_CAST(status AS SMALLINT), 1), ebc_code, site_code,
       source, ingested_at
FROM tax_receipt;
DROP TABLE tax_receipt;
ALTER TABLE tax_receipt_011 RENAME TO tax_receipt;

-- CEB818: a tax's status over time; the latest decides whether it is voided.
CREATE TABLE tax_status (
    invt_no      VARCHAR NOT NULL,
    tax_no       VARCHAR NOT NULL,
    status       SMALLINT NOT NULL,
    return_time  TIMESTAMP NOT NULL,
    source       VARCHAR NOT NULL,
    ingested_at  TIMESTAMP NOT NULL
);

-- CEB623 cancellations (family 'cancel', no lines) and CEB625 returns
-- (family 'refund'), keyed by (family, agent_code, cop_no); every distinct
-- version is kept and the newest is used.
CREATE TABLE list_request (
    family        VARCHAR NOT NULL,
    agent_code    VARCHAR NOT NULL,
    cop_no        VARCHAR NOT NULL,
    invt_no       VARCHAR NOT NULL,
    site_code     VARCHAR,
    platform_code VARCHAR,
    ebc_code      VARCHAR,
    app_time      TIMESTAMP NOT NULL,
    line_gnum     INTEGER[] NOT NULL,
    line_qty      DECIMAL(18, 5)[] NOT NULL,
    source        VARCHAR NOT NULL,
    ingested_at   TIMESTAMP NOT NULL
);
CREATE VIEW list_request_latest AS
FROM list_request
QUALIFY row_number() OVER (
    PARTITION BY family, agent_code, cop_no
    ORDER BY app_time DESC, invt_no DESC, line_gnum::VARCHAR DESC, line_qty::VARCHAR DESC) = 1;

-- CEB624 / CEB626 receipts of those requests.
CREATE TABLE request_receipt (
    family         VARCHAR NOT NULL,
    agent_code     VARCHAR NOT NULL,
    cop_no         VARCHAR NOT NULL,
    invt_no        VARCHAR,
    site_code      VARCHAR,
    return_status  INTEGER NOT NULL,
    return_time    TIMESTAMP NOT NULL,
    return_info    VARCHAR,
    source         VARCHAR NOT NULL,
    ingested_at    TIMESTAMP NOT NULL
);

-- CEB900 format rejects; the rejected message itself is never kept.
CREATE TABLE format_reject (
    guid              VARCHAR NOT NULL,
    ori_message_type  VARCHAR NOT NULL,
    ori_cop_msg_id    VARCHAR,
    return_status     INTEGER NOT NULL,
    return_time       TIMESTAMP NOT NULL,
    return_info       VARCHAR,
    source            VARCHAR NOT NULL,
    ingested_at       TIMESTAMP NOT NULL
);

-- What cancellations, returns and tax change, by the minute they happened
-- (the approval, the tax receipt, the voiding), kept in step with the facts.
CREATE TABLE adjustment_minute (
    minute               TIMESTAMP NOT NULL,
    site_code            VARCHAR NOT NULL,
    platform_code        VARCHAR NOT NULL,
    trade_mode           VARCHAR NOT NULL,
    cancelled_lists      BIGINT NOT NULL,
    cancelled_value_fen  BIGINT NOT NULL,
    returned_value       DECIMAL(38, 10) NOT NULL,  -- yuan: unit price × quantity, exactly
    tax_assessed         DECIMAL(38, 5) NOT NULL,   -- yuan
    tax_voided           DECIMAL(38, 5) NOT NULL,
    PRIMARY KEY (minute, site_code, platform_code, trade_mode)
);
CREATE TABLE reject_minute (
    minute        TIMESTAMP NOT NULL,
    message_type  VARCHAR NOT NULL,
    rejects       BIGINT NOT NULL,
    PRIMARY KEY (minute, message_type)
);
