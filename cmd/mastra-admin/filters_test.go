package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mastra-admin/mastra-admin/commands"
	"github.com/mastra-admin/mastra-admin/internal/apptest"
)

// TestEventsAndAuditFilters: events list by stream and after a position,
// and a team's audit export as CSV since a time, which verifies.
func TestEventsAndAuditFilters(t *testing.T) {
	t.Parallel()
	env := apptest.Start(t)
	ctx := context.Background()
	u, err := env.Admin.EnsureUser(ctx, "lead@example.com", "", false)
	require.NoError(t, err)
	lead := commands.Principal{UserID: u.ID, Email: u.Email}
	a, err := env.Admin.CreateTeam(ctx, lead, commands.CreateTeamInput{Name: "Team A"})
	require.NoError(t, err)
	b, err := env.Admin.CreateTeam(ctx, lead, commands.CreateTeamInput{Name: "Team B"})
	require.NoError(t, err)
	_, err = env.Admin.UpdateTeam(ctx, lead, a.ID, commands.UpdateTeamInput{Name: ptr("Team A2")})
	require.NoError(t, err)
	env.CaughtUp(t)
	dir := t.TempDir()
	cli := map[string]string{"DATABASE_URL": env.DB.URL, "MASTRA_ADMIN_DATA_DIR": dir, "LOG_LEVEL": "warn"}

	type event struct {
		Position int64  `json:"position"`
		Stream   string `json:"streamId"`
		Type     string `json:"type"`
	}
	list := func(args ...string) []event {
		res := runCLI(t, cli, append([]string{"events", "list", "-o", "json"}, args...)...)
		require.Equal(t, exitOK, res.code, res.stderr)
		var out []event
		for _, line := range strings.Split(strings.TrimSpace(res.stdout), "\n") {
			if line == "" {
				continue
			}
			var e event
			require.NoError(t, json.Unmarshal([]byte(line), &e), line)
			out = append(out, e)
		}
		return out
	}
	all := list()
	ofA := list("--stream", "team-"+a.ID.String())
	require.Len(t, ofA, 2, "created and renamed")
	for _, e := range ofA {
		assert.Equal(t, "team-"+a.ID.String(), e.Stream)
	}
	after := list("--after", "2")
	assert.Len(t, after, len(all)-2)
	for _, e := range after {
		assert.Greater(t, e.Position, int64(2))
	}

	out := filepath.Join(dir, "a.csv")
	res := runCLI(t, cli, "audit", "export", "--team", a.ID.String(), "--format", "csv", "--since", "2000-01-01T00:00:00Z", "--out", out)
	require.Equal(t, exitOK, res.code, res.stderr)
	f, err := os.Open(out)
	require.NoError(t, err)
	r := csv.NewReader(f)
	r.Comment = '#' // the signed trailer
	rows, err := r.ReadAll()
	f.Close()
	require.NoError(t, err)
	require.Len(t, rows, 3, "a header and team A's two entries")
	assert.NotContains(t, strings.Join(rows[1], ","), b.ID.String(), "no entry of another team")
	ok := runCLI(t, cli, "audit", "verify", out)
	require.Equal(t, exitOK, ok.code, ok.stderr)
	assert.Contains(t, ok.stdout, "ok: 2 entries, csv")
	late := runCLI(t, cli, "audit", "export", "--team", a.ID.String(), "--since", "2999-01-01T00:00:00Z")
	require.Equal(t, exitOK, late.code, late.stderr)
	assert.Contains(t, late.stdout, `"count":0`, "nothing since a future time: a signed trailer of no entries")
	assert.Equal(t, 1, strings.Count(strings.TrimSpace(late.stdout), "\n")+1)
}

func ptr[T any](v T) *T { return &v }
