-- Write-side uniqueness (team slugs, user emails): a claim row is written
-- in the same transaction as the events that take or free the value, so a
-- second taker fails on the primary key. The rows are derived from events
-- (TeamCreated, TeamSlugChanged, TeamDeleted, UserRegistered carry them)
-- and replace the per-value claim streams, whose extra event and audit row
-- per team cost a third of a team creation's writes.
CREATE TABLE unique_claims (
    scope      TEXT        NOT NULL,
    value      TEXT        NOT NULL,
    owner      UUID        NOT NULL,
    claimed_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (scope, value)
);
