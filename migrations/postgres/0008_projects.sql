-- projection "projects"
CREATE TABLE projects (
    id             UUID        PRIMARY KEY,
    team_id        UUID        NOT NULL,
    name           TEXT        NOT NULL,
    slug           TEXT        NOT NULL,
    source_type    TEXT        NOT NULL,
    source_config  JSONB       NOT NULL,
    default_branch TEXT        NOT NULL,
    created_by     UUID        NOT NULL,
    created_at     TIMESTAMPTZ NOT NULL,
    updated_at     TIMESTAMPTZ NOT NULL,
    deleted_at     TIMESTAMPTZ
);
CREATE UNIQUE INDEX projects_live_slug ON projects (team_id, slug) WHERE deleted_at IS NULL;
