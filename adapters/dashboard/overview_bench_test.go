package dashboard_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"sort"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/sirupsen/logrus"
	"github.com/stretchr/testify/require"

	"github.com/mastra-admin/mastra-admin/adapters/dashboard"
	"github.com/mastra-admin/mastra-admin/adapters/httpapi"
	"github.com/mastra-admin/mastra-admin/adapters/pgstore"
	"github.com/mastra-admin/mastra-admin/commands"
	"github.com/mastra-admin/mastra-admin/domain"
	"github.com/mastra-admin/mastra-admin/domain/deployment"
	"github.com/mastra-admin/mastra-admin/domain/project"
	"github.com/mastra-admin/mastra-admin/domain/server"
	"github.com/mastra-admin/mastra-admin/domain/team"
	"github.com/mastra-admin/mastra-admin/internal/apptest"
)

// BenchmarkOverviewPages renders the platform overview and a team's home
// with 100 teams, 1,000 projects and 5,000 deployments (80% served
// healthy, 4% with a failing route, the rest never deployed), through
// the real HTTP stack with a signed-in session, and reports p50 and p95.
// Issue 11's goal: p95 under 50 ms.
//
//	go test -run '^$' -bench OverviewPages -benchtime 200x ./adapters/dashboard/
func BenchmarkOverviewPages(b *testing.B) {
	env := apptest.Start(b)
	ctx := context.Background()
	root, err := env.Admin.EnsureUser(ctx, "root@example.com", "", true)
	require.NoError(b, err)
	owner, err := env.Admin.EnsureUser(ctx, "owner@example.com", "", false)
	require.NoError(b, err)
	teams := seedOverview(b, env, owner.ID, 100, 10, 5)
	env.CaughtUp(b)
	// Autovacuum vacuums and analyzes tables this size on its own; the
	// benchmark must not wait for it, nor measure it running (without
	// statistics the planner picks nested loops for 5,000 rows: about
	// twice the time).
	_, err = env.DB.Pool.Exec(ctx, "VACUUM ANALYZE")
	require.NoError(b, err)

	log := logrus.NewEntry(env.Log)
	api, err := httpapi.New(httpapi.Config{Admin: env.Admin, Readiness: env.App, Logger: log, Sessions: env.Sessions})
	require.NoError(b, err)
	dash, err := dashboard.New(dashboard.Config{Admin: env.Admin, Sessions: env.Sessions, Logger: log})
	require.NoError(b, err)
	srv := httptest.NewServer(dashboard.FrontDoor(api, dash))
	b.Cleanup(srv.Close)

	// The read alone (three queries and their nesting), without rendering.
	b.Run("read", func(b *testing.B) {
		p := commands.Principal{UserID: root.ID, Email: root.Email, PlatformAdmin: true}
		times := make([]time.Duration, 0, b.N)
		for range b.N {
			start := time.Now()
			_, err := env.Admin.PlatformSummary(ctx, p, 100)
			require.NoError(b, err)
			times = append(times, time.Since(start))
		}
		reportPercentiles(b, times)
	})
	for _, c := range []struct {
		name, path string
		user       uuid.UUID
	}{
		{"admin", "/admin", root.ID},
		{"team", "/teams/" + teams[len(teams)/2].String(), owner.ID},
	} {
		b.Run(c.name, func(b *testing.B) {
			client := signedInClient(b, env, srv.URL, c.user)
			get := func() (time.Duration, int) {
				start := time.Now()
				res, err := client.Get(srv.URL + c.path)
				require.NoError(b, err)
				n, _ := io.Copy(io.Discard, res.Body)
				res.Body.Close()
				require.Equal(b, http.StatusOK, res.StatusCode)
				return time.Since(start), int(n)
			}
			_, size := get() // warm up (template and statement caches)
			times := make([]time.Duration, 0, b.N)
			b.ResetTimer()
			for range b.N {
				d, _ := get()
				times = append(times, d)
			}
			b.StopTimer()
			reportPercentiles(b, times)
			b.ReportMetric(float64(size)/1024, "page-KiB")
		})
	}
}

func reportPercentiles(b *testing.B, times []time.Duration) {
	sort.Slice(times, func(i, j int) bool { return times[i] < times[j] })
	at := func(p float64) float64 {
		return float64(times[min(len(times)-1, int(p*float64(len(times))))].Microseconds()) / 1000
	}
	b.ReportMetric(at(0.50), "p50-ms")
	b.ReportMetric(at(0.95), "p95-ms")
}

