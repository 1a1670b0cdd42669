-- projection "teams": invitations (the token is stored only as its hash)
CREATE TABLE team_invites (
    id          UUID        PRIMARY KEY,
    team_id     UUID        NOT NULL,
    email       TEXT        NOT NULL,
    role        TEXT        NOT NULL,
    token_hash  TEXT        NOT NULL UNIQUE,
    invited_by  UUID        NOT NULL,
    expires_at  TIMESTAMPTZ NOT NULL,
    status      TEXT        NOT NULL DEFAULT 'pending', -- pending, accepted, revoked
    created_at  TIMESTAMPTZ NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX team_invites_team ON team_invites (team_id, created_at);
