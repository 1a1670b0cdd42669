-- The projects and start times of each trace's spans, ordered by trace
-- ID: spans is ordered by project and time, so a lookup by trace ID alone
-- would read the whole table. A materialized view fills trace_index from
-- every insert into spans; reads of one trace look up its (project,
-- start) pairs here first, which the spans ordering key then narrows to a
-- few granules. Partitioned like spans, so retention drops both.
CREATE TABLE IF NOT EXISTS trace_index (
    trace_id String,
    project_id UUID,
    start_us UInt64
) ENGINE = ReplacingMergeTree
PARTITION BY toYYYYMM(toDateTime(intDiv(start_us, 1000000)))
ORDER BY (trace_id, project_id, start_us);

CREATE MATERIALIZED VIEW IF NOT EXISTS trace_index_mv TO trace_index AS
SELECT trace_id, project_id, start_us FROM spans;

-- Spans stored before this migration. A row indexed twice (inserted while
-- this runs, or this run again) is harmless: lookups only test membership
-- and ReplacingMergeTree merges the copies.
INSERT INTO trace_index SELECT trace_id, project_id, start_us FROM spans;
