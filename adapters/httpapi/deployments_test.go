package httpapi_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mastra-admin/mastra-admin/internal/app"
	"github.com/mastra-admin/mastra-admin/projections"
	"github.com/mastra-admin/mastra-admin/projections/projectiontest"
)

func TestDeploymentsEndToEnd(t *testing.T) {
	t.Parallel()
	base := projectsDir(t)
	e := startWithSources(t, base)
	alice := e.token(t, "alice@example.com", false)
	do := func(method, path, body string) response {
		return e.do(t, method, path, alice, strings.NewReader(body))
	}
	res := do("POST", "/api/teams", `{"name":"Acme"}`)
	require.Equal(t, http.StatusCreated, res.status)
	team := res.json(t)["id"].(string)
	res = do("POST", "/api/teams/"+team+"/projects", sourceBody("Job Agent", base+"/math"))
	require.Equal(t, http.StatusCreated, res.status, string(res.body))
	project := res.json(t)["id"].(string)
	deployments := "/api/projects/" + project + "/deployments"

	// Production: slug, subdomain and URL follow from the project.
	res = do("POST", deployments, `{"type":"production"}`)
	require.Equal(t, http.StatusCreated, res.status, string(res.body))
	prod := res.json(t)
	assert.Equal(t, "production", prod["slug"])
	assert.Equal(t, "main", prod["branch"], "the project's default branch")
	assert.Equal(t, "job-agent", prod["subdomain"])
	assert.Equal(t, "http://job-agent.localhost:3100", prod["publicUrl"])
	assert.Equal(t, "pending", prod["status"])
	assert.Nil(t, prod["currentBuildId"])
	assert.Equal(t, "/api/deployments/"+prod["id"].(string), res.header.Get("Location"))
	res = do("GET", "/api/deployments/"+prod["id"].(string), "")
	require.Equal(t, http.StatusOK, res.status, "read-your-writes")
	assert.Equal(t, prod, res.json(t))

	res = do("POST", deployments, `{"type":"production","slug":"prod-2"}`)
	assert.Equal(t, http.StatusConflict, res.status, "one production deployment per project")
	assert.Contains(t, string(res.body), "already has a production deployment")

	res = do("POST", deployments, `{"type":"staging"}`)
	require.Equal(t, http.StatusCreated, res.status, string(res.body))
	staging := res.json(t)
	assert.Equal(t, "staging--job-agent", staging["subdomain"])
	assert.Equal(t, "http://staging--job-agent.localhost:3100", staging["publicUrl"])

	expires := time.Now().Add(72 * time.Hour).UTC().Truncate(time.Second).Format(time.RFC3339)
	res = do("POST", deployments, `{"type":"preview","branch":"feature/New-UI","expiresAt":"`+expires+`"}`)
	require.Equal(t, http.StatusCreated, res.status, string(res.body))
	preview := res.json(t)
	assert.Equal(t, "feature-new-ui", preview["slug"], "a preview's slug comes from its branch")
	assert.Equal(t, "feature/New-UI", preview["branch"])
	assert.Equal(t, expires, preview["expiresAt"])
	res = do("POST", deployments, `{"type":"preview","branch":"pr-456","slug":"pr-456"}`)
	require.Equal(t, http.StatusCreated, res.status, string(res.body))
	assert.Equal(t, "pr-456--job-agent", res.json(t)["subdomain"])

	res = do("POST", deployments, `{"type":"preview","branch":"other","slug":"staging"}`)
	assert.Equal(t, http.StatusConflict, res.status, "slugs are unique in a project")
	past := time.Now().Add(-time.Hour).UTC().Format(time.RFC3339)
	for name, body := range map[string]string{
		"unknown type":         `{"type":"canary"}`,
		"no type":              `{}`,
		"reserved separator":   `{"type":"preview","branch":"x","slug":"a--b"}`,
		"upper-case slug":      `{"type":"staging","slug":"Staging"}`,
		"bad branch":           `{"type":"preview","branch":"-rf"}`,
		"expiry in the past":   `{"type":"preview","branch":"old","expiresAt":"` + past + `"}`,
		"expiry off a preview": `{"type":"staging","slug":"qa","expiresAt":"` + expires + `"}`,
		"unknown field":        `{"type":"staging","slug":"qa","replicas":3}`,
		"not a time":           `{"type":"preview","branch":"x","expiresAt":"tomorrow"}`,
	} {
		res = do("POST", deployments, body)
		assert.Equal(t, http.StatusBadRequest, res.status, "%s: %s", name, res.body)
		assert.Contains(t, string(res.body), "invalid_argument", name)
	}

	res = do("GET", deployments, "")
	require.Equal(t, http.StatusOK, res.status)
	var slugs []string
	for _, d := range res.json(t)["deployments"].([]any) {
		slugs = append(slugs, d.(map[string]any)["slug"].(string))
	}
	assert.Equal(t, []string{"feature-new-ui", "pr-456", "production", "staging"}, slugs)

	// Env: the project's vars, overridden per deployment.
	require.Equal(t, http.StatusOK, do("PUT", "/api/projects/"+project+"/env/LOG_LEVEL", `{"value":"info"}`).status)
	require.Equal(t, http.StatusOK, do("PUT", "/api/projects/"+project+"/env/API_KEY", `{"value":"k1","secret":true}`).status)
	stagingEnv := "/api/deployments/" + staging["id"].(string) + "/env"
	res = do("PUT", stagingEnv+"/LOG_LEVEL", `{"value":"debug"}`)
	require.Equal(t, http.StatusOK, res.status, string(res.body))
	assert.Equal(t, "debug", res.json(t)["value"])
	assert.Equal(t, "deployment", res.json(t)["source"])
	require.Equal(t, http.StatusOK, do("PUT", stagingEnv+"/STAGING_ONLY", `{"value":"s","secret":true}`).status)
	envOf := func(path string) map[string]map[string]any {
		res := do("GET", path, "")
		require.Equal(t, http.StatusOK, res.status, string(res.body))
		out := map[string]map[string]any{}
		for _, v := range res.json(t)["env"].([]any) {
			m := v.(map[string]any)
			out[m["key"].(string)] = m
		}
		return out
	}
	env := envOf(stagingEnv)
	require.Len(t, env, 3)
	assert.Equal(t, "debug", env["LOG_LEVEL"]["value"])
	assert.Equal(t, "deployment", env["LOG_LEVEL"]["source"])
	assert.Nil(t, env["API_KEY"]["value"], "secrets stay masked")
	assert.Equal(t, "project", env["API_KEY"]["source"])
	assert.Nil(t, env["STAGING_ONLY"]["value"])
	prodEnv := envOf("/api/deployments/" + prod["id"].(string) + "/env")
	assert.Equal(t, "info", prodEnv["LOG_LEVEL"]["value"], "other deployments keep the project's value")
	assert.NotContains(t, prodEnv, "STAGING_ONLY")

	assert.Equal(t, http.StatusBadRequest, do("PUT", stagingEnv+"/log-level", `{"value":"x"}`).status)
	assert.Equal(t, http.StatusBadRequest, do("PUT", stagingEnv+"/BIG", `{"value":"`+strings.Repeat("x", 32<<10+1)+`"}`).status)
	require.Equal(t, http.StatusNoContent, do("DELETE", stagingEnv+"/LOG_LEVEL", "").status)
	assert.Equal(t, http.StatusNotFound, do("DELETE", stagingEnv+"/LOG_LEVEL", "").status)
	env = envOf(stagingEnv)
	assert.Equal(t, "info", env["LOG_LEVEL"]["value"], "without its override the project's value applies")
	assert.Equal(t, "project", env["LOG_LEVEL"]["source"])

	// Deleting production frees the project's production place.
	prodPath := "/api/deployments/" + prod["id"].(string)
	require.Equal(t, http.StatusNoContent, do("DELETE", prodPath, "").status)
	assert.Equal(t, http.StatusNotFound, do("GET", prodPath, "").status)
	assert.Equal(t, http.StatusNotFound, do("DELETE", prodPath, "").status)
	assert.Equal(t, http.StatusNotFound, do("PUT", prodPath+"/env/X", `{"value":"x"}`).status)
	res = do("POST", deployments, `{"type":"production","branch":"release"}`)
	require.Equal(t, http.StatusCreated, res.status, string(res.body))

	// Subdomains are unique across teams (the edge router knows no
	// teams): another team's project with the same slug gets a subdomain
	// base of its own, and never this team's subdomains.
	bob := e.token(t, "bob@example.com", false)
	res = e.do(t, "POST", "/api/teams", bob, strings.NewReader(`{"name":"Other"}`))
	require.Equal(t, http.StatusCreated, res.status)
	res = e.do(t, "POST", "/api/teams/"+res.json(t)["id"].(string)+"/projects", bob, strings.NewReader(sourceBody("Job Agent", base+"/math")))
	require.Equal(t, http.StatusCreated, res.status, "project slugs are unique per team only: %s", res.body)
	other := res.json(t)
	assert.Equal(t, "job-agent", other["slug"])
	assert.Equal(t, "job-agent-other", other["subdomainBase"])
	otherDeployments := "/api/projects/" + other["id"].(string) + "/deployments"
	res = e.do(t, "POST", otherDeployments, bob, strings.NewReader(`{"type":"production"}`))
	require.Equal(t, http.StatusCreated, res.status, string(res.body))
	assert.Equal(t, "job-agent-other", res.json(t)["subdomain"])
	res = e.do(t, "POST", otherDeployments, bob, strings.NewReader(`{"type":"staging"}`))
	require.Equal(t, http.StatusCreated, res.status, string(res.body))
	assert.Equal(t, "staging--job-agent-other", res.json(t)["subdomain"])
	res = e.do(t, "POST", otherDeployments, bob, strings.NewReader(`{"type":"staging","slug":"staging-b"}`))
	assert.Equal(t, http.StatusCreated, res.status, string(res.body))
	res = e.do(t, "POST", otherDeployments, bob, strings.NewReader(`{"type":"staging","slug":"staging-b"}`))
	assert.Equal(t, http.StatusConflict, res.status, string(res.body))
	assert.NotContains(t, res.errorMessage(t), "team", "a conflict names no team")
	res = do("GET", "/api/projects/"+project, "")
	assert.Equal(t, "job-agent", res.json(t)["subdomainBase"], "the first team's base is its slug")

	res = do("GET", "/api/audit?teamId="+team, "")
	require.Equal(t, http.StatusOK, res.status)
	assert.Contains(t, string(res.body), "deployment.DeploymentCreated", "deployments are audited with their team")
	assert.Contains(t, string(res.body), "deployment.EnvOverrideSet")

	// A deleted project takes its deployments with it.
	require.Equal(t, http.StatusNoContent, do("DELETE", "/api/projects/"+project, "").status)
	assert.Equal(t, http.StatusNotFound, do("GET", "/api/deployments/"+staging["id"].(string), "").status)
	assert.Equal(t, http.StatusNotFound, do("GET", deployments, "").status)
	assert.Equal(t, http.StatusNotFound, do("PUT", stagingEnv+"/X", `{"value":"x"}`).status)
	assert.Equal(t, http.StatusNotFound, do("POST", deployments, `{"type":"staging","slug":"again"}`).status)

	e.CaughtUp(t)
	projectiontest.AssertRebuildIdentical(t, e.Store, e.Projections...)
	claims := projectiontest.Dump(t, e.DB.Pool, e.DB.Schema, "unique_claims")
	_, err := projections.RebuildClaims(context.Background(), e.Store, projections.Options{BatchSize: 5})
	require.NoError(t, err)
	assert.Equal(t, claims, projectiontest.Dump(t, e.DB.Pool, e.DB.Schema, "unique_claims"),
		"the claims rebuilt from the events are the ones the commands took, deployments' included")
}

