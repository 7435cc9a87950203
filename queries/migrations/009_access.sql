-- Accounts, kiosk tokens and the audit trail.
CREATE TABLE account (
    name            VARCHAR PRIMARY KEY,
    role            VARCHAR NOT NULL,          -- duty | leader | ops | admin
    password_hash   VARCHAR NOT NULL,          -- argon2id, salted; never the password
    disabled        BOOLEAN NOT NULL DEFAULT false,
    failed_signins  INTEGER NOT NULL DEFAULT 0, -- in a row, since the last success
    locked_until    TIMESTAMP,
    created_at      TIMESTAMP NOT NULL,
    changed_at      TIMESTAMP NOT NULL
);

-- Read-only tokens for unattended wall screens; only the hash of the secret is kept.
CREATE TABLE kiosk_token (
    id          VARCHAR PRIMARY KEY,
    name        VARCHAR NOT NULL,              -- where the screen hangs
    secret_hash VARCHAR NOT NULL,              -- sha256 of the secret, hex
    screens     VARCHAR NOT NULL,              -- comma-separated screens it may show, or '*'
    created_by  VARCHAR NOT NULL,
    created_at  TIMESTAMP NOT NULL,
    revoked_by  VARCHAR,
    revoked_at  TIMESTAMP
);

-- Who did what, when, from where. Written by the app, never changed by it.
CREATE TABLE audit_event (
    happened_at TIMESTAMP NOT NULL,
    actor   VARCHAR NOT NULL,
    role    VARCHAR NOT NULL,
    action  VARCHAR NOT NULL,                  -- e.g. signin.ok, alert.ack, rule.edit, token.revoke
    target  VARCHAR NOT NULL,
    detail  VARCHAR NOT NULL,
    source  VARCHAR NOT NULL,                  -- the client's address, or cli
    outcome VARCHAR NOT NULL                   -- ok | denied | failed
);
CREATE INDEX audit_event_at ON audit_event (happened_at);
