package main

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mastra-admin/mastra-admin/internal/chtest"
	"github.com/mastra-admin/mastra-admin/internal/pgtest"
)

func TestMigrateClickHouse(t *testing.T) {
	t.Parallel()
	srv := chtest.StartServer(t)
	db := pgtest.NewEmpty(t)
	env := map[string]string{"DATABASE_URL": db.URL, "CLICKHOUSE_URL": fmt.Sprintf("clickhouse://%s/obs", srv.Config().Addr)}
	first := runCLI(t, env, "migrate")
	require.Equal(t, exitOK, first.code, first.stderr)
	assert.Contains(t, first.stdout, "clickhouse: applied 0001_observability.sql")
	again := runCLI(t, env, "migrate")
	require.Equal(t, exitOK, again.code, again.stderr)
	assert.Regexp(t, `clickhouse: up to date at version \d+\n$`, again.stdout)

	srv.Stop()
	down := runCLI(t, env, "migrate")
	assert.Equal(t, exitOK, down.code, "the API runs without ClickHouse: its absence is reported, not a failure")
	assert.Contains(t, down.stderr, "clickhouse: not migrated, it does not answer")
	assert.Contains(t, down.stdout, "postgres: up to date")

	env["CLICKHOUSE_URL"] = "clickhouse://" + srv.Config().Addr + "/my-db"
	bad := runCLI(t, env, "migrate")
	assert.NotEqual(t, exitOK, bad.code, "a malformed URL is refused")
	assert.Contains(t, bad.stderr, "database name")
}

func TestServeStartsWhileClickHouseIsDown(t *testing.T) {
	t.Parallel()
	db := pgtest.NewEmpty(t)
	env := serveEnv(t, db.URL)
	env["CLICKHOUSE_URL"] = "clickhouse://" + freeAddr(t) + "/obs"
	srv := startCLI(t, env, "serve")
	waitReady(t, srv, "http://"+env["MASTRA_ADMIN_ADDR"])
	assert.Contains(t, srv.stderr.String(), "ClickHouse is not ready")
	srv.cancel()
	assert.Equal(t, exitOK, srv.wait(t, 30*time.Second))
}

func TestIngestRefusesBadSettings(t *testing.T) {
	t.Parallel()
	r := runCLI(t, map[string]string{"CLICKHOUSE_URL": ""}, "ingest", "--once")
	assert.Equal(t, exitUsage, r.code)
	assert.Contains(t, r.stderr, "CLICKHOUSE_URL is not set")
	r = runCLI(t, map[string]string{"CLICKHOUSE_URL": "clickhouse://127.0.0.1:9000/x"}, "ingest", "--retention", "a month")
	assert.Equal(t, exitUsage, r.code)
	assert.Contains(t, r.stderr, "--retention")
}
