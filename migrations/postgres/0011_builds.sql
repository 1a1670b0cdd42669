-- projection "builds": the builds of deployments, queued to ended.
CREATE TABLE builds (
    id            UUID        PRIMARY KEY,
    deployment_id UUID        NOT NULL,
    project_id    UUID        NOT NULL,
    team_id       UUID        NOT NULL,
    status        TEXT        NOT NULL,
    branch        TEXT        NOT NULL,
    source_type   TEXT        NOT NULL,
    source_config JSONB       NOT NULL,
    error         TEXT        NOT NULL DEFAULT '',
    worker        TEXT        NOT NULL DEFAULT '',
    artifact      TEXT        NOT NULL DEFAULT '',
    queued_by     UUID        NOT NULL,
    queued_at     TIMESTAMPTZ NOT NULL,
    started_at    TIMESTAMPTZ,
    finished_at   TIMESTAMPTZ
);
CREATE INDEX builds_of_deployment ON builds (deployment_id, queued_at DESC);
-- the queue, oldest first
CREATE INDEX builds_queued ON builds (queued_at, id) WHERE status = 'queued';
-- what each worker runs, for its restart
CREATE INDEX builds_running ON builds (worker) WHERE status = 'building';
