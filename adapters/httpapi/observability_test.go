package httpapi_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mastra-admin/mastra-admin/commands"
	"github.com/mastra-admin/mastra-admin/internal/app"
	"github.com/mastra-admin/mastra-admin/internal/chtest"
)

// obsProject is a team's project with a deployment and a build, owned by token.
type obsProject struct {
	token                      string
	project, deployment, build uuid.UUID
}

func newObsProject(t *testing.T, e *apiEnv, mathPath, email string) obsProject {
	t.Helper()
	o := obsProject{token: e.token(t, email, false)}
	res := e.do(t, "POST", "/api/teams", o.token, strings.NewReader(`{"name":"Obs `+email+`"}`))
	require.Equal(t, http.StatusCreated, res.status, string(res.body))
	team := res.json(t)["id"].(string)
	res = e.do(t, "POST", "/api/teams/"+team+"/projects", o.token, strings.NewReader(sourceBody("Obs", mathPath)))
	require.Equal(t, http.StatusCreated, res.status, string(res.body))
	o.project = uuid.MustParse(res.json(t)["id"].(string))
	res = e.do(t, "POST", "/api/projects/"+o.project.String()+"/deployments", o.token, strings.NewReader(`{"type":"production"}`))
	require.Equal(t, http.StatusCreated, res.status, string(res.body))
	o.deployment = uuid.MustParse(res.json(t)["id"].(string))
	res = e.do(t, "POST", "/api/deployments/"+o.deployment.String()+"/deploy", o.token, nil)
	require.Equal(t, http.StatusAccepted, res.status, string(res.body))
	o.build = uuid.MustParse(res.json(t)["id"].(string))
	return o
}

func span(o obsProject, build uuid.UUID, trace, id, parent, name, status string, startUS, durUS uint64, line uint32) commands.SpanRow {
	return commands.SpanRow{ProjectID: o.project, DeploymentID: o.deployment, BuildID: build, TraceID: trace, SpanID: id,
		ParentSpanID: parent, Name: name, Type: "step", Entity: "math", StartUS: startUS, EndUS: startUS + durUS,
		DurationUS: durUS, Status: status, Attributes: `{"k":"` + id + `"}`, Input: `{"in":"` + id + `"}`, Output: `"out"`,
		File: "observability/spans/" + o.project.String() + "/f.jsonl", Line: line}
}

