-- projection "servers": how many recoveries of its deployment came before
-- a server (server.ServerScheduled.restarts).
ALTER TABLE servers ADD COLUMN restarts INTEGER NOT NULL DEFAULT 0;

-- Not a projection: each server's last resource sample, written by the
-- runner that watches it (GET /api/deployments/{id}/server shows it).
CREATE TABLE server_usage (
    server_id   UUID             PRIMARY KEY,
    rss_bytes   BIGINT           NOT NULL,
    cpu_percent DOUBLE PRECISION NOT NULL,
    sampled_at  TIMESTAMPTZ      NOT NULL
);
