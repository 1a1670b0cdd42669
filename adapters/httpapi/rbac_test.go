package httpapi_test

import (
	"fmt"
	"net/http"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gorilla/mux"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mastra-admin/mastra-admin/internal/app"
)

// fixture is a team with one member of each role, a further developer to
// act on, and a pending invite.
type fixture struct {
	team, target, invite, project, deployment, build string
}

// actors of the matrix, weakest first; "outsider" belongs to no team and
// "platform" is a platform admin outside the team.
var actors = []string{"outsider", "viewer", "developer", "admin", "owner", "platform"}

// rank orders the roles; "platform" as a minimum role means platform
// admins only (members get 403, outsiders 404).
var rank = map[string]int{"viewer": 1, "developer": 2, "admin": 3, "owner": 4, "platform": 5}

// rbacRoutes is the one table: each team-scoped route, the weakest team
// role allowed, and its success status.
var rbacRoutes = []struct {
	method, path, body, minRole string
	ok                          int
}{
	{"GET", "/api/teams/{team}", "", "viewer", 200},
	{"GET", "/api/teams/{team}/members", "", "viewer", 200},
	{"PATCH", "/api/teams/{team}", `{"name":"Renamed"}`, "admin", 200},
	{"DELETE", "/api/teams/{team}", "", "owner", 204},
	{"GET", "/api/teams/{team}/invites", "", "admin", 200},
	{"POST", "/api/teams/{team}/invites", `{"email":"new@example.com","role":"viewer"}`, "admin", 201},
	{"DELETE", "/api/teams/{team}/invites/{invite}", "", "admin", 204},
	{"PATCH", "/api/teams/{team}/members/{target}", `{"role":"viewer"}`, "admin", 200},
	{"DELETE", "/api/teams/{team}/members/{target}", "", "admin", 204},
	{"GET", "/api/audit?teamId={team}", "", "admin", 200},
	{"GET", "/api/teams/{team}/sources", "", "developer", 200},
	{"GET", "/api/teams/{team}/projects", "", "viewer", 200},
	{"POST", "/api/teams/{team}/projects", "{new-project}", "developer", 201},
	{"GET", "/api/projects/{project}", "", "viewer", 200},
	{"PATCH", "/api/projects/{project}", `{"name":"Renamed"}`, "developer", 200},
	{"DELETE", "/api/projects/{project}", "", "admin", 204},
	{"GET", "/api/projects/{project}/env", "", "viewer", 200},
	{"PUT", "/api/projects/{project}/env/NEW_VAR", `{"value":"v"}`, "developer", 200},
	{"DELETE", "/api/projects/{project}/env/FIXTURE_VAR", "", "developer", 204},
	{"GET", "/api/projects/{project}/env/FIXTURE_VAR/exposure", "", "viewer", 200},
	{"PUT", "/api/projects/{project}/env-policy", `{"allowedNames":["NODE_OPTIONS"]}`, "platform", 200},
	{"POST", "/api/projects/{project}/deployments", `{"type":"preview","branch":"feature/x"}`, "developer", 201},
	{"GET", "/api/projects/{project}/deployments", "", "viewer", 200},
	{"GET", "/api/deployments/{deployment}", "", "viewer", 200},
	{"DELETE", "/api/deployments/{deployment}", "", "developer", 204},
	{"GET", "/api/deployments/{deployment}/env", "", "viewer", 200},
	{"PUT", "/api/deployments/{deployment}/env/NEW_VAR", `{"value":"v"}`, "developer", 200},
	{"DELETE", "/api/deployments/{deployment}/env/FIXTURE_VAR", "", "developer", 204},
	{"POST", "/api/deployments/{deployment}/deploy", "", "developer", 202},
	{"GET", "/api/deployments/{deployment}/builds", "", "viewer", 200},
	// No server runs in this test: authorized callers get as far as the
	// state check (409); others get 403, outsiders 404.
	{"POST", "/api/deployments/{deployment}/stop", "", "developer", 409},
	{"POST", "/api/deployments/{deployment}/start", "", "developer", 409},
	{"POST", "/api/deployments/{deployment}/restart", "", "developer", 409},
	// The fixture's build is queued, not succeeded: authorized callers
	// get as far as that check (409).
	{"POST", "/api/deployments/{deployment}/rollback", `{"buildId":"{build}"}`, "developer", 409},
	{"GET", "/api/projects/{project}/routes", "", "viewer", 200},
	// ClickHouse is not configured in this test: authorized callers get
	// as far as that (503); the reads are checked in observability_test.go.
	{"GET", "/api/projects/{project}/traces", "", "viewer", 503},
	{"GET", "/api/projects/{project}/logs", "", "viewer", 503},
	{"GET", "/api/projects/{project}/metrics", "", "viewer", 503},
	{"GET", "/api/projects/{project}/metrics/compare?a={deployment}&b={build}", "", "viewer", 503},
	// No server was ever scheduled here: members learn that (404 with a
	// message of its own); the route's reads are checked end to end later.
	{"GET", "/api/deployments/{deployment}/server", "", "viewer", 404},
	{"GET", "/api/builds/{build}", "", "viewer", 200},
	{"POST", "/api/builds/{build}/cancel", "", "developer", 200},
	{"GET", "/api/builds/{build}/logs", "", "viewer", 200},
	// A plain GET of the WebSocket route: authorized callers get as far
	// as the missing upgrade (400); outsiders get 404.
	{"GET", "/api/builds/{build}/logs/stream", "", "viewer", 400},
}

