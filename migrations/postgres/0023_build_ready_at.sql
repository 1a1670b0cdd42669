-- projection "builds": when a build's artifact was ready, which ends its
-- build step and begins its deploy step (a rollback's is when it was
-- queued). Builds projected before this column take it from their events.
ALTER TABLE builds ADD COLUMN ready_at TIMESTAMPTZ;
UPDATE builds b SET ready_at = (e.payload->>'at')::timestamptz
    FROM events e
    WHERE e.stream_id = 'build-' || b.id::text AND e.event_type = 'build.ArtifactReady';
