-- projection "env_exposure": every version of each env var and override
-- (never a value), and which servers received which version.

-- One row per version of a key in its layer: a project's env var
-- (deployment_id is the nil UUID) or a deployment's override. Version n
-- is the n-th set of the key in its stream; ended_at is when the next
-- version or a removal replaced it.
CREATE TABLE env_versions (
    project_id    UUID        NOT NULL,
    deployment_id UUID        NOT NULL,
    key           TEXT        NOT NULL,
    version       INTEGER     NOT NULL,
    secret        BOOLEAN     NOT NULL,
    set_by        UUID        NOT NULL,
    set_at        TIMESTAMPTZ NOT NULL,
    ended_at      TIMESTAMPTZ,
    removed       BOOLEAN     NOT NULL DEFAULT false,
    PRIMARY KEY (project_id, key, deployment_id, version)
);

-- The servers, as far as exposure needs them.
CREATE TABLE env_exposure_servers (
    server_id         UUID        PRIMARY KEY,
    project_id        UUID        NOT NULL,
    deployment_id     UUID        NOT NULL,
    build_id          UUID        NOT NULL,
    started_at        TIMESTAMPTZ,
    stop_requested_at TIMESTAMPTZ,
    ended_at          TIMESTAMPTZ
);

-- The version of each key each server received when it started.
CREATE TABLE env_exposure (
    server_id     UUID    NOT NULL,
    key           TEXT    NOT NULL,
    project_id    UUID    NOT NULL,
    deployment_id UUID    NOT NULL,
    source        TEXT    NOT NULL,
    version       INTEGER NOT NULL,
    PRIMARY KEY (server_id, key)
);
CREATE INDEX env_exposure_of_key ON env_exposure (project_id, key);

-- projection "builds": why a build was queued, and a rollback's earlier build.
ALTER TABLE builds
    ADD COLUMN trigger     TEXT NOT NULL DEFAULT 'deploy',
    ADD COLUMN rollback_of UUID;
