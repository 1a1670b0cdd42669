-- When each API token was last used: operational data written by the
-- authenticator (at most once a minute per token), not derived from events,
-- so no projection owns or rebuilds it.
CREATE TABLE token_usage (
    token_id     UUID        PRIMARY KEY,
    last_used_at TIMESTAMPTZ NOT NULL
);
