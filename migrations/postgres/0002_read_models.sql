-- Read models of the first product slice. Each table belongs to exactly one
-- projection, which rebuilds it from the events.

-- projection "users"
CREATE TABLE users (
    id             UUID        PRIMARY KEY,
    email          TEXT        NOT NULL UNIQUE,
    name           TEXT        NOT NULL,
    platform_admin BOOLEAN     NOT NULL DEFAULT false,
    created_at     TIMESTAMPTZ NOT NULL
);

CREATE TABLE api_tokens (
    id          UUID        PRIMARY KEY,
    user_id     UUID        NOT NULL,
    name        TEXT        NOT NULL,
    prefix      TEXT        NOT NULL UNIQUE,
    secret_hash TEXT        NOT NULL,
    expires_at  TIMESTAMPTZ,
    revoked_at  TIMESTAMPTZ,
    created_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX api_tokens_user ON api_tokens (user_id);

-- projection "teams"
CREATE TABLE teams (
    id         UUID        PRIMARY KEY,
    name       TEXT        NOT NULL,
    slug       TEXT        NOT NULL,
    created_by UUID        NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    deleted_at TIMESTAMPTZ
);
CREATE UNIQUE INDEX teams_live_slug ON teams (slug) WHERE deleted_at IS NULL;

CREATE TABLE team_members (
    team_id   UUID        NOT NULL,
    user_id   UUID        NOT NULL,
    role      TEXT        NOT NULL,
    joined_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (team_id, user_id)
);
CREATE INDEX team_members_user ON team_members (user_id);

-- projection "audit"
CREATE TABLE audit_log (
    position    BIGINT      PRIMARY KEY,
    event_id    UUID        NOT NULL,
    event_type  TEXT        NOT NULL,
    stream_id   TEXT        NOT NULL,
    team_id     UUID,
    actor       TEXT        NOT NULL,
    request_id  TEXT        NOT NULL,
    recorded_at TIMESTAMPTZ NOT NULL,
    summary     TEXT        NOT NULL,
    payload     JSONB       NOT NULL
);
CREATE INDEX audit_log_team ON audit_log (team_id, position);
CREATE INDEX audit_log_recorded_at ON audit_log (recorded_at);
