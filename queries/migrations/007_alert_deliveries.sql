-- Every notification the alert rules sent, or tried to.
CREATE TABLE alert_delivery (
    sent_at      TIMESTAMP NOT NULL,
    rule         VARCHAR NOT NULL,
    site         VARCHAR NOT NULL,          -- the group: a rule and a site ("" when the rule has no site)
    kind         VARCHAR NOT NULL,          -- firing | repeat | resolved
    instances    INTEGER NOT NULL,
    attempts     INTEGER NOT NULL,
    outcome      VARCHAR NOT NULL,          -- ok | failed
    detail       VARCHAR
);