// TestPreviewsExpire: serve's sweep deletes a preview once its expiry has
// passed, as the system and with the reason recorded, and leaves the
// others.
func TestPreviewsExpire(t *testing.T) {
	t.Parallel()
	clock := &movableClock{t: time.Now().UTC().Truncate(time.Microsecond)}
	base := projectsDir(t)
	e := startWithSources(t, base, func(c *app.Config) { c.Commands.Clock, c.ExpiryInterval = clock, 20*time.Millisecond })
	alice := e.token(t, "alice@example.com", false)
	do := func(method, path, body string) response {
		return e.do(t, method, path, alice, strings.NewReader(body))
	}
	res := do("POST", "/api/teams", `{"name":"Acme"}`)
	require.Equal(t, http.StatusCreated, res.status)
	team := res.json(t)["id"].(string)
	res = do("POST", "/api/teams/"+team+"/projects", sourceBody("Agent", base+"/math"))
	require.Equal(t, http.StatusCreated, res.status, string(res.body))
	deployments := "/api/projects/" + res.json(t)["id"].(string) + "/deployments"
	create := func(body string) string {
		res := do("POST", deployments, body)
		require.Equal(t, http.StatusCreated, res.status, string(res.body))
		return res.json(t)["id"].(string)
	}
	soon := clock.Now().Add(time.Hour).Format(time.RFC3339Nano)
	later := clock.Now().Add(48 * time.Hour).Format(time.RFC3339Nano)
	expiring := create(`{"type":"preview","branch":"pr-1","expiresAt":"` + soon + `"}`)
	lasting := create(`{"type":"preview","branch":"pr-2","expiresAt":"` + later + `"}`)
	staging := create(`{"type":"staging"}`)

	clock.advance(2 * time.Hour)
	require.Eventually(t, func() bool {
		return do("GET", "/api/deployments/"+expiring, "").status == http.StatusNotFound
	}, 10*time.Second, 20*time.Millisecond, "the sweep deletes the expired preview")
	assert.Equal(t, http.StatusOK, do("GET", "/api/deployments/"+lasting, "").status)
	assert.Equal(t, http.StatusOK, do("GET", "/api/deployments/"+staging, "").status)

	events, err := e.Store.ReadStream(context.Background(), "deployment-"+expiring, 0)
	require.NoError(t, err)
	last := events[len(events)-1]
	assert.Equal(t, "deployment.DeploymentDeleted", last.Type)
	assert.Equal(t, "system", last.Metadata.Actor)
	assert.JSONEq(t, `"expired"`, string(mustField(t, last.Payload, "reason")))
	create(`{"type":"preview","branch":"pr-1"}`) // its slug is free again

	// A deleted project's previews are gone with it: the sweep skips them.
	res = do("POST", "/api/teams/"+team+"/projects", sourceBody("Gone", base+"/math"))
	require.Equal(t, http.StatusCreated, res.status, string(res.body))
	gone := res.json(t)["id"].(string)
	res = do("POST", "/api/projects/"+gone+"/deployments", `{"type":"preview","branch":"x","expiresAt":"`+
		clock.Now().Add(time.Minute).Format(time.RFC3339Nano)+`"}`)
	require.Equal(t, http.StatusCreated, res.status, string(res.body))
	require.Equal(t, http.StatusNoContent, do("DELETE", "/api/projects/"+gone, "").status)
	clock.advance(time.Hour)
	e.CaughtUp(t)
	ids, err := e.Queries.ExpiredDeployments(context.Background(), clock.Now(), 100)
	require.NoError(t, err)
	assert.Empty(t, ids, "no expired preview of a live project is left, and the deleted project's is not listed")

	// A deleted project's deployments are swept too, freeing their
	// subdomains: the same project made again gets its production URL.
	res = do("POST", "/api/teams/"+team+"/projects", sourceBody("Again", base+"/math"))
	require.Equal(t, http.StatusCreated, res.status, string(res.body))
	again := res.json(t)["id"].(string)
	res = do("POST", "/api/projects/"+again+"/deployments", `{"type":"production"}`)
	require.Equal(t, http.StatusCreated, res.status, string(res.body))
	orphan := res.json(t)["id"].(string)
	require.Equal(t, http.StatusNoContent, do("DELETE", "/api/projects/"+again, "").status)
	res = do("POST", "/api/teams/"+team+"/projects", sourceBody("Again", base+"/math"))
	require.Equal(t, http.StatusCreated, res.status, string(res.body))
	remade := res.json(t)["id"].(string)
	require.Eventually(t, func() bool {
		return do("POST", "/api/projects/"+remade+"/deployments", `{"type":"production"}`).status == http.StatusCreated
	}, 10*time.Second, 20*time.Millisecond, "the sweep frees the deleted project's subdomain")
	events, err = e.Store.ReadStream(context.Background(), "deployment-"+orphan, 0)
	require.NoError(t, err)
	assert.JSONEq(t, `"project or team deleted"`, string(mustField(t, events[len(events)-1].Payload, "reason")))
	n, err := e.Admin.ExpireDeployments(context.Background())
	require.NoError(t, err)
	assert.Zero(t, n, "nothing else has expired")
}

func mustField(t *testing.T, payload []byte, name string) json.RawMessage {
	t.Helper()
	var m map[string]json.RawMessage
	require.NoError(t, json.Unmarshal(payload, &m))
	return m[name]
}
