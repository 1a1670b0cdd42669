package httpapi_test

import (
	"net/http"
	"sort"
	"strings"
	"testing"

	"github.com/gorilla/mux"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestOpenAPIDescribesEveryRoute compares the served document with the
// router: a route missing from the document, or documented but not
// routed, fails here.
func TestOpenAPIDescribesEveryRoute(t *testing.T) {
	t.Parallel()
	e := start(t)
	res := e.do(t, "GET", "/api/openapi.json", "", nil)
	require.Equal(t, http.StatusOK, res.status)
	doc := res.json(t)
	assert.Equal(t, "3.0.3", doc["openapi"])

	var documented []string
	for path, item := range doc["paths"].(map[string]any) {
		for method, op := range item.(map[string]any) {
			documented = append(documented, strings.ToUpper(method)+" "+path)
			assert.NotEmpty(t, op.(map[string]any)["summary"], "%s %s", method, path)
			assert.Contains(t, op.(map[string]any)["responses"], "default", "%s %s documents its errors", method, path)
		}
	}
	var routed []string
	require.NoError(t, e.api.Router().Walk(func(route *mux.Route, _ *mux.Router, _ []*mux.Route) error {
		tpl, err := route.GetPathTemplate()
		if err != nil {
			return nil
		}
		methods, err := route.GetMethods()
		require.NoError(t, err, "route %s has methods", tpl)
		for _, m := range methods {
			routed = append(routed, m+" "+tpl)
		}
		return nil
	}))
	sort.Strings(documented)
	sort.Strings(routed)
	assert.Equal(t, routed, documented)

	schemas := doc["components"].(map[string]any)["schemas"].(map[string]any)
	team := schemas["team_View"].(map[string]any)["properties"].(map[string]any)
	assert.Equal(t, map[string]any{"type": "string", "format": "uuid"}, team["id"])
	assert.Equal(t, map[string]any{"type": "string", "format": "date-time"}, team["createdAt"])
	post := doc["paths"].(map[string]any)["/api/teams"].(map[string]any)["post"].(map[string]any)
	assert.Contains(t, post["responses"], "201")
}
