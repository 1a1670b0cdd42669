-- projection "deployments": what serves each deployment, from which its
-- status derives (see projections/deployment_status.go).
ALTER TABLE deployments
    ADD COLUMN current_server_id UUID,
    ADD COLUMN stopped           BOOLEAN NOT NULL DEFAULT false,
    ADD COLUMN building_build_id UUID,
    ADD COLUMN last_build_failed BOOLEAN NOT NULL DEFAULT false;

-- projection "servers": each run of a deployment's artifact.
CREATE TABLE servers (
    id            UUID        PRIMARY KEY,
    deployment_id UUID        NOT NULL,
    project_id    UUID        NOT NULL,
    team_id       UUID        NOT NULL,
    build_id      UUID        NOT NULL,
    artifact_id   UUID        NOT NULL,
    port          INTEGER     NOT NULL,
    purpose       TEXT        NOT NULL,
    status        TEXT        NOT NULL,
    runner        TEXT        NOT NULL DEFAULT '',
    pid           INTEGER     NOT NULL DEFAULT 0,
    start_time    BIGINT      NOT NULL DEFAULT 0,
    step          TEXT        NOT NULL DEFAULT '',
    error         TEXT        NOT NULL DEFAULT '',
    scheduled_at  TIMESTAMPTZ NOT NULL,
    started_at    TIMESTAMPTZ,
    healthy_at    TIMESTAMPTZ,
    ended_at      TIMESTAMPTZ
);
CREATE INDEX servers_of_deployment ON servers (deployment_id, scheduled_at DESC);

-- projection "routes": the edge router's table, one route per deployment
-- that ever served.
CREATE TABLE routes (
    deployment_id UUID        PRIMARY KEY,
    project_id    UUID        NOT NULL,
    team_id       UUID        NOT NULL,
    subdomain     TEXT        NOT NULL,
    server_id     UUID,
    target        TEXT        NOT NULL DEFAULT '',
    state         TEXT        NOT NULL,
    updated_at    TIMESTAMPTZ NOT NULL
);
CREATE INDEX routes_of_project ON routes (project_id);
