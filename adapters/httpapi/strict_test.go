package httpapi_test

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mastra-admin/mastra-admin/internal/app"
)

// TestStrictBodies: what encoding/json would let through (a key twice, a
// key in another case, null) is invalid_argument and changes nothing.
func TestStrictBodies(t *testing.T) {
	t.Parallel()
	base := projectsDir(t)
	e := startWithSources(t, base)
	alice := e.token(t, "alice@example.com", false)
	res := e.do(t, "POST", "/api/teams", alice, strings.NewReader(`{"name":"Strict"}`))
	require.Equal(t, http.StatusCreated, res.status, string(res.body))
	team := res.json(t)["id"].(string)
	res = e.do(t, "POST", "/api/teams/"+team+"/projects", alice, strings.NewReader(sourceBody("Agent", base+"/math")))
	require.Equal(t, http.StatusCreated, res.status, string(res.body))
	project := res.json(t)["id"].(string)
	env := "/api/projects/" + project + "/env/"
	res = e.do(t, "PUT", env+"API_KEY", alice, strings.NewReader(`{"value":"kept","secret":true}`))
	require.Equal(t, http.StatusOK, res.status, string(res.body))

	for name, c := range map[string]struct{ method, path, body, msg string }{
		"duplicate key":          {"PUT", env + "LEAK", `{"value":"a","secret":true,"secret":false}`, `key "secret" appears twice`},
		"duplicate after escape": {"PUT", env + "LEAK", `{"value":"a","secret":true,"\u0073ecret":false}`, `appears twice`},
		"duplicate nested key": {"POST", "/api/teams/" + team + "/projects",
			`{"name":"Dup","sourceType":"local","sourceConfig":{"path":"/a","path":"/b"}}`, `key "sourceConfig.path" appears twice`},
		"case variant":       {"PUT", env + "LEAK", `{"Value":"a","secret":true}`, `did you mean "value"`},
		"upper-case variant": {"PUT", env + "LEAK", `{"value":"a","SECRET":true}`, `field names are case-sensitive`},
		"folded variant":     {"PUT", env + "LEAK", `{"value":"a","ſecret":true}`, `did you mean "secret"`},
		"null body":          {"PUT", env + "API_KEY", `null`, "request body is null"},
		"null body padded":   {"POST", "/api/teams", " null\n", "request body is null"},
		"null field":         {"PUT", env + "API_KEY", `{"value":null,"secret":true}`, `field "value" must not be null`},
	} {
		res := e.do(t, c.method, c.path, alice, strings.NewReader(c.body))
		assert.Equal(t, http.StatusBadRequest, res.status, "%s: %s", name, res.body)
		assert.Equal(t, "invalid_argument", res.errorCode(t), name)
		assert.Contains(t, res.errorMessage(t), c.msg, name)
	}
	res = e.do(t, "GET", env[:len(env)-1], alice, nil)
	require.Equal(t, http.StatusOK, res.status, string(res.body))
	vars := res.json(t)["env"].([]any)
	require.Len(t, vars, 1, "nothing was stored: %s", res.body)
	assert.Equal(t, "API_KEY", vars[0].(map[string]any)["key"])
	assert.Equal(t, true, vars[0].(map[string]any)["secret"], "the secret stayed a secret")
	res = e.do(t, "GET", "/api/teams/"+team+"/projects", alice, nil)
	assert.Len(t, res.json(t)["projects"], 1)

	// Optional fields may still be null, and escapes of a known name are that name.
	res = e.do(t, "PATCH", "/api/projects/"+project, alice, strings.NewReader(`{"name":"Agent 2","defaultBranch":null}`))
	assert.Equal(t, http.StatusOK, res.status, string(res.body))
	res = e.do(t, "PUT", env+"PLAIN", alice, strings.NewReader(`{"\u0076alue":"v"}`))
	assert.Equal(t, http.StatusOK, res.status, string(res.body))
}

