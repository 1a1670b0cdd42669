-- projection "servers": how many recoveries of its deployment came before
-- a server (server.ServerScheduled.restarts).
ALTER TABLE servers ADD COLUMN restarts INTEGER NOT NULL DEFAULT 0;
