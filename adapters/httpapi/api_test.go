package httpapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/sirupsen/logrus"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mastra-admin/mastra-admin/adapters/httpapi"
	"github.com/mastra-admin/mastra-admin/commands"
	"github.com/mastra-admin/mastra-admin/eventstore"
	"github.com/mastra-admin/mastra-admin/internal/apptest"
)

type apiEnv struct {
	*apptest.Env
	srv *httptest.Server
	api *httpapi.Server
}

func start(t *testing.T) *apiEnv {
	t.Helper()
	env := apptest.Start(t)
	api, err := httpapi.New(httpapi.Config{Admin: env.Admin, Readiness: env.App, Logger: logrus.NewEntry(env.Log), MaxBodyBytes: 4096})
	require.NoError(t, err)
	srv := httptest.NewServer(api)
	t.Cleanup(srv.Close)
	return &apiEnv{Env: env, srv: srv, api: api}
}

// token creates a user and returns a bearer token for them.
func (e *apiEnv) token(t *testing.T, email string, admin bool) string {
	t.Helper()
	u, err := e.Admin.EnsureUser(context.Background(), email, "", admin)
	require.NoError(t, err)
	tok, err := e.Admin.CreateToken(context.Background(), commands.System, u.ID, "test", nil)
	require.NoError(t, err)
	return tok.Token
}

type response struct {
	status int
	body   []byte
	header http.Header
}

func (r response) json(t *testing.T) map[string]any {
	t.Helper()
	var v map[string]any
	require.NoError(t, json.Unmarshal(r.body, &v), string(r.body))
	return v
}

// errorCode checks the error shape and returns its code.
func (r response) errorCode(t *testing.T) string {
	t.Helper()
	v := r.json(t)
	e, ok := v["error"].(map[string]any)
	require.True(t, ok, "error shape: %s", r.body)
	assert.NotEmpty(t, e["message"])
	assert.NotContains(t, string(r.body), "goroutine", "no stack traces")
	return e["code"].(string)
}

// errorMessage checks the error shape and returns its message.
func (r response) errorMessage(t *testing.T) string {
	t.Helper()
	r.errorCode(t)
	return r.json(t)["error"].(map[string]any)["message"].(string)
}

// do sends a request, its body (if any) as application/json.
func (e *apiEnv) do(t *testing.T, method, path, token string, body io.Reader) response {
	t.Helper()
	var header http.Header
	if body != nil {
		header = http.Header{"Content-Type": {"application/json"}}
	}
	return e.doWith(t, method, path, token, body, header)
}

// doWith sends a request with exactly the given headers (and the token).
func (e *apiEnv) doWith(t *testing.T, method, path, token string, body io.Reader, header http.Header) response {
	t.Helper()
	req, err := http.NewRequest(method, e.srv.URL+path, body)
	require.NoError(t, err)
	for k, v := range header {
		req.Header[k] = v
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	require.NoError(t, err)
	return response{status: res.StatusCode, body: b, header: res.Header}
}

func TestTeamsOverHTTP(t *testing.T) {
	t.Parallel()
	e := start(t)
	alice := e.token(t, "alice@example.com", false)

	res := e.do(t, "POST", "/api/teams", alice, strings.NewReader(`{"name":"Job Agents"}`))
	require.Equal(t, http.StatusCreated, res.status, string(res.body))
	team := res.json(t)
	assert.Equal(t, "job-agents", team["slug"])
	assert.Equal(t, "owner", team["role"])
	id := team["id"].(string)
	assert.Equal(t, "/api/teams/"+id, res.header.Get("Location"))
	assert.NotEmpty(t, res.header.Get("X-Request-ID"))

	token := res.header.Get(httpapi.ConsistencyHeader)
	assert.Regexp(t, `^\d+\.\d+$`, token, "commands return a consistency token")

	res = e.do(t, "GET", "/api/teams/"+id, alice, nil) // read-your-writes, no sleep
	require.Equal(t, http.StatusOK, res.status, string(res.body))
	assert.Equal(t, "Job Agents", res.json(t)["name"])
	assert.Empty(t, res.header.Get(httpapi.ConsistencyHeader), "queries record nothing")

	req, err := http.NewRequest("GET", e.srv.URL+"/api/teams/"+id, nil)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+alice)
	req.Header.Set(httpapi.ConsistencyHeader, token)
	raw, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	raw.Body.Close()
	assert.Equal(t, http.StatusOK, raw.StatusCode, "a query may carry the token back")
	req.Header.Set(httpapi.ConsistencyHeader, "not-a-token")
	raw, err = http.DefaultClient.Do(req)
	require.NoError(t, err)
	raw.Body.Close()
	assert.Equal(t, http.StatusBadRequest, raw.StatusCode)

	res = e.do(t, "PATCH", "/api/teams/"+id, alice, strings.NewReader(`{"name":"Jobs","slug":"jobs"}`))
	require.Equal(t, http.StatusOK, res.status, string(res.body))
	assert.Equal(t, "jobs", res.json(t)["slug"])

	res = e.do(t, "GET", "/api/teams", alice, nil)
	require.Equal(t, http.StatusOK, res.status)
	assert.Len(t, res.json(t)["teams"], 1)
	res = e.do(t, "GET", "/api/teams/"+id+"/members", alice, nil)
	require.Equal(t, http.StatusOK, res.status)
	assert.Len(t, res.json(t)["members"], 1)
	res = e.do(t, "GET", "/api/me", alice, nil)
	require.Equal(t, http.StatusOK, res.status)
	assert.Equal(t, "alice@example.com", res.json(t)["user"].(map[string]any)["email"])

	res = e.do(t, "DELETE", "/api/teams/"+id, alice, nil)
	require.Equal(t, http.StatusNoContent, res.status, string(res.body))
	res = e.do(t, "GET", "/api/teams/"+id, alice, nil)
	assert.Equal(t, http.StatusNotFound, res.status)
	assert.Equal(t, "not_found", res.errorCode(t))
}

