package httpapi_test

import (
	"fmt"
	"net/http"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mastra-admin/mastra-admin/internal/app"
)

// fixture is a team with one member of each role, a further developer to
// act on, and a pending invite.
type fixture struct {
	team, target, invite, project, deployment string
}

// actors of the matrix, weakest first; "outsider" belongs to no team and
// "platform" is a platform admin outside the team.
var actors = []string{"outsider", "viewer", "developer", "admin", "owner", "platform"}

var rank = map[string]int{"viewer": 1, "developer": 2, "admin": 3, "owner": 4}

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
	{"POST", "/api/projects/{project}/deployments", `{"type":"preview","branch":"feature/x"}`, "developer", 201},
	{"GET", "/api/projects/{project}/deployments", "", "viewer", 200},
	{"GET", "/api/deployments/{deployment}", "", "viewer", 200},
	{"DELETE", "/api/deployments/{deployment}", "", "developer", 204},
	{"GET", "/api/deployments/{deployment}/env", "", "viewer", 200},
	{"PUT", "/api/deployments/{deployment}/env/NEW_VAR", `{"value":"v"}`, "developer", 200},
	{"DELETE", "/api/deployments/{deployment}/env/FIXTURE_VAR", "", "developer", 204},
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
		res = e.do(t, "POST", "/api/teams/"+f.team+"/projects", tokens["owner"], strings.NewReader(sourceBody("Fixture", mathPath)))
		require.Equal(t, http.StatusCreated, res.status, string(res.body))
		f.project = res.json(t)["id"].(string)
		res = e.do(t, "PUT", "/api/projects/"+f.project+"/env/FIXTURE_VAR", tokens["owner"], strings.NewReader(`{"value":"v","secret":true}`))
		require.Equal(t, http.StatusOK, res.status, string(res.body))
		res = e.do(t, "POST", "/api/projects/"+f.project+"/deployments", tokens["owner"], strings.NewReader(`{"type":"production"}`))
		require.Equal(t, http.StatusCreated, res.status, string(res.body))
		f.deployment = res.json(t)["id"].(string)
		res = e.do(t, "PUT", "/api/deployments/"+f.deployment+"/env/FIXTURE_VAR", tokens["owner"], strings.NewReader(`{"value":"d","secret":true}`))
		require.Equal(t, http.StatusOK, res.status, string(res.body))
		e.CaughtUp(t) // the actors are other clients than the owner who set this up
		return f
	}
	for _, route := range rbacRoutes {
		for _, actor := range actors {
			f := newFixture()
			path := strings.NewReplacer("{team}", f.team, "{target}", f.target, "{invite}", f.invite, "{project}", f.project,
				"{deployment}", f.deployment).Replace(route.path)
			body := strings.ReplaceAll(route.body, "{new-project}", sourceBody("New", mathPath))
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

	// Outside teams: the raw event feed is for platform admins only.
	for _, actor := range actors {
		want := http.StatusForbidden
		if actor == "platform" {
			want = http.StatusOK
		}
		assert.Equal(t, want, e.do(t, "GET", "/api/events", tokens[actor], nil).status, "GET /api/events as %s", actor)
	}
}
