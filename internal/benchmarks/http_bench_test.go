package benchmarks

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/sirupsen/logrus"
	"github.com/stretchr/testify/require"

	"github.com/mastra-admin/mastra-admin/adapters/httpapi"
	"github.com/mastra-admin/mastra-admin/commands"
	"github.com/mastra-admin/mastra-admin/internal/apptest"
)

// BenchmarkCreateTeamHTTP measures POST /api/teams end to end (HTTP,
// authentication, slug claim, append) at 8 clients, timed until every
// projection has applied the last team too, against raw one-row INSERTs at
// 8 writers. Goal: ratio >= 0.4, no errors.
func BenchmarkCreateTeamHTTP(b *testing.B) {
	env := apptest.Start(b)
	setupRaw(b, env.DB)
	api, err := httpapi.New(httpapi.Config{Admin: env.Admin, Readiness: env.App, Logger: logrus.NewEntry(env.Log)})
	require.NoError(b, err)
	srv := httptest.NewServer(api)
	b.Cleanup(srv.Close)
	ctx := context.Background()
	tokens := make([]string, 8)
	for i := range tokens {
		u, err := env.Admin.EnsureUser(ctx, fmt.Sprintf("bench%d@example.com", i), "", false)
		require.NoError(b, err)
		tok, err := env.Admin.CreateToken(ctx, commands.System, u.ID, "bench", nil)
		require.NoError(b, err)
		tokens[i] = tok.Token
	}
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 16}}
	post := func(tag string, w, i int) error {
		body := fmt.Sprintf(`{"name":"Team %s %d %d"}`, tag, w, i)
		req, err := http.NewRequest(http.MethodPost, srv.URL+"/api/teams", strings.NewReader(body))
		if err != nil {
			return err
		}
		req.Header.Set("Authorization", "Bearer "+tokens[w])
		req.Header.Set("Content-Type", "application/json")
		res, err := client.Do(req)
		if err != nil {
			return err
		}
		defer res.Body.Close()
		if res.StatusCode != http.StatusCreated {
			msg, _ := io.ReadAll(res.Body)
			return fmt.Errorf("status %d: %s", res.StatusCode, msg)
		}
		_, err = io.Copy(io.Discard, res.Body)
		return err
	}
	for n := 0; n < b.N; n++ {
		api, raw := againstRawInserts(b, env.DB, "team.TeamCreated", 5, 8, 250, post,
			func() error { return env.Waiter.WaitForHead(ctx) }, nil)
		report(b, "POST /api/teams, 8 clients, until projected", api, raw, "req/s", 0.4)
	}
}

// BenchmarkCreateTeamCommand is BenchmarkCreateTeamHTTP without HTTP: the
// same 8 callers call Admin.CreateTeam directly, timed until projected. It
// has no goal of its own; with the HTTP figure it shows what the HTTP
// exchange costs on this machine.
func BenchmarkCreateTeamCommand(b *testing.B) {
	env := apptest.Start(b)
	setupRaw(b, env.DB)
	ctx := context.Background()
	users := make([]commands.Principal, 8)
	for i := range users {
		u, err := env.Admin.EnsureUser(ctx, fmt.Sprintf("bench%d@example.com", i), "", false)
		require.NoError(b, err)
		users[i] = commands.Principal{UserID: u.ID, Email: u.Email}
	}
	create := func(tag string, w, i int) error {
		_, err := env.Admin.CreateTeam(ctx, users[w], commands.CreateTeamInput{Name: fmt.Sprintf("Team %s %d %d", tag, w, i)})
		return err
	}
	for n := 0; n < b.N; n++ {
		direct, raw := againstRawInserts(b, env.DB, "team.TeamCreated", 5, 8, 250, create,
			func() error { return env.Waiter.WaitForHead(ctx) }, nil)
		report(b, "Admin.CreateTeam, 8 callers, until projected", direct, raw, "req/s", 0)
	}
}
