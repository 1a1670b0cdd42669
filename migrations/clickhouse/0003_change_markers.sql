-- Markers of the control-plane changes of what runs (deploys, rollbacks,
-- restarts, stops, env changes), projected from the event store by the
-- observability-markers process manager: one row per event, keyed on the
-- event's ID, so that an event projected twice is one row (readers use
-- FINAL). uuid zero stands for none (a project-wide env change has no
-- deployment). It replaces the markers table of 0001, which nothing wrote
-- to and which lacked the env var and the rolled-back build: ClickHouse
-- 18.16 has no ADD COLUMN IF NOT EXISTS, and a new table keeps this
-- migration repeatable.

CREATE TABLE IF NOT EXISTS change_markers (
    project_id UUID,
    deployment_id UUID,
    build_id UUID,
    rollback_of UUID,
    event_id UUID,
    kind String,
    key String,
    by String,
    at_us UInt64
) ENGINE = ReplacingMergeTree
PARTITION BY toYYYYMM(toDateTime(intDiv(at_us, 1000000)))
ORDER BY (project_id, at_us, event_id);

DROP TABLE IF EXISTS markers;
