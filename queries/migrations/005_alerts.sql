-- Alerting: each rule instance's current state, and every transition.
CREATE TABLE alert_state (
    rule         VARCHAR NOT NULL,
    labels       VARCHAR NOT NULL,        -- JSON object, keys sorted: the instance's identity
    state        VARCHAR NOT NULL,        -- normal | pending | firing | recovering | resolved | nodata | error
    severity     VARCHAR,                 -- warning | critical, while breaching
    since        TIMESTAMP NOT NULL,      -- when it entered this state
    value        DOUBLE,
    message      VARCHAR,
    PRIMARY KEY (rule, labels)
);
CREATE TABLE alert_transition (
    changed_at   TIMESTAMP NOT NULL,
    rule         VARCHAR NOT NULL,
    labels       VARCHAR NOT NULL,
    from_state   VARCHAR NOT NULL,
    to_state     VARCHAR NOT NULL,
    severity     VARCHAR,
    value        DOUBLE,
    message      VARCHAR
);