func TestBadInputIsInvalidArgumentNeverA500(t *testing.T) {
	t.Parallel()
	e := start(t)
	alice := e.token(t, "alice@example.com", false)
	res := e.do(t, "POST", "/api/teams", alice, strings.NewReader(`{"name":"Acme"}`))
	require.Equal(t, http.StatusCreated, res.status)
	id := res.json(t)["id"].(string)

	cases := map[string]struct{ method, path, body string }{
		"malformed json":   {"POST", "/api/teams", `{"name":"x"`},
		"not json":         {"POST", "/api/teams", `name=x`},
		"unknown field":    {"POST", "/api/teams", `{"name":"x","owner":"me"}`},
		"wrong type":       {"POST", "/api/teams", `{"name":42}`},
		"array body":       {"POST", "/api/teams", `[{"name":"x"}]`},
		"two objects":      {"POST", "/api/teams", `{"name":"x"}{"name":"y"}`},
		"empty body":       {"POST", "/api/teams", ``},
		"oversized body":   {"POST", "/api/teams", `{"name":"` + strings.Repeat("a", 5000) + `"}`},
		"invalid slug":     {"POST", "/api/teams", `{"name":"x","slug":"Not_A_Slug"}`},
		"double dash slug": {"POST", "/api/teams", `{"name":"x","slug":"a--b"}`},
		"long name":        {"POST", "/api/teams", `{"name":"` + strings.Repeat("n", 101) + `"}`},
		"bad team id":      {"GET", "/api/teams/123", ``},
		"bad patch slug":   {"PATCH", "/api/teams/" + id, `{"slug":"UPPER"}`},
		"bad audit after":  {"GET", "/api/audit?after=-1", ``},
		"bad audit since":  {"GET", "/api/audit?since=yesterday", ``},
		"bad audit team":   {"GET", "/api/audit?teamId=x", ``},
		"bad events limit": {"GET", "/api/events?limit=many", ``},
	}
	for name, c := range cases {
		res := e.do(t, c.method, c.path, alice, strings.NewReader(c.body))
		assert.Equal(t, http.StatusBadRequest, res.status, "%s: %s", name, res.body)
		assert.Equal(t, "invalid_argument", res.errorCode(t), name)
	}
	res = e.do(t, "GET", "/api/teams", alice, nil)
	assert.Len(t, res.json(t)["teams"], 1, "nothing was created by bad input")
}

