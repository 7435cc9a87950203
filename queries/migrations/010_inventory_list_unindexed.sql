-- inventory_list without its primary-key index. The sink keeps one row per
-- (ebc_code, cop_no) itself: each batch is deduplicated, then merged by an
-- update of the stored keys and an insert of the unseen ones, under the single
-- writer. The index made every commit of a bulk load slower as the table grew.
CREATE TABLE inventory_list_010 (
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
    last_status_at    TIMESTAMP
);
INSERT INTO inventory_list_010 FROM inventory_list;
DROP TABLE inventory_list;
ALTER TABLE inventory_list_010 RENAME TO inventory_list;
