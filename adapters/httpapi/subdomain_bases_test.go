package httpapi_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestTransferSubdomainBaseOverHTTP: bad input is a clear 400, an unknown
// team 404, a base in use 409, and a transfer 204 that the receiving
// team's audit log shows.
func TestTransferSubdomainBaseOverHTTP(t *testing.T) {
	t.Parallel()
	base := projectsDir(t)
	e := startWithSources(t, base)
	root := e.token(t, "root@example.com", true)
	alice := e.token(t, "alice@example.com", false)
	res := e.do(t, "POST", "/api/teams", alice, strings.NewReader(`{"name":"Acme"}`))
	require.Equal(t, http.StatusCreated, res.status)
	team := res.json(t)["id"].(string)
	res = e.do(t, "POST", "/api/teams/"+team+"/projects", alice, strings.NewReader(sourceBody("Shop", base+"/math")))
	require.Equal(t, http.StatusCreated, res.status, string(res.body))
	assert.Equal(t, "shop", res.json(t)["subdomainBase"])

	transfer := func(base, body string) response {
		return e.do(t, "POST", "/api/subdomain-bases/"+base+"/transfer", root, strings.NewReader(body))
	}
	for _, c := range []struct{ base, body, msg string }{
		{"free", `{}`, "teamId is required"},
		{"free", `{"teamId":"nope"}`, "UUID"},
		{"Not-A-Slug", `{"teamId":"` + team + `"}`, "subdomain base slug"},
	} {
		res := transfer(c.base, c.body)
		assert.Equal(t, http.StatusBadRequest, res.status, string(res.body))
		assert.Contains(t, res.errorMessage(t), c.msg)
	}
	assert.Equal(t, http.StatusNotFound, transfer("free", `{"teamId":"00000000-0000-4000-8000-000000000000"}`).status)
	res = transfer("shop", `{"teamId":"`+team+`"}`)
	assert.Equal(t, http.StatusConflict, res.status, string(res.body))
	assert.Contains(t, res.errorMessage(t), "is used by project")
	assert.Equal(t, http.StatusNoContent, transfer("free", `{"teamId":"`+team+`"}`).status)
	e.CaughtUp(t) // alice reads what root wrote
	res = e.do(t, "GET", "/api/audit?teamId="+team, alice, nil)
	require.Equal(t, http.StatusOK, res.status)
	assert.Contains(t, string(res.body), "project.SubdomainBaseTransferred")
}