func TestRBACMatrix(t *testing.T) {
	t.Parallel()
	mail := &outbox{}
	base := projectsDir(t)
	e := startWithSources(t, base, func(c *app.Config) { c.Commands.Mailer = mail })
	mathPath, err := filepath.EvalSymlinks(filepath.Join(base, "math"))
	require.NoError(t, err)
	tokens := map[string]string{}
	for _, a := range append(actors, "target") {
		tokens[a] = e.token(t, a+"@example.com", a == "platform")
	}
	n := 0
	newFixture := func() fixture {
		n++
		res := e.do(t, "POST", "/api/teams", tokens["owner"], strings.NewReader(fmt.Sprintf(`{"name":"Matrix %d"}`, n)))
		require.Equal(t, http.StatusCreated, res.status, string(res.body))
		f := fixture{team: res.json(t)["id"].(string)}
		for _, member := range []struct{ who, role string }{{"viewer", "viewer"}, {"developer", "developer"}, {"admin", "admin"}, {"target", "developer"}} {
			body := fmt.Sprintf(`{"email":"%s@example.com","role":"%s"}`, member.who, member.role)
			res := e.do(t, "POST", "/api/teams/"+f.team+"/invites", tokens["owner"], strings.NewReader(body))
			require.Equal(t, http.StatusCreated, res.status, string(res.body))
			res = e.do(t, "POST", "/api/invites/"+mail.tokenFor(t, member.who+"@example.com")+"/accept", tokens[member.who], nil)
			require.Equal(t, http.StatusOK, res.status, string(res.body))
		}
		f.target = e.do(t, "GET", "/api/me", tokens["target"], nil).json(t)["user"].(map[string]any)["id"].(string)
		res = e.do(t, "POST", "/api/teams/"+f.team+"/invites", tokens["owner"], strings.NewReader(`{"email":"pending@example.com","role":"viewer"}`))
		require.Equal(t, http.StatusCreated, res.status, string(res.body))
		f.invite = res.json(t)["id"].(string)
		res = e.do(t, "POST", "/api/teams/"+f.team+"/projects", tokens["owner"], strings.NewReader(sourceBody(fmt.Sprintf("Fixture %d", n), mathPath)))
		require.Equal(t, http.StatusCreated, res.status, string(res.body))
		f.project = res.json(t)["id"].(string)
		res = e.do(t, "PUT", "/api/projects/"+f.project+"/env/FIXTURE_VAR", tokens["owner"], strings.NewReader(`{"value":"v","secret":true}`))
		require.Equal(t, http.StatusOK, res.status, string(res.body))
		res = e.do(t, "POST", "/api/projects/"+f.project+"/deployments", tokens["owner"], strings.NewReader(`{"type":"production"}`))
		require.Equal(t, http.StatusCreated, res.status, string(res.body))
		f.deployment = res.json(t)["id"].(string)
		res = e.do(t, "PUT", "/api/deployments/"+f.deployment+"/env/FIXTURE_VAR", tokens["owner"], strings.NewReader(`{"value":"d","secret":true}`))
		require.Equal(t, http.StatusOK, res.status, string(res.body))
		res = e.do(t, "POST", "/api/deployments/"+f.deployment+"/deploy", tokens["owner"], nil)
		require.Equal(t, http.StatusAccepted, res.status, string(res.body))
		f.build = res.json(t)["id"].(string)
		e.CaughtUp(t) // the actors are other clients than the owner who set this up
		return f
	}
	for _, route := range rbacRoutes {
		for _, actor := range actors {
			f := newFixture()
			path := strings.NewReplacer("{team}", f.team, "{target}", f.target, "{invite}", f.invite, "{project}", f.project,
				"{deployment}", f.deployment, "{build}", f.build).Replace(route.path)
			body := strings.NewReplacer("{new-project}", sourceBody("New", mathPath), "{build}", f.build).Replace(route.body)
			res := e.do(t, route.method, path, tokens[actor], strings.NewReader(body))
			want := route.ok
			switch {
			case actor == "outsider":
				want = http.StatusNotFound
			case actor != "platform" && rank[actor] < rank[route.minRole]:
				want = http.StatusForbidden
			}
			assert.Equal(t, want, res.status, "%s %s as %s: %s", route.method, route.path, actor, res.body)
		}
	}

	// Routes outside any one team, from their own table.
	for _, route := range accountRoutes {
		for _, actor := range actors {
			n++
			path, body := strings.ReplaceAll(route.path, "{n}", fmt.Sprint(n)), strings.ReplaceAll(route.body, "{n}", fmt.Sprint(n))
			path = strings.NewReplacer("{trace-id}", fmt.Sprint("trace-", n), "{span-id}", "span-1").Replace(path)
			switch {
			case strings.Contains(body, "{other-team}"):
				res := e.do(t, "POST", "/api/teams", tokens["target"], strings.NewReader(fmt.Sprintf(`{"name":"Receiving %d"}`, n)))
				require.Equal(t, http.StatusCreated, res.status, string(res.body))
				body = strings.ReplaceAll(body, "{other-team}", res.json(t)["id"].(string))
			case strings.Contains(path, "{own-token}"):
				res := e.do(t, "POST", "/api/tokens", tokens[actor], strings.NewReader(`{"name":"spare"}`))
				require.Equal(t, http.StatusCreated, res.status, string(res.body))
				path = strings.ReplaceAll(path, "{own-token}", res.json(t)["id"].(string))
			case strings.Contains(path, "{invite-token}"):
				res := e.do(t, "POST", "/api/teams", tokens["target"], strings.NewReader(fmt.Sprintf(`{"name":"Inviting %d"}`, n)))
				require.Equal(t, http.StatusCreated, res.status, string(res.body))
				res = e.do(t, "POST", "/api/teams/"+res.json(t)["id"].(string)+"/invites", tokens["target"],
					strings.NewReader(`{"email":"`+actor+`@example.com","role":"viewer"}`))
				require.Equal(t, http.StatusCreated, res.status, string(res.body))
				path = strings.ReplaceAll(path, "{invite-token}", mail.tokenFor(t, actor+"@example.com"))
			}
			want := route.ok
			if route.platformOnly && actor != "platform" {
				want = http.StatusForbidden
			}
			res := e.do(t, route.method, path, tokens[actor], strings.NewReader(body))
			assert.Equal(t, want, res.status, "%s %s as %s: %s", route.method, route.path, actor, res.body)
		}
	}
}

