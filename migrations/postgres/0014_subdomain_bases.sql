-- Subdomain bases (issue 12). A project's deployments are served under its
-- base: one claim in scope 'subdomain-base', owned by the live project that
-- uses it, or by the team that reserves it when none does. Events recorded
-- before bases carry none: the base is the slug.
ALTER TABLE projects ADD COLUMN subdomain_base TEXT;
UPDATE projects SET subdomain_base = slug;
ALTER TABLE projects ALTER COLUMN subdomain_base SET NOT NULL;

-- Derive the base claims of the existing events exactly as the claims
-- projection does (projections/claims.go), in the order it reads them, so
-- that a rebuild gives the same rows. Only these event types exist before
-- this migration; on a new database this does nothing.
DO $$
DECLARE
    e    RECORD;
    base TEXT;
    at   TIMESTAMPTZ;
BEGIN
    FOR e IN SELECT event_type, payload FROM events
        WHERE event_type IN ('project.ProjectCreated', 'project.ProjectDeleted', 'team.TeamDeleted')
        ORDER BY transaction_id, global_position
    LOOP
        base := coalesce(nullif(e.payload->>'subdomainBase', ''), e.payload->>'slug');
        -- microseconds cut, not rounded, as the projection's driver does
        at := regexp_replace(e.payload->>'at', '(\.\d{6})\d+', '\1')::timestamptz;
        IF e.event_type = 'project.ProjectCreated' THEN
            UPDATE unique_claims SET owner = (e.payload->>'projectId')::uuid, claimed_at = at
                WHERE scope = 'subdomain-base' AND value = base AND owner = (e.payload->>'teamId')::uuid;
            INSERT INTO unique_claims (scope, value, owner, claimed_at)
                VALUES ('subdomain-base', base, (e.payload->>'projectId')::uuid, at)
                ON CONFLICT DO NOTHING;
        ELSIF e.event_type = 'project.ProjectDeleted' AND e.payload->>'reason' = 'team deleted' THEN
            DELETE FROM unique_claims WHERE scope = 'subdomain-base' AND value = base
                AND owner = (e.payload->>'projectId')::uuid;
        ELSIF e.event_type = 'project.ProjectDeleted' THEN
            UPDATE unique_claims SET owner = (e.payload->>'teamId')::uuid, claimed_at = at
                WHERE scope = 'subdomain-base' AND value = base AND owner = (e.payload->>'projectId')::uuid;
        ELSE
            DELETE FROM unique_claims WHERE scope = 'subdomain-base' AND owner = (e.payload->>'teamId')::uuid;
        END IF;
    END LOOP;
END $$;
