-- Spans, logs and control-plane markers, with the files they came from.
-- Times are UInt64 microseconds since the Unix epoch; attributes, input,
-- output and log data are JSON text. Each table is partitioned by month
-- (retention drops whole partitions) and ordered by project, then time.
-- ReplacingMergeTree keyed on the source file and line collapses a row
-- inserted twice; the ingestion protocol (ingested_files) keeps that from
-- happening in the first place.

CREATE TABLE IF NOT EXISTS spans (
    project_id UUID,
    deployment_id UUID,
    build_id UUID,
    trace_id String,
    span_id String,
    parent_span_id String,
    name String,
    type String,
    entity String,
    start_us UInt64,
    end_us UInt64,
    duration_us UInt64,
    status String,
    error String,
    attributes String,
    input String,
    output String,
    model String,
    input_tokens UInt64,
    output_tokens UInt64,
    file String,
    line UInt32
) ENGINE = ReplacingMergeTree
PARTITION BY toYYYYMM(toDateTime(intDiv(start_us, 1000000)))
ORDER BY (project_id, start_us, trace_id, span_id, file, line);

CREATE TABLE IF NOT EXISTS logs (
    project_id UUID,
    deployment_id UUID,
    time_us UInt64,
    level String,
    message String,
    trace_id String,
    span_id String,
    data String,
    file String,
    line UInt32
) ENGINE = ReplacingMergeTree
PARTITION BY toYYYYMM(toDateTime(intDiv(time_us, 1000000)))
ORDER BY (project_id, time_us, file, line);

CREATE TABLE IF NOT EXISTS markers (
    project_id UUID,
    deployment_id UUID,
    build_id UUID,
    event_id UUID,
    kind String,
    by String,
    at_us UInt64
) ENGINE = ReplacingMergeTree
PARTITION BY toYYYYMM(toDateTime(intDiv(at_us, 1000000)))
ORDER BY (project_id, at_us, event_id);

-- One row when a file's insert starts (state 1) and one when its rows are
-- all in (state 2): a file at state 1 only had its insert cut short.
CREATE TABLE IF NOT EXISTS ingested_files (
    file String,
    kind String,
    state UInt8,
    rows UInt64,
    at_us UInt64
) ENGINE = ReplacingMergeTree
PARTITION BY toYYYYMM(toDateTime(intDiv(at_us, 1000000)))
ORDER BY (file, state);
