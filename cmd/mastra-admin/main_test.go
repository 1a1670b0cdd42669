package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mastra-admin/mastra-admin/internal/pgtest"
)

type result struct {
	code           int
	stdout, stderr string
}

// runCLI runs the command line in-process with only env as the environment.
func runCLI(t *testing.T, env map[string]string, args ...string) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var stdout, stderr bytes.Buffer
	lookup := func(k string) (string, bool) {
		v, ok := env[k]
		return v, ok
	}
	code := run(ctx, args, &stdout, &stderr, lookup)
	return result{code: code, stdout: stdout.String(), stderr: stderr.String()}
}

func TestMigrate(t *testing.T) {
	t.Parallel()
	db := pgtest.NewEmpty(t)

	off := map[string]string{"CLICKHOUSE_URL": ""} // TestMigrateClickHouse covers it
	first := runCLI(t, off, "migrate", "--database-url", db.URL)
	require.Equal(t, exitOK, first.code, first.stderr)
	assert.Contains(t, first.stdout, "postgres: applied 0001_")
	assert.Contains(t, first.stdout, "postgres: now at version ")

	var applied int
	require.NoError(t, db.Pool.QueryRow(context.Background(),
		`SELECT count(*) FROM schema_migrations`).Scan(&applied))
	assert.Positive(t, applied, "migrations recorded in the test's own schema")

	again := runCLI(t, map[string]string{"DATABASE_URL": db.URL, "CLICKHOUSE_URL": ""}, "migrate")
	require.Equal(t, exitOK, again.code, again.stderr)
	assert.Regexp(t, `^postgres: up to date at version \d+\n$`, again.stdout)
}

func TestMigrateCreatesTheDatabase(t *testing.T) {
	t.Parallel()
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	name := "mastra_admin_clitest_" + hex.EncodeToString(b)
	u, err := url.Parse(pgtest.BaseURL())
	require.NoError(t, err)
	u.Path = "/" + name
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		conn, err := pgx.Connect(ctx, pgtest.BaseURL())
		if err != nil {
			t.Logf("drop database %s: %v", name, err)
			return
		}
		defer conn.Close(ctx)
		if _, err := conn.Exec(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
			t.Logf("drop database %s: %v", name, err)
		}
	})

	res := runCLI(t, map[string]string{"DATABASE_URL": u.String()}, "migrate")
	require.Equal(t, exitOK, res.code, res.stderr)
	assert.Contains(t, res.stdout, "postgres: applied 0001_")
}

func TestExitCodes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		env        map[string]string
		args       []string
		wantCode   int
		wantStdout string
		wantStderr []string
	}{
		{name: "no arguments prints help", args: nil, wantCode: exitOK, wantStdout: "Available Commands:"},
		{name: "help", args: []string{"--help"}, wantCode: exitOK, wantStdout: "--database-url"},
		{name: "version", args: []string{"version"}, wantCode: exitOK, wantStdout: "mastra-admin "},
		{name: "unknown flag", args: []string{"migrate", "--no-such-flag"}, wantCode: exitUsage,
			wantStderr: []string{"mastra-admin: unknown flag: --no-such-flag", "Run 'mastra-admin migrate --help' for usage."}},
		{name: "unknown command", args: []string{"migrat"}, wantCode: exitUsage,
			wantStderr: []string{`mastra-admin: unknown command "migrat" for "mastra-admin"; did you mean migrate?`}},
		{name: "unexpected argument", args: []string{"migrate", "now"}, wantCode: exitUsage,
			wantStderr: []string{`mastra-admin: unknown command "now" for "mastra-admin migrate"`}},
		{name: "bad flag value", args: []string{"migrate", "--mastra-admin-port-range", "4100"}, wantCode: exitUsage,
			wantStderr: []string{`port range "4100": want FIRST-LAST such as 4100-4199`}},
		{name: "bad configuration", env: map[string]string{"LOG_LEVEL": "loud", "MASTRA_ADMIN_SHUTDOWN_TIMEOUT": "soon"},
			args: []string{"migrate", "--addr", "localhost"}, wantCode: exitUsage,
			wantStderr: []string{
				"mastra-admin: invalid configuration:\n",
				`  MASTRA_ADMIN_SHUTDOWN_TIMEOUT: duration "soon"`,
				`  LOG_LEVEL: unknown level "loud"`,
				`  MASTRA_ADMIN_ADDR: "localhost": want HOST:PORT`,
			}},
		{name: "database unreachable", args: []string{"migrate", "--database-url", "postgres://postgres@127.0.0.1:1/x?connect_timeout=5"},
			wantCode: exitFailure, wantStderr: []string{"mastra-admin: migrate postgres: "}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			res := runCLI(t, tt.env, tt.args...)
			assert.Equal(t, tt.wantCode, res.code, "stdout: %s\nstderr: %s", res.stdout, res.stderr)
			assert.Contains(t, res.stdout, tt.wantStdout)
			for _, want := range tt.wantStderr {
				assert.Contains(t, res.stderr, want)
			}
		})
	}
}

func TestLoadConfigAndLogger(t *testing.T) {
	t.Parallel()
	var stdout, stderr bytes.Buffer
	a := newApp(func(k string) (string, bool) {
		v, ok := map[string]string{"LOG_LEVEL": "debug", "MASTRA_ADMIN_ENCRYPTION_KEY": "hunter2"}[k]
		return v, ok
	}, &stdout, &stderr)
	root := newRootCmd(a)
	require.NoError(t, root.PersistentFlags().Parse([]string{"--log-format", "json", "--data-dir", "/tmp/x"}))

	_, _, err := a.loadConfigAndLogger()
	require.Error(t, err, "hunter2 is not a 32-byte base64 key")
	assert.NotContains(t, err.Error(), "hunter2")

	a.cfg.EncryptionKey = ""
	cfg, log, err := a.loadConfigAndLogger()
	require.NoError(t, err)
	assert.Equal(t, "/tmp/x", cfg.DataDir)
	log.WithField("config", cfg).Debug("configured")
	assert.Contains(t, stderr.String(), `"msg":"configured"`)
}
