-- projection "users": identities of identity providers linked to users,
-- one row per (issuer, subject). The claim that makes the link unique is in
-- unique_claims (scope 'user-identity:' || issuer, value subject), taken
-- with the IdentityLinked event; this table is its read model.
CREATE TABLE user_identities (
    issuer    TEXT        NOT NULL,
    subject   TEXT        NOT NULL,
    user_id   UUID        NOT NULL,
    email     TEXT        NOT NULL,
    linked_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (issuer, subject)
);
CREATE INDEX user_identities_user ON user_identities (user_id);