func TestObservabilityQueriesOverHTTP(t *testing.T) {
	t.Parallel()
	store := chtest.New(t, "")
	base := projectsDir(t)
	e := startWithSources(t, base, func(c *app.Config) { c.Markers = store })
	e.Admin.SetObservability(store)
	mathPath, err := filepath.EvalSymlinks(filepath.Join(base, "math"))
	require.NoError(t, err)
	one := newObsProject(t, e, mathPath, "one@example.com")
	two := newObsProject(t, e, mathPath, "two@example.com")
	res := e.do(t, "PUT", "/api/projects/"+one.project.String()+"/env/MODEL", one.token, strings.NewReader(`{"value":"gpt"}`))
	require.Equal(t, http.StatusOK, res.status, string(res.body))
	e.CaughtUp(t)
	require.Eventually(t, func() bool { // the env change's marker, projected into ClickHouse
		m, err := store.Markers(context.Background(), one.project, commands.MarkerFilter{})
		return err == nil && len(m) == 1
	}, 30*time.Second, 20*time.Millisecond)

	now := time.Now().Truncate(time.Minute)
	t0 := uint64(now.Add(-10 * time.Minute).UnixMicro())
	llm := span(one, one.build, "trace-a", "a3", "a1", "llm", commands.SpanOK, t0+2000, 3000, 3)
	llm.InputTokens, llm.OutputTokens, llm.Model = 100, 20, "gpt"
	ones := []commands.SpanRow{
		span(one, one.build, "trace-a", "a1", "", "workflow math", commands.SpanOK, t0, 10000, 1),
		span(one, one.build, "trace-a", "a2", "a1", "step add", commands.SpanOK, t0+1000, 2000, 2),
		llm,
		span(one, one.build, "trace-b", "b1", "", "workflow math", commands.SpanError, t0+60e6, 5000, 4),
		span(one, uuid.Nil, "trace-c", "c1", "", "agent helper", commands.SpanOK, t0+120e6, 1000, 5),
	}
	twos := []commands.SpanRow{
		span(two, two.build, "trace-x", "x1", "", "workflow other", commands.SpanOK, t0, 1000, 1),
		span(two, two.build, "trace-a", "forged", "", "not yours", commands.SpanOK, t0, 1000, 2), // another team's span in one's trace ID
	}
	ctx := context.Background()
	require.NoError(t, store.InsertSpans(ctx, []commands.SpanFile{{File: ones[0].File, Rows: ones}, {File: twos[0].File, Rows: twos}}))
	logFile := "observability/logs/" + one.project.String() + "/l.jsonl"
	require.NoError(t, store.InsertLogs(ctx, []commands.LogFile{{File: logFile, Rows: []commands.LogRow{
		{ProjectID: one.project, DeploymentID: one.deployment, TimeUS: t0 + 1500, Level: "info", Message: "Adding 2 and 3", TraceID: "trace-a", SpanID: "a2", Data: `{"n":1}`, File: logFile, Line: 1},
		{ProjectID: one.project, DeploymentID: one.deployment, TimeUS: t0 + 60e6, Level: "error", Message: "Bad input: x", TraceID: "trace-b", File: logFile, Line: 2},
		{ProjectID: one.project, DeploymentID: one.deployment, TimeUS: t0 + 61e6, Level: "info", Message: "server ready", File: logFile, Line: 3},
	}}, {File: "observability/logs/two.jsonl", Rows: []commands.LogRow{
		{ProjectID: two.project, DeploymentID: two.deployment, TimeUS: t0, Level: "info", Message: "adding in project two", File: "observability/logs/two.jsonl", Line: 1},
	}}}))

	get := func(token, path string) response {
		t.Helper()
		return e.do(t, "GET", path, token, nil)
	}
	p1 := "/api/projects/" + one.project.String()
	traceIDs := func(body map[string]any) []string {
		var out []string
		for _, tr := range body["traces"].([]any) {
			out = append(out, tr.(map[string]any)["traceId"].(string))
		}
		return out
	}

	t.Run("trace list, filters and cursor", func(t *testing.T) {
		res := get(one.token, p1+"/traces?limit=2")
		require.Equal(t, http.StatusOK, res.status, string(res.body))
		page := res.json(t)
		assert.Equal(t, []string{"trace-c", "trace-b"}, traceIDs(page))
		cursor := page["nextCursor"].(string)
		res = get(one.token, p1+"/traces?limit=2&cursor="+url.QueryEscape(cursor))
		require.Equal(t, http.StatusOK, res.status, string(res.body))
		page = res.json(t)
		assert.Equal(t, []string{"trace-a"}, traceIDs(page), "the forged span of project two is not in project one's list")
		assert.NotContains(t, page, "nextCursor")
		a := page["traces"].([]any)[0].(map[string]any)
		assert.EqualValues(t, 3, a["spans"])
		assert.Equal(t, "workflow math", a["name"])
		assert.EqualValues(t, 10, a["durationMs"])
		assert.EqualValues(t, 100, a["inputTokens"])
		assert.Equal(t, one.build.String(), a["buildId"])

		assert.Equal(t, []string{"trace-b"}, traceIDs(get(one.token, p1+"/traces?status=error").json(t)))
		assert.Equal(t, []string{"trace-c", "trace-a"}, traceIDs(get(one.token, p1+"/traces?status=ok").json(t)))
		assert.Equal(t, []string{"trace-c"}, traceIDs(get(one.token, p1+"/traces?name=HELPER").json(t)))
		from := now.Add(-9 * time.Minute).Format(time.RFC3339)
		assert.Equal(t, []string{"trace-c", "trace-b"}, traceIDs(get(one.token, p1+"/traces?from="+from).json(t)))
		assert.Empty(t, traceIDs(get(one.token, p1+"/traces?deploymentId="+uuid.NewString()).json(t)))
		assert.Equal(t, []string{"trace-x", "trace-a"}, traceIDs(get(two.token, "/api/projects/"+two.project.String()+"/traces").json(t)))
	})

	t.Run("one trace as a tree, input and output on demand", func(t *testing.T) {
		res := get(one.token, "/api/traces/trace-a")
		require.Equal(t, http.StatusOK, res.status, string(res.body))
		tr := res.json(t)
		assert.EqualValues(t, 3, tr["spans"], "project two's span with the same trace ID is not shown")
		roots := tr["roots"].([]any)
		require.Len(t, roots, 1)
		root := roots[0].(map[string]any)
		assert.Equal(t, "a1", root["spanId"])
		assert.Equal(t, map[string]any{"k": "a1"}, root["attributes"])
		assert.NotContains(t, root, "input")
		assert.EqualValues(t, len(`{"in":"a1"}`), root["inputBytes"])
		children := root["children"].([]any)
		require.Len(t, children, 2)
		assert.Equal(t, "a2", children[0].(map[string]any)["spanId"])
		assert.EqualValues(t, 1, children[0].(map[string]any)["offsetMs"])
		assert.Equal(t, "a3", children[1].(map[string]any)["spanId"])
		assert.Equal(t, "gpt", children[1].(map[string]any)["model"])

		io := get(one.token, "/api/traces/trace-a?include=io").json(t)
		assert.Equal(t, map[string]any{"in": "a1"}, io["roots"].([]any)[0].(map[string]any)["input"])
		res = get(one.token, "/api/traces/trace-a/spans/a2")
		require.Equal(t, http.StatusOK, res.status, string(res.body))
		assert.Equal(t, map[string]any{"in": "a2"}, res.json(t)["input"])
		assert.Equal(t, "out", res.json(t)["output"])

		mine := get(two.token, "/api/traces/trace-a").json(t)
		assert.EqualValues(t, 1, mine["spans"], "team two sees only its own span of that trace ID")
		assert.Equal(t, "forged", mine["roots"].([]any)[0].(map[string]any)["spanId"])
		assert.Equal(t, http.StatusNotFound, get(two.token, "/api/traces/trace-b").status)
		assert.Equal(t, http.StatusNotFound, get(two.token, "/api/traces/trace-a/spans/a2").status)
		assert.Equal(t, http.StatusNotFound, get(one.token, "/api/traces/nope").status)
	})

	t.Run("logs", func(t *testing.T) {
		messages := func(path string) []string {
			res := get(one.token, path)
			require.Equal(t, http.StatusOK, res.status, string(res.body))
			var out []string
			for _, l := range res.json(t)["logs"].([]any) {
				out = append(out, l.(map[string]any)["message"].(string))
			}
			return out
		}
		assert.Equal(t, []string{"server ready", "Bad input: x", "Adding 2 and 3"}, messages(p1+"/logs"))
		assert.Equal(t, []string{"Adding 2 and 3"}, messages(p1+"/logs?q=ADDING"), "project two's line is not found")
		assert.Equal(t, []string{"Bad input: x"}, messages(p1+"/logs?level=ERROR"))
		assert.Equal(t, []string{"Adding 2 and 3"}, messages(p1+"/logs?traceId=trace-a"))
		page := get(one.token, p1+"/logs?limit=2").json(t)
		assert.Len(t, page["logs"], 2)
		assert.Equal(t, []string{"Adding 2 and 3"}, messages(p1+"/logs?limit=2&cursor="+url.QueryEscape(page["nextCursor"].(string))))
		first := get(one.token, p1+"/logs?traceId=trace-a").json(t)["logs"].([]any)[0].(map[string]any)
		assert.Equal(t, map[string]any{"n": float64(1)}, first["data"])
	})

	t.Run("metrics with a marker", func(t *testing.T) {
		q := fmt.Sprintf("?bucket=1m&from=%s&to=%s", now.Add(-15*time.Minute).Format(time.RFC3339), now.Add(time.Minute).Format(time.RFC3339))
		res := get(one.token, p1+"/metrics"+q)
		require.Equal(t, http.StatusOK, res.status, string(res.body))
		m := res.json(t)
		assert.Equal(t, "1m", m["bucket"])
		buckets := m["buckets"].([]any)
		require.Len(t, buckets, 3, "one bucket per minute with runs: %s", res.body)
		b0 := buckets[0].(map[string]any)
		assert.Equal(t, now.Add(-10*time.Minute).UTC().Format(time.RFC3339), b0["start"])
		assert.EqualValues(t, 1, b0["runs"])
		assert.EqualValues(t, 0, b0["errors"])
		assert.EqualValues(t, 10, b0["p50Ms"])
		assert.EqualValues(t, 100, b0["inputTokens"])
		assert.EqualValues(t, 20, b0["outputTokens"])
		assert.EqualValues(t, 1, buckets[1].(map[string]any)["errors"])
		markers := m["markers"].([]any)
		require.Len(t, markers, 1, string(res.body))
		assert.Equal(t, "env", markers[0].(map[string]any)["kind"])
		assert.Equal(t, "MODEL", markers[0].(map[string]any)["key"])
		assert.NotEmpty(t, markers[0].(map[string]any)["by"])
	})

	t.Run("compare a deployment with a build", func(t *testing.T) {
		res := get(one.token, p1+"/metrics/compare?a="+one.deployment.String()+"&b="+one.build.String())
		require.Equal(t, http.StatusOK, res.status, string(res.body))
		c := res.json(t)
		a, b := c["a"].(map[string]any), c["b"].(map[string]any)
		assert.Equal(t, "deployment", a["kind"])
		assert.EqualValues(t, 3, a["runs"])
		assert.EqualValues(t, 1, a["errors"])
		assert.Equal(t, "build", b["kind"])
		assert.EqualValues(t, 2, b["runs"], "trace-c's span names no build")
		assert.InDelta(t, 0.5-1.0/3, c["delta"].(map[string]any)["errorRate"], 1e-9)
		assert.Equal(t, http.StatusNotFound, get(one.token, p1+"/metrics/compare?a="+one.deployment.String()+"&b="+two.build.String()).status,
			"another project's build is not compared")
	})

	t.Run("another team gets 404", func(t *testing.T) {
		for _, path := range []string{"/traces", "/logs", "/metrics", "/metrics/compare?a=" + one.deployment.String() + "&b=" + one.build.String()} {
			res := get(two.token, p1+path)
			assert.Equal(t, http.StatusNotFound, res.status, "%s: %s", path, res.body)
		}
	})

	t.Run("bad input", func(t *testing.T) {
		for _, path := range []string{
			p1 + "/traces?cursor=garbage",
			p1 + "/traces?cursor=" + url.QueryEscape("eyJ4IjoxfQ"), // {"x":1}
			p1 + "/traces?status=maybe",
			p1 + "/traces?from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z",
			p1 + "/traces?from=yesterday",
			p1 + "/traces?limit=501",
			p1 + "/traces?deploymentId=nope",
			p1 + "/logs?cursor=garbage",
			p1 + "/logs?from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z",
			p1 + "/metrics?bucket=7m",
			p1 + "/metrics?bucket=1m&from=2020-01-01T00:00:00Z&to=2026-01-01T00:00:00Z",
			p1 + "/metrics?from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z",
			p1 + "/metrics/compare?a=x&b=" + one.build.String(),
			p1 + "/metrics/compare",
			"/api/traces/trace-a?include=everything",
		} {
			res := get(one.token, path)
			assert.Equal(t, http.StatusBadRequest, res.status, "%s: %s", path, res.body)
			assert.Contains(t, string(res.body), `"invalid_argument"`, path)
		}
	})
}