// signedInClient is an HTTP client with a dashboard session of user.
func signedInClient(b *testing.B, env *apptest.Env, base string, user uuid.UUID) *http.Client {
	tok, err := env.Admin.CreateToken(context.Background(), commands.System, user, "bench", nil)
	require.NoError(b, err)
	jar, err := cookiejar.New(nil)
	require.NoError(b, err)
	c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := c.PostForm(base+"/sign-in", url.Values{"token": {tok.Token}, "next": {"/"}})
	require.NoError(b, err)
	res.Body.Close()
	require.Equal(b, http.StatusSeeOther, res.StatusCode)
	return c
}

// seedOverview records nTeams teams owned by owner, each with perTeam
// projects of perProject deployments, straight into the event store (no
// claims: only the read models matter here), and returns the teams.
func seedOverview(b *testing.B, env *apptest.Env, owner uuid.UUID, nTeams, perTeam, perProject int) []uuid.UUID {
	ctx := context.Background()
	store := pgstore.NewEventStore(env.Store, pgstore.Registry())
	at := time.Now().UTC()
	ev := func(events ...domain.Event) []commands.NewEvent {
		out := make([]commands.NewEvent, len(events))
		for i, e := range events {
			out[i] = commands.NewEvent{ID: uuid.New(), Event: e}
		}
		return out
	}
	var teams []uuid.UUID
	n := 0
	for ti := range nTeams {
		tid := uuid.New()
		teams = append(teams, tid)
		slug := fmt.Sprintf("team-%03d", ti)
		appends := []commands.Append{{StreamID: team.StreamID(tid), Expected: commands.NoStream, Events: ev(
			team.Created{TeamID: tid, Name: fmt.Sprintf("Team %03d", ti), Slug: slug, CreatedBy: owner, At: at},
			team.MemberAdded{TeamID: tid, UserID: owner, Role: domain.RoleOwner, By: owner, At: at})}}
		for pi := range perTeam {
			pid := uuid.New()
			pslug := fmt.Sprintf("agent-%02d", pi)
			appends = append(appends, commands.Append{StreamID: project.StreamID(pid), Expected: commands.NoStream, Events: ev(
				project.Created{ProjectID: pid, TeamID: tid, Name: fmt.Sprintf("Agent %02d", pi), Slug: pslug, SourceType: "local",
					SourceConfig: json.RawMessage(`{"path":"/srv/agent"}`), DefaultBranch: "main", SubdomainBase: slug + "-" + pslug, By: owner, At: at})})
			for di := range perProject {
				did := uuid.New()
				dslug := fmt.Sprintf("preview-%d", di)
				sub := dslug + "--" + slug + "-" + pslug
				created := deployment.Created{DeploymentID: did, ProjectID: pid, TeamID: tid, Type: deployment.Preview, Branch: "main",
					Slug: dslug, Subdomain: sub, By: owner, At: at}
				n++
				if n%100 >= 80 { // never deployed
					appends = append(appends, commands.Append{StreamID: deployment.StreamID(did), Expected: commands.NoStream, Events: ev(created)})
					continue
				}
				sid, bid := uuid.New(), uuid.New()
				target := fmt.Sprintf("127.0.0.1:%d", 4100+n%100)
				devs := []domain.Event{created, deployment.RouteSwitched{DeploymentID: did, ProjectID: pid, TeamID: tid, Subdomain: sub,
					ServerID: sid, BuildID: bid, ArtifactID: bid, BuildQueuedAt: at, Target: target, At: at}}
				if n%100 >= 76 {
					devs = append(devs, deployment.RouteHealthChanged{DeploymentID: did, ProjectID: pid, TeamID: tid, Subdomain: sub,
						ServerID: sid, Target: target, Healthy: false, Reason: "GET /health: connection refused", Router: "r1", At: at})
				}
				appends = append(appends,
					commands.Append{StreamID: server.StreamID(sid), Expected: commands.NoStream, Events: ev(
						server.Scheduled{ServerID: sid, DeploymentID: did, ProjectID: pid, TeamID: tid, BuildID: bid, ArtifactID: bid,
							Port: 4100 + n%100, Purpose: server.PurposeDeploy, At: at},
						server.Started{ServerID: sid, DeploymentID: did, PID: 1000 + n, At: at},
						server.Healthy{ServerID: sid, DeploymentID: did, At: at})},
					commands.Append{StreamID: deployment.StreamID(did), Expected: commands.NoStream, Events: ev(devs...)})
			}
		}
		_, err := store.Append(ctx, commands.Meta{Actor: "bench"}, commands.Conditions{}, appends...)
		require.NoError(b, err)
	}
	return teams
}
