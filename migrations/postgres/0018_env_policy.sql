-- Env var name policy (issue 12): the guarded env var names (NODE_OPTIONS,
-- LD_*, …) a platform admin allows for a project, from
-- project.EnvNamesAllowed; sorted, empty when none.
ALTER TABLE projects ADD COLUMN allowed_env_names TEXT[] NOT NULL DEFAULT '{}';
