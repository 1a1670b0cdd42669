package httpapi_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mastra-admin/mastra-admin/domain/license"
	"github.com/mastra-admin/mastra-admin/internal/app"
)

func TestCommunityLimits(t *testing.T) {
	t.Parallel()
	base := projectsDir(t)
	e := startWithSources(t, base, func(c *app.Config) { c.Commands.License = license.CommunityLicense() })
	alice := e.token(t, "alice@example.com", false)
	res := e.do(t, "GET", "/api/license", alice, nil)
	require.Equal(t, http.StatusOK, res.status)
	assert.Equal(t, "community", res.json(t)["tier"])
	assert.Equal(t, "active", res.json(t)["state"])

	var team string
	for i := 0; i < 3; i++ {
		res = e.do(t, "POST", "/api/teams", alice, strings.NewReader(fmt.Sprintf(`{"name":"Team %d"}`, i)))
		require.Equal(t, http.StatusCreated, res.status, string(res.body))
		team = res.json(t)["id"].(string)
	}
	e.CaughtUp(t)
	res = e.do(t, "POST", "/api/teams", alice, strings.NewReader(`{"name":"Team 4"}`))
	assert.Equal(t, http.StatusForbidden, res.status)
	assert.Equal(t, "license_required", res.errorCode(t))
	assert.Contains(t, res.errorMessage(t), "allows 3 teams")

	path := base + "/math"
	for i := 0; i < 10; i++ {
		res = e.do(t, "POST", "/api/teams/"+team+"/projects", alice, strings.NewReader(sourceBody(fmt.Sprintf("P %d", i), path)))
		require.Equal(t, http.StatusCreated, res.status, string(res.body))
	}
	e.CaughtUp(t)
	res = e.do(t, "POST", "/api/teams/"+team+"/projects", alice, strings.NewReader(sourceBody("P 11", path)))
	assert.Equal(t, http.StatusForbidden, res.status)
	assert.Contains(t, res.errorMessage(t), "allows 10 projects")

	// A deleted team's projects go with it, and with them their places
	// under both limits.
	require.Equal(t, http.StatusNoContent, e.do(t, "DELETE", "/api/teams/"+team, alice, nil).status)
	res = e.do(t, "POST", "/api/teams", alice, strings.NewReader(`{"name":"Team 5"}`))
	require.Equal(t, http.StatusCreated, res.status, string(res.body))
	res = e.do(t, "POST", "/api/teams/"+res.json(t)["id"].(string)+"/projects", alice, strings.NewReader(sourceBody("P 12", path)))
	assert.Equal(t, http.StatusCreated, res.status, string(res.body))
}

func TestExpiredLicenseGraceThenRefusal(t *testing.T) {
	t.Parallel()
	clock := &movableClock{t: time.Now().UTC().Truncate(time.Microsecond)}
	exp := clock.Now().Add(time.Hour)
	lic := license.License{Tier: license.Team, Organization: "Acme", Features: []string{}, Limits: license.Limits{Teams: 100}, ExpiresAt: &exp}
	base := projectsDir(t)
	e := startWithSources(t, base, func(c *app.Config) { c.Commands.License, c.Commands.Clock = lic, clock })
	alice := e.token(t, "alice@example.com", false)

	clock.advance(2 * time.Hour) // expired, in grace
	res := e.do(t, "GET", "/api/license", alice, nil)
	assert.Equal(t, "grace", res.json(t)["state"])
	assert.Contains(t, res.json(t)["warning"], "expired")
	res = e.do(t, "POST", "/api/teams", alice, strings.NewReader(`{"name":"In Grace"}`))
	assert.Equal(t, http.StatusCreated, res.status, "grace: still allowed")
	team := res.json(t)["id"].(string)
	res = e.do(t, "POST", "/api/teams/"+team+"/projects", alice, strings.NewReader(sourceBody("Agent", base+"/math")))
	require.Equal(t, http.StatusCreated, res.status, string(res.body))
	project := res.json(t)["id"].(string)
	res = e.do(t, "POST", "/api/projects/"+project+"/deployments", alice, strings.NewReader(`{"type":"production"}`))
	require.Equal(t, http.StatusCreated, res.status, "grace: new deployments too: %s", res.body)
	deployment := res.json(t)["id"].(string)

	clock.advance(license.Grace) // past grace
	res = e.do(t, "GET", "/api/license", alice, nil)
	assert.Equal(t, "expired", res.json(t)["state"])
	res = e.do(t, "POST", "/api/teams", alice, strings.NewReader(`{"name":"Too Late"}`))
	assert.Equal(t, http.StatusForbidden, res.status)
	assert.Equal(t, "license_required", res.errorCode(t))
	assert.Contains(t, res.errorMessage(t), "renew")
	res = e.do(t, "POST", "/api/projects/"+project+"/deployments", alice, strings.NewReader(`{"type":"staging"}`))
	assert.Equal(t, http.StatusForbidden, res.status, "no new deployments past grace")
	assert.Equal(t, "license_required", res.errorCode(t))
	res = e.do(t, "GET", "/api/teams/"+team, alice, nil)
	assert.Equal(t, http.StatusOK, res.status, "what exists keeps working")
	res = e.do(t, "GET", "/api/deployments/"+deployment, alice, nil)
	assert.Equal(t, http.StatusOK, res.status, "existing deployments stay")
	res = e.do(t, "PUT", "/api/deployments/"+deployment+"/env/LOG_LEVEL", alice, strings.NewReader(`{"value":"debug"}`))
	assert.Equal(t, http.StatusOK, res.status, "and can still be configured")
}
