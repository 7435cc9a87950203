-- Acknowledgements hold for one state of one alert instance (rule, labels,
-- state, since): a new state needs a new acknowledgement. Silences mute every
-- alert whose labels match, for a time window.
CREATE TABLE alert_ack (
    rule         VARCHAR NOT NULL,
    labels       VARCHAR NOT NULL,
    state        VARCHAR NOT NULL,
    state_since  TIMESTAMP NOT NULL,
    acked_by     VARCHAR NOT NULL,
    comment      VARCHAR NOT NULL,
    acked_at     TIMESTAMP NOT NULL
);
CREATE TABLE alert_silence (
    id           VARCHAR PRIMARY KEY,
    matchers     VARCHAR NOT NULL,        -- JSON object: label (or "rule") -> value, all must match
    starts_at    TIMESTAMP NOT NULL,
    ends_at      TIMESTAMP NOT NULL,
    created_by   VARCHAR NOT NULL,
    comment      VARCHAR NOT NULL,
    created_at   TIMESTAMP NOT NULL
);
