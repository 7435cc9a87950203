-- CEB816 electronic tax receipts, and the record of every file set aside.
CREATE TABLE tax_receipt (
    invt_no              VARCHAR NOT NULL,
    tax_no               VARCHAR NOT NULL,
    return_time          TIMESTAMP NOT NULL,
    customs_tax_fen      BIGINT NOT NULL,
    value_added_tax_fen  BIGINT NOT NULL,
    consumption_tax_fen  BIGINT NOT NULL,
    status               VARCHAR,
    ebc_code             VARCHAR,
    site_code            VARCHAR,
    source               VARCHAR NOT NULL,
    ingested_at          TIMESTAMP NOT NULL
);
CREATE TABLE quarantine_event (
    quarantined_at   TIMESTAMP NOT NULL,
    source           VARCHAR NOT NULL,
    file_name        VARCHAR NOT NULL,
    moved_to         VARCHAR NOT NULL,
    reason           VARCHAR NOT NULL,
    line             INTEGER,
    records_kept     INTEGER NOT NULL,     -- valid records of the file that were ingested
    records_refused  INTEGER NOT NULL
);
