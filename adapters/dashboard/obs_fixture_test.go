package dashboard_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/sirupsen/logrus"
	"github.com/stretchr/testify/require"

	"github.com/mastra-admin/mastra-admin/adapters/clickhouse"
	"github.com/mastra-admin/mastra-admin/adapters/dashboard"
	"github.com/mastra-admin/mastra-admin/adapters/httpapi"
	"github.com/mastra-admin/mastra-admin/adapters/pgstore"
	"github.com/mastra-admin/mastra-admin/adapters/source/local"
	"github.com/mastra-admin/mastra-admin/commands"
	"github.com/mastra-admin/mastra-admin/domain/deployment"
	"github.com/mastra-admin/mastra-admin/internal/app"
	"github.com/mastra-admin/mastra-admin/internal/apptest"
	"github.com/mastra-admin/mastra-admin/internal/chtest"
)

// obsEnv is a dashboard with a project that has a production and a
// staging deployment, a deploy of production (a build and the route
// switch that marks it on charts) and, with ClickHouse, spans and logs.
type obsEnv struct {
	*dashEnv
	store   *clickhouse.Store // nil: no observability store configured
	owner   string            // the project's team owner's API token
	project uuid.UUID
	prod    uuid.UUID
	staging uuid.UUID
	build   uuid.UUID
	t0      time.Time // the first seeded trace's start
}

// startObs starts the dashboard over a local source; withStore gives it a
// fresh ClickHouse database (the test is skipped when ClickHouse is down).
func startObs(t testing.TB, withStore bool) *obsEnv {
	t.Helper()
	base := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(base, "math", "src", "mastra"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(base, "math", "package.json"), []byte(`{"name":"math","dependencies":{"@mastra/core":"1"}}`), 0o644))
	sources, err := local.New([]string{base})
	require.NoError(t, err)
	var store *clickhouse.Store
	if withStore {
		store = chtest.New(t, "")
	}
	env := apptest.Start(t, func(c *app.Config) {
		c.Commands.Sources = sources
		if store != nil {
			c.Markers = store // the deploy marker of switchRoute is projected there
		}
	})
	if store != nil {
		env.Admin.SetObservability(store)
	}
	log := logrus.NewEntry(env.Log)
	api, err := httpapi.New(httpapi.Config{Admin: env.Admin, Readiness: env.App, Logger: log, Sessions: env.Sessions})
	require.NoError(t, err)
	dash, err := dashboard.New(dashboard.Config{Admin: env.Admin, Sessions: env.Sessions, Logger: log})
	require.NoError(t, err)
	srv := httptest.NewServer(dashboard.FrontDoor(api, dash))
	t.Cleanup(srv.Close)
	e := &obsEnv{dashEnv: &dashEnv{Env: env, srv: srv}, store: store}

	ctx := context.Background()
	e.owner = e.tokenTB(t, "owner@example.com")
	p, err := env.Admin.Authenticate(ctx, e.owner)
	require.NoError(t, err)
	tm, err := env.Admin.CreateTeam(ctx, p, commands.CreateTeamInput{Name: "Agents"})
	require.NoError(t, err)
	src, _ := json.Marshal(map[string]string{"path": filepath.Join(base, "math")})
	pr, err := env.Admin.CreateProject(ctx, p, tm.ID, commands.ProjectInput{Name: "Math", SourceType: "local", SourceConfig: src})
	require.NoError(t, err)
	e.project = pr.ID
	env.CaughtUp(t)
	prod, err := env.Admin.CreateDeployment(ctx, p, pr.ID, commands.DeploymentInput{Type: deployment.Production})
	require.NoError(t, err)
	staging, err := env.Admin.CreateDeployment(ctx, p, pr.ID, commands.DeploymentInput{Type: deployment.Staging, Branch: "next"})
	require.NoError(t, err)
	e.prod, e.staging = prod.ID, staging.ID
	env.CaughtUp(t)
	b, err := env.Admin.Deploy(ctx, p, prod.ID)
	require.NoError(t, err)
	e.build = b.ID
	e.switchRoute(t, prod, b.ID, time.Now().Add(-5*time.Minute))
	env.CaughtUp(t)
	if store != nil {
		require.Eventually(t, func() bool {
			m, err := store.Markers(ctx, pr.ID, commands.MarkerFilter{})
			return err == nil && len(m) == 1
		}, 30*time.Second, 20*time.Millisecond, "the deploy marker is projected into ClickHouse")
	}
	e.t0 = time.Now().Add(-10 * time.Minute).Truncate(time.Minute)
	return e
}

// tokenTB is token for a testing.TB (benchmarks too).
func (e *obsEnv) tokenTB(t testing.TB, email string) string {
	t.Helper()
	u, err := e.Admin.EnsureUser(context.Background(), email, "", false)
	require.NoError(t, err)
	tok, err := e.Admin.CreateToken(context.Background(), commands.System, u.ID, "test", nil)
	require.NoError(t, err)
	return tok.Token
}

