-- Not a projection: the dashboard's sign-in sessions. The browser holds a
-- random session id in an HttpOnly cookie; this table keys the session by
-- the id's SHA-256 and keeps the credential the user signed in with
-- (API token or identity-provider JWT), sealed with the master key, so
-- every request re-checks it (a revoked token ends its sessions).
CREATE TABLE dashboard_sessions (
    id_hash     BYTEA       PRIMARY KEY,
    user_id     UUID        NOT NULL,
    nonce       BYTEA       NOT NULL,
    credential  BYTEA       NOT NULL,
    csrf_token  TEXT        NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL,
    expires_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX dashboard_sessions_expires ON dashboard_sessions (expires_at);