// TestBodiesMustBeUncompressedJSON: a body labelled anything but
// application/json, or compressed, is 415 unsupported_media_type in the
// error shape; bodiless requests need no label.
func TestBodiesMustBeUncompressedJSON(t *testing.T) {
	t.Parallel()
	e := start(t)
	alice := e.token(t, "alice@example.com", false)
	body := `{"name":"Typed"}`
	for name, c := range map[string]struct {
		header http.Header
		msg    string
	}{
		"no content type": {http.Header{}, "Content-Type: application/json"},
		"text/plain":      {http.Header{"Content-Type": {"text/plain"}}, `"text/plain" is not supported`},
		"form":            {http.Header{"Content-Type": {"application/x-www-form-urlencoded"}}, "is not supported"},
		"json suffix":     {http.Header{"Content-Type": {"application/json-seq"}}, "is not supported"},
		"bad charset":     {http.Header{"Content-Type": {"application/json; charset=iso-8859-1"}}, `charset "iso-8859-1"`},
		"unparsable":      {http.Header{"Content-Type": {"application/json;;;"}}, "is not supported"},
		"gzip": {http.Header{"Content-Type": {"application/json"}, "Content-Encoding": {"gzip"}},
			`Content-Encoding "gzip" is not supported`},
		"identity then br": {http.Header{"Content-Type": {"application/json"}, "Content-Encoding": {"identity, br"}},
			`Content-Encoding "br"`},
	} {
		res := e.doWith(t, "POST", "/api/teams", alice, strings.NewReader(body), c.header)
		assert.Equal(t, http.StatusUnsupportedMediaType, res.status, "%s: %s", name, res.body)
		assert.Equal(t, "unsupported_media_type", res.errorCode(t), name)
		assert.Contains(t, res.errorMessage(t), c.msg, name)
	}
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	_, _ = zw.Write([]byte(body))
	require.NoError(t, zw.Close())
	res := e.doWith(t, "POST", "/api/teams", alice, &gz, http.Header{"Content-Type": {"application/json"}, "Content-Encoding": {"gzip"}})
	assert.Equal(t, http.StatusUnsupportedMediaType, res.status, "a real gzip body: %s", res.body)
	res = e.do(t, "GET", "/api/teams", alice, nil)
	assert.Empty(t, res.json(t)["teams"], "nothing was created")

	for i, ct := range []string{"application/json", "application/json; charset=utf-8", "Application/JSON; charset=UTF-8"} {
		res := e.doWith(t, "POST", "/api/teams", alice, strings.NewReader(fmt.Sprintf(`{"name":"Typed %d"}`, i)),
			http.Header{"Content-Type": {ct}, "Content-Encoding": {"identity"}})
		assert.Equal(t, http.StatusCreated, res.status, "%s: %s", ct, res.body)
	}
	res = e.doWith(t, "GET", "/api/teams", alice, nil, http.Header{"Content-Type": {"text/plain"}})
	assert.Equal(t, http.StatusOK, res.status, "no body, nothing to label: %s", res.body)
}

// TestWrongMethodIs405WithAllow: a path that exists answers a method it
// does not take with 405 method_not_allowed and the methods it takes.
func TestWrongMethodIs405WithAllow(t *testing.T) {
	t.Parallel()
	e := start(t)
	alice := e.token(t, "alice@example.com", false)
	for path, allow := range map[string]string{
		"/api/teams": "GET, POST",
		"/api/teams/0192b6c4-0000-7000-8000-000000000000": "DELETE, GET, PATCH",
		"/healthz": "GET",
	} {
		res := e.do(t, "PUT", path, alice, strings.NewReader(`{}`))
		assert.Equal(t, http.StatusMethodNotAllowed, res.status, "%s: %s", path, res.body)
		assert.Equal(t, "method_not_allowed", res.errorCode(t), path)
		assert.Equal(t, allow, res.header.Get("Allow"), path)
		assert.Contains(t, res.errorMessage(t), "PUT is not allowed", path)
	}
}

// TestSecretsAreNotCached: responses that carry a secret say no-store.
func TestSecretsAreNotCached(t *testing.T) {
	t.Parallel()
	mail := &outbox{}
	e := startWithSources(t, projectsDir(t), func(c *app.Config) { c.Commands.Mailer = mail })
	alice := e.token(t, "alice@example.com", false)
	res := e.do(t, "POST", "/api/tokens", alice, strings.NewReader(`{"name":"ci"}`))
	require.Equal(t, http.StatusCreated, res.status, string(res.body))
	assert.Equal(t, "no-store", res.header.Get("Cache-Control"), "a new token")
	res = e.do(t, "POST", "/api/teams", alice, strings.NewReader(`{"name":"Cache"}`))
	require.Equal(t, http.StatusCreated, res.status, string(res.body))
	res = e.do(t, "POST", "/api/teams/"+res.json(t)["id"].(string)+"/invites", alice, strings.NewReader(`{"email":"bob@example.com","role":"viewer"}`))
	require.Equal(t, http.StatusCreated, res.status, string(res.body))
	assert.Equal(t, "no-store", res.header.Get("Cache-Control"), "a new invite: %s", res.body)
}