func TestAuthenticationAndVisibility(t *testing.T) {
	t.Parallel()
	e := start(t)
	alice := e.token(t, "alice@example.com", false)
	mallory := e.token(t, "mallory@example.com", false)
	root := e.token(t, "root@example.com", true)
	res := e.do(t, "POST", "/api/teams", alice, strings.NewReader(`{"name":"Secret"}`))
	require.Equal(t, http.StatusCreated, res.status)
	id := res.json(t)["id"].(string)

	for _, tok := range []string{"", "garbage", alice + "x", "mat_00000000_nope"} {
		res := e.do(t, "GET", "/api/teams", tok, nil)
		assert.Equal(t, http.StatusUnauthorized, res.status, tok)
		assert.Equal(t, "unauthenticated", res.errorCode(t))
	}
	for _, m := range []struct{ method, path, body string }{
		{"GET", "/api/teams/" + id, ""}, {"PATCH", "/api/teams/" + id, `{"name":"mine"}`},
		{"DELETE", "/api/teams/" + id, ""}, {"GET", "/api/teams/" + id + "/members", ""},
		{"GET", "/api/audit?teamId=" + id, ""},
	} {
		res := e.do(t, m.method, m.path, mallory, strings.NewReader(m.body))
		assert.Equal(t, http.StatusNotFound, res.status, "%s %s: %s", m.method, m.path, res.body)
	}
	res = e.do(t, "GET", "/api/events", mallory, nil)
	assert.Equal(t, http.StatusForbidden, res.status)
	assert.Equal(t, "permission_denied", res.errorCode(t))

	e.CaughtUp(t) // root is another client than alice
	res = e.do(t, "GET", "/api/teams/"+id, root, nil)
	assert.Equal(t, http.StatusOK, res.status, "platform admins see every team")
	res = e.do(t, "GET", "/api/events?limit=2", root, nil)
	require.Equal(t, http.StatusOK, res.status)
	assert.Len(t, res.json(t)["events"], 2)
	res = e.do(t, "GET", "/api/audit?teamId="+id, alice, nil)
	require.Equal(t, http.StatusOK, res.status)
	var types []string
	for _, en := range res.json(t)["entries"].([]any) {
		types = append(types, en.(map[string]any)["eventType"].(string))
	}
	assert.Equal(t, []string{"team.TeamCreated"}, types)
}

func TestHealthReadinessMetricsAndRoutes(t *testing.T) {
	t.Parallel()
	e := start(t)
	res := e.do(t, "GET", "/healthz", "", nil)
	assert.Equal(t, http.StatusOK, res.status)
	res = e.do(t, "GET", "/readyz", "", nil)
	require.Equal(t, http.StatusOK, res.status, string(res.body))
	assert.Equal(t, "ready", res.json(t)["status"])
	assert.Len(t, res.json(t)["consumers"], len(e.Projections), "one per read model")
	res = e.do(t, "GET", "/metrics", "", nil)
	assert.Equal(t, http.StatusOK, res.status)
	assert.Contains(t, string(res.body), "mastra_admin_http_requests_total")

	res = e.do(t, "GET", "/nope", "", nil)
	assert.Equal(t, http.StatusNotFound, res.status)
	assert.Equal(t, "not_found", res.errorCode(t))
	res = e.do(t, "PUT", "/api/teams", e.token(t, "a@example.com", false), bytes.NewReader(nil))
	assert.Equal(t, http.StatusMethodNotAllowed, res.status)
}

// TestRequestIdentifiersReachTheEvents: an event records the request id of
// the request that caused it, and the correlation and causation ids it
// was sent (the correlation defaulting to the request id); ids that do not
// look like ids are not taken.
func TestRequestIdentifiersReachTheEvents(t *testing.T) {
	t.Parallel()
	e := start(t)
	alice := e.token(t, "alice@example.com", false)
	create := func(name string, headers map[string]string) (string, eventstore.Metadata) {
		req, err := http.NewRequest("POST", e.srv.URL+"/api/teams", strings.NewReader(`{"name":"`+name+`"}`))
		require.NoError(t, err)
		req.Header.Set("Authorization", "Bearer "+alice)
		req.Header.Set("Content-Type", "application/json")
		for k, v := range headers {
			req.Header.Set(k, v)
		}
		res, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		defer res.Body.Close()
		var team struct{ ID string }
		require.NoError(t, json.NewDecoder(res.Body).Decode(&team))
		require.Equal(t, http.StatusCreated, res.StatusCode)
		events, err := e.Store.ReadStream(context.Background(), "team-"+team.ID, 0)
		require.NoError(t, err)
		require.NotEmpty(t, events)
		return res.Header.Get("X-Request-ID"), events[0].Metadata
	}
	_, meta := create("Traced", map[string]string{"X-Request-ID": "req-1", "X-Correlation-ID": "flow-7", "X-Causation-ID": "evt-3"})
	assert.Equal(t, "req-1", meta.RequestID)
	assert.Equal(t, "flow-7", meta.CorrelationID)
	assert.Equal(t, "evt-3", meta.CausationID)
	assert.NotEmpty(t, meta.Actor)

	id, meta := create("Untraced", map[string]string{"X-Correlation-ID": "not an id", "X-Causation-ID": strings.Repeat("x", 65)})
	assert.Equal(t, id, meta.RequestID, "the id the response gave")
	assert.Equal(t, id, meta.CorrelationID, "the correlation defaults to the request")
	assert.Empty(t, meta.CausationID)
}
