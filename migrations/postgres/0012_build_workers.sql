-- When each build worker was last seen: operational data the workers
-- write at each poll, not derived from events, so no projection owns or
-- rebuilds it. A worker not seen for its lease loses its running builds
-- (another worker records them as failed), so that their slots are freed.
CREATE TABLE build_workers (
    worker  TEXT        PRIMARY KEY,
    seen_at TIMESTAMPTZ NOT NULL
);
