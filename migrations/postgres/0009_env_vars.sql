-- Envelope encryption of env vars: each project's data key, wrapped
-- (AES-256-GCM) by the master key whose id is recorded. Key material is
-- not an event: "keys rotate" re-wraps these rows and touches no event.
CREATE TABLE project_data_keys (
    project_id    UUID        PRIMARY KEY,
    master_key_id TEXT        NOT NULL,
    wrapped_key   BYTEA       NOT NULL,
    created_at    TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- projection "projects": env vars, as ciphertext
CREATE TABLE project_env (
    project_id UUID        NOT NULL,
    key        TEXT        NOT NULL,
    secret     BOOLEAN     NOT NULL,
    nonce      BYTEA       NOT NULL,
    ciphertext BYTEA       NOT NULL,
    updated_by UUID        NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (project_id, key)
);