// accountRoutes are the routes outside any one team: open to every
// signed-in caller (each sees their own or their teams' data), or to
// platform admins only.
var accountRoutes = []struct {
	method, path, body string
	platformOnly       bool
	ok                 int
}{
	{"GET", "/api/me", "", false, 200},
	{"POST", "/api/teams", `{"name":"Own {n}"}`, false, 201},
	{"GET", "/api/teams", "", false, 200},
	{"POST", "/api/invites/{invite-token}/accept", "", false, 200},
	{"GET", "/api/audit", "", false, 200},
	{"GET", "/api/audit/export", "", false, 200},
	{"GET", "/api/license", "", false, 200},
	{"POST", "/api/tokens", `{"name":"ci {n}"}`, false, 201},
	{"GET", "/api/tokens", "", false, 200},
	{"DELETE", "/api/tokens/{own-token}", "", false, 204},
	{"GET", "/api/events", "", true, 200},
	{"POST", "/api/subdomain-bases/base-{n}/transfer", `{"teamId":"{other-team}"}`, true, 204},
	// A trace is seen through the projects of its spans; without
	// ClickHouse every caller gets 503. Team scoping is checked against
	// ClickHouse in observability_test.go.
	{"GET", "/api/traces/{trace-id}", "", false, 503},
	{"GET", "/api/traces/{trace-id}/spans/{span-id}", "", false, 503},
}

// TestRBACMatrixCoversEveryRoute: a new route must get a row in one of
// the matrix's tables (or be public), or this fails.
func TestRBACMatrixCoversEveryRoute(t *testing.T) {
	t.Parallel()
	e := start(t)
	toTemplate := strings.NewReplacer("{team}", "{teamId}", "{target}", "{userId}", "{invite}", "{inviteId}",
		"{project}", "{projectId}", "{deployment}", "{deploymentId}", "{build}", "{buildId}", "{own-token}", "{tokenId}",
		"{invite-token}", "{inviteToken}", "base-{n}", "{base}", "{trace-id}", "{traceId}", "{span-id}", "{spanId}", "NEW_VAR", "{key}", "FIXTURE_VAR", "{key}")
	covered := map[string]bool{}
	add := func(method, path string) {
		path, _, _ = strings.Cut(path, "?")
		covered[method+" "+toTemplate.Replace(path)] = true
	}
	for _, r := range rbacRoutes {
		add(r.method, r.path)
	}
	for _, r := range accountRoutes {
		add(r.method, r.path)
	}
	public := map[string]bool{"GET /healthz": true, "GET /readyz": true, "GET /metrics": true, "GET /api/openapi.json": true}
	require.NoError(t, e.api.Router().Walk(func(route *mux.Route, _ *mux.Router, _ []*mux.Route) error {
		tpl, err := route.GetPathTemplate()
		if err != nil {
			return nil
		}
		methods, _ := route.GetMethods()
		for _, m := range methods {
			if key := m + " " + tpl; !public[key] {
				assert.True(t, covered[key], "%s has no row in the RBAC matrix", key)
			}
		}
		return nil
	}))
}
