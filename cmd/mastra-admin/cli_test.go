package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mastra-admin/mastra-admin/commands"
	"github.com/mastra-admin/mastra-admin/eventstore"
	"github.com/mastra-admin/mastra-admin/internal/pgtest"
)

// TestOperatorWorkflow drives the CLI the way an operator would: create a
// token, read the events, rebuild, build an as-of schema, export the audit
// log and verify it, then catch tampering.
func TestOperatorWorkflow(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	dir := t.TempDir()
	env := map[string]string{"DATABASE_URL": db.URL, "MASTRA_ADMIN_DATA_DIR": dir, "LOG_LEVEL": "warn"}

	tok := runCLI(t, env, "token", "create", "--email", "Ops@Example.com", "--admin")
	require.Equal(t, exitOK, tok.code, tok.stderr)
	assert.Regexp(t, `^mat_[0-9a-f]{8}_[A-Za-z0-9_-]{43}\n$`, tok.stdout, "the token alone on stdout")
	again := runCLI(t, env, "token", "create", "--email", "ops@example.com", "--name", "second")
	require.Equal(t, exitOK, again.code, again.stderr)
	assert.NotEqual(t, tok.stdout, again.stdout)

	list := runCLI(t, env, "events", "list", "-o", "json")
	require.Equal(t, exitOK, list.code, list.stderr)
	lines := strings.Split(strings.TrimSpace(list.stdout), "\n")
	require.Len(t, lines, 4, "registration, admin grant, two tokens")
	var first map[string]any
	require.NoError(t, json.Unmarshal([]byte(lines[0]), &first))
	assert.Equal(t, "user.UserRegistered", first["type"])
	requestIDs := map[string]int{}
	for _, line := range lines {
		var ev struct {
			Metadata struct {
				RequestID, CorrelationID string
			}
		}
		require.NoError(t, json.Unmarshal([]byte(line), &ev))
		assert.True(t, strings.HasPrefix(ev.Metadata.RequestID, "cli-"), "CLI events carry the invocation's request id: %s", line)
		assert.Equal(t, ev.Metadata.RequestID, ev.Metadata.CorrelationID)
		requestIDs[ev.Metadata.RequestID]++
	}
	assert.Len(t, requestIDs, 2, "two invocations: one for the user, grant and first token, one for the second token")
	assert.NotContains(t, list.stdout, strings.TrimSpace(tok.stdout)[13:], "no token secret in any event")

	filtered := runCLI(t, env, "events", "tail", "-n", "1", "--type", "user.APITokenIssued")
	require.Equal(t, exitOK, filtered.code, filtered.stderr)
	assert.Equal(t, 1, strings.Count(filtered.stdout, "\n"))
	assert.Contains(t, filtered.stdout, "user.APITokenIssued")

	replay := runCLI(t, env, "replay", "--projection", "all")
	require.Equal(t, exitOK, replay.code, replay.stderr)
	assert.Contains(t, replay.stdout, "rebuilt users from 4 events")
	assert.Contains(t, replay.stdout, "rebuilt claims from 4 events")
	asOf := runCLI(t, env, "replay", "--as-of", "2", "--into", "asof_"+db.Schema)
	require.Equal(t, exitOK, asOf.code, asOf.stderr)
	t.Cleanup(func() { _, _ = db.Pool.Exec(t.Context(), "DROP SCHEMA asof_"+db.Schema+" CASCADE") })
	var users int
	require.NoError(t, db.Pool.QueryRow(t.Context(), "SELECT count(*) FROM asof_"+db.Schema+".users").Scan(&users))
	assert.Equal(t, 1, users)
	var second time.Time // as of the second event's time: the user, not yet an admin
	require.NoError(t, db.Pool.QueryRow(t.Context(), "SELECT recorded_at FROM events ORDER BY global_position OFFSET 1 LIMIT 1").Scan(&second))
	asOfTime := runCLI(t, env, "replay", "--as-of", second.Format(time.RFC3339Nano), "--into", "asoft_"+db.Schema)
	require.Equal(t, exitOK, asOfTime.code, asOfTime.stderr)
	t.Cleanup(func() { _, _ = db.Pool.Exec(t.Context(), "DROP SCHEMA asoft_"+db.Schema+" CASCADE") })
	var applied int
	require.NoError(t, db.Pool.QueryRow(t.Context(), "SELECT events_applied FROM asoft_"+db.Schema+".as_of").Scan(&applied))
	assert.Equal(t, 2, applied, "the events up to that time, and none after")

	require.NoError(t, eventstore.EnsureCheckpoint(t.Context(), db.Pool, commands.MarkersConsumer))
	_, err := db.Pool.Exec(t.Context(), `UPDATE consumer_checkpoints SET global_position = 3 WHERE consumer = $1`, commands.MarkersConsumer)
	require.NoError(t, err)
	markers := runCLI(t, env, "replay", "--markers")
	require.Equal(t, exitOK, markers.code, markers.stderr)
	assert.Contains(t, markers.stdout, "observability-markers starts over from the first event")
	var at int64
	require.NoError(t, db.Pool.QueryRow(t.Context(), `SELECT global_position FROM consumer_checkpoints WHERE consumer = $1`, commands.MarkersConsumer).Scan(&at))
	assert.Zero(t, at)
	mixed := runCLI(t, env, "replay", "--markers", "--projection", "all")
	assert.Equal(t, exitUsage, mixed.code, mixed.stderr)
	assert.Contains(t, mixed.stderr, "--markers goes alone")

	out := filepath.Join(dir, "audit.jsonl")
	exp := runCLI(t, env, "audit", "export", "--out", out)
	require.Equal(t, exitOK, exp.code, exp.stderr)
	ok := runCLI(t, env, "audit", "verify", out)
	require.Equal(t, exitOK, ok.code, ok.stderr)
	assert.Contains(t, ok.stdout, "ok: 4 entries")
	assert.Contains(t, ok.stdout, "signature verified")

	body, err := os.ReadFile(out)
	require.NoError(t, err)
	rows := strings.SplitAfter(string(body), "\n")
	tampered := map[string]string{
		"edited":    strings.Replace(string(body), "ops@example.com", "eve@example.com", 1),
		"removed":   rows[0] + rows[2] + strings.Join(rows[3:], ""),
		"reordered": rows[1] + rows[0] + strings.Join(rows[2:], ""),
		"truncated": strings.Join(rows[:4], ""),
	}
	for name, content := range tampered {
		p := filepath.Join(dir, name+".jsonl")
		require.NoError(t, os.WriteFile(p, []byte(content), 0o600))
		res := runCLI(t, env, "audit", "verify", p)
		assert.Equal(t, exitFailure, res.code, "%s: %s", name, res.stdout)
		assert.NotEmpty(t, res.stderr, name)
	}

	bad := runCLI(t, env, "replay", "--projection", "nope")
	assert.Equal(t, exitUsage, bad.code)
	bad = runCLI(t, env, "events", "list", "-o", "yaml")
	assert.Equal(t, exitUsage, bad.code)
	bad = runCLI(t, env, "token", "create")
	assert.Equal(t, exitUsage, bad.code)
}
