-- Every change to an alert rule made from the rule editor: who, when, old, new.
CREATE TABLE alert_rule_change (
    changed_at   TIMESTAMP NOT NULL,
    changed_by   VARCHAR NOT NULL,
    rule         VARCHAR NOT NULL,
    old          VARCHAR NOT NULL,        -- the rule before, as JSON
    new          VARCHAR NOT NULL         -- and after
);
