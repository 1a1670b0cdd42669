-- audit_log rows arrive in recorded_at order, so a BRIN index serves
-- "since" queries at a fraction of a btree's upkeep on every insert.
DROP INDEX audit_log_recorded_at;
CREATE INDEX audit_log_recorded_at ON audit_log USING brin (recorded_at);
