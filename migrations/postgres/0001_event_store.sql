-- The event store: one append-only table of events in global order.
CREATE TABLE events (
    global_position BIGSERIAL   NOT NULL,
    transaction_id  xid8        NOT NULL DEFAULT pg_current_xact_id(),
    event_id        UUID        NOT NULL,
    stream_id       TEXT        NOT NULL,
    stream_version  BIGINT      NOT NULL CHECK (stream_version > 0),
    event_type      TEXT        NOT NULL,
    schema_version  INT         NOT NULL DEFAULT 1,
    payload         JSONB       NOT NULL,
    metadata        JSONB       NOT NULL DEFAULT '{}',
    recorded_at     TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (transaction_id, global_position),
    UNIQUE (stream_id, stream_version),
    UNIQUE (event_id)
);

CREATE INDEX events_global_position ON events (global_position);
CREATE INDEX events_event_type ON events (event_type, global_position);
CREATE INDEX events_recorded_at ON events (recorded_at);

-- The audit log must not be edited: the events table is append-only.
CREATE FUNCTION events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'events are append-only: % is not allowed', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END $$;

CREATE TRIGGER events_no_update BEFORE UPDATE OR DELETE ON events
    FOR EACH ROW EXECUTE FUNCTION events_append_only();
CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON events
    FOR EACH STATEMENT EXECUTE FUNCTION events_append_only();

-- Subscribers LISTEN on this channel; one notification per appending statement.
CREATE FUNCTION events_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify(current_schema() || '.events', '');
    RETURN NULL;
END $$;

CREATE TRIGGER events_notify AFTER INSERT ON events
    FOR EACH STATEMENT EXECUTE FUNCTION events_notify();

-- One durable cursor per consumer name. The cursor is the gap-safe position
-- (transaction_id, global_position) of the last event the consumer applied.
CREATE TABLE consumer_checkpoints (
    consumer        TEXT        PRIMARY KEY,
    transaction_id  xid8        NOT NULL DEFAULT '0',
    global_position BIGINT      NOT NULL DEFAULT 0,
    updated_at      TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- A consumer that failed on an event past its retries is parked here.
CREATE TABLE consumer_parks (
    consumer        TEXT        PRIMARY KEY,
    global_position BIGINT      NOT NULL,
    event_id        UUID        NOT NULL,
    event_type      TEXT        NOT NULL,
    error           TEXT        NOT NULL,
    parked_at       TIMESTAMPTZ NOT NULL DEFAULT now()
);