// switchRoute records that build serves d, as the deploy saga does once
// the build's server is healthy (the charts' deploy marker).
func (e *obsEnv) switchRoute(t testing.TB, d deployment.View, build uuid.UUID, at time.Time) {
	t.Helper()
	ctx := context.Background()
	store := pgstore.NewEventStore(e.Store, pgstore.Registry())
	_, version, err := store.Load(ctx, deployment.StreamID(d.ID))
	require.NoError(t, err)
	_, err = store.Append(ctx, commands.Meta{Actor: "test"}, commands.Conditions{}, commands.Append{
		StreamID: deployment.StreamID(d.ID), Expected: version,
		Events: []commands.NewEvent{{ID: uuid.New(), Event: deployment.RouteSwitched{DeploymentID: d.ID, ProjectID: d.ProjectID,
			TeamID: d.TeamID, Subdomain: d.Subdomain, ServerID: uuid.New(), BuildID: build, BuildQueuedAt: at,
			Target: "127.0.0.1:1", At: at}}},
	})
	require.NoError(t, err)
}

func (e *obsEnv) span(dep, build uuid.UUID, trace, id, parent, name, status string, start time.Time, dur time.Duration) commands.SpanRow {
	us := uint64(start.UnixMicro())
	return commands.SpanRow{ProjectID: e.project, DeploymentID: dep, BuildID: build, TraceID: trace, SpanID: id,
		ParentSpanID: parent, Name: name, Type: "step", Entity: "math", StartUS: us, EndUS: us + uint64(dur.Microseconds()),
		DurationUS: uint64(dur.Microseconds()), Status: status, Attributes: `{"span":"` + id + `"}`,
		Input: `{"in":"` + id + `"}`, Output: `"out of ` + id + `"`}
}

// insertSpans stores rows as lines of one file.
func (e *obsEnv) insertSpans(t testing.TB, rows []commands.SpanRow) {
	t.Helper()
	file := fmt.Sprintf("observability/spans/%s/%s.jsonl", e.project, uuid.NewString())
	for i := range rows {
		rows[i].File, rows[i].Line = file, uint32(i+1)
	}
	require.NoError(t, e.store.InsertSpans(context.Background(), []commands.SpanFile{{File: file, Rows: rows}}))
}

// seed stores three traces (a finished one with an LLM call, a failed
// one on production, one on staging), 60 older traces for paging, and
// log lines.
func (e *obsEnv) seed(t testing.TB) {
	t.Helper()
	t0 := e.t0
	llm := e.span(e.prod, e.build, "trace-ok", "ok3", "ok1", "llm call", commands.SpanOK, t0.Add(2*time.Millisecond), 3*time.Millisecond)
	llm.InputTokens, llm.OutputTokens, llm.Model = 1200, 300, "gpt"
	failed := e.span(e.prod, e.build, "trace-err", "err1", "", "workflow math", commands.SpanError, t0.Add(time.Minute), 5*time.Millisecond)
	failed.Error = "Bad input: x"
	rows := []commands.SpanRow{
		e.span(e.prod, e.build, "trace-ok", "ok1", "", "workflow math", commands.SpanOK, t0, 10*time.Millisecond),
		e.span(e.prod, e.build, "trace-ok", "ok2", "ok1", "step add", commands.SpanOK, t0.Add(time.Millisecond), 2*time.Millisecond),
		llm, failed,
		e.span(e.staging, uuid.Nil, "trace-stg", "stg1", "", "agent helper", commands.SpanOK, t0.Add(2*time.Minute), time.Millisecond),
	}
	for i := range 60 {
		rows = append(rows, e.span(e.prod, e.build, fmt.Sprintf("bulk-%02d", i), fmt.Sprintf("b%d", i), "", fmt.Sprintf("bulk run %02d", i),
			commands.SpanOK, t0.Add(-time.Hour-time.Duration(i)*time.Second), time.Millisecond))
	}
	e.insertSpans(t, rows)
	file := fmt.Sprintf("observability/logs/%s/l.jsonl", e.project)
	line := func(n uint32, dep uuid.UUID, at time.Time, level, msg, trace string) commands.LogRow {
		return commands.LogRow{ProjectID: e.project, DeploymentID: dep, TimeUS: uint64(at.UnixMicro()), Level: level,
			Message: msg, TraceID: trace, File: file, Line: n}
	}
	logs := []commands.LogRow{
		line(1, e.prod, t0.Add(time.Millisecond), "info", "Adding 2 and 3", "trace-ok"),
		line(2, e.prod, t0.Add(time.Minute), "error", "Bad input: x", "trace-err"),
		line(3, e.staging, t0.Add(2*time.Minute), "info", "staging server ready", ""),
	}
	logs[0].Data = `{"n":1}`
	for i := range 55 {
		logs = append(logs, line(uint32(10+i), e.prod, t0.Add(-time.Hour-time.Duration(i)*time.Second), "debug", fmt.Sprintf("tick %02d", i), ""))
	}
	require.NoError(t, e.store.InsertLogs(context.Background(), []commands.LogFile{{File: file, Rows: logs}}))
}
