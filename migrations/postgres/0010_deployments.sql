-- projection "deployments": a project's deployments. status and
-- current_build_id are moved on by builds (a later slice); a deployment
-- that was never built is pending.
CREATE TABLE deployments (
    id               UUID        PRIMARY KEY,
    project_id       UUID        NOT NULL,
    team_id          UUID        NOT NULL,
    type             TEXT        NOT NULL,
    branch           TEXT        NOT NULL,
    slug             TEXT        NOT NULL,
    subdomain        TEXT        NOT NULL,
    status           TEXT        NOT NULL DEFAULT 'pending',
    current_build_id UUID,
    expires_at       TIMESTAMPTZ,
    created_by       UUID        NOT NULL,
    created_at       TIMESTAMPTZ NOT NULL,
    updated_at       TIMESTAMPTZ NOT NULL,
    deleted_at       TIMESTAMPTZ
);
CREATE UNIQUE INDEX deployments_live_slug ON deployments (project_id, slug) WHERE deleted_at IS NULL;
-- live previews by expiry, for the expiry sweep
CREATE INDEX deployments_expiry ON deployments (expires_at) WHERE deleted_at IS NULL AND expires_at IS NOT NULL;

-- projection "deployments": env overrides, as ciphertext
CREATE TABLE deployment_env (
    deployment_id UUID        NOT NULL,
    key           TEXT        NOT NULL,
    secret        BOOLEAN     NOT NULL,
    nonce         BYTEA       NOT NULL,
    ciphertext    BYTEA       NOT NULL,
    updated_by    UUID        NOT NULL,
    updated_at    TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (deployment_id, key)
);
