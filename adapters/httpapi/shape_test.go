package httpapi

import (
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestSameShape(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		template, path string
		want           bool
	}{
		{"/api/teams", "/api/teams", true},
		{"/api/teams", "/api/teams/", false},
		{"/api/teams", "/api/team", false},
		{"/api/teams", "/api/teamsx", false},
		{"/api/teams/{teamId}/projects", "/api/teams/abc/projects", true},
		{"/api/teams/{teamId}/projects", "/api/teams/abc/members", false},
		{"/api/teams/{teamId}/projects", "/api/teams/abc/projects/x", false},
		{"/api/teams/{teamId}/projects", "/api/teams/abc", false},
		{"/api/teams/{teamId}", "/api/projects/abc", false},
		{"/api/projects/{projectId}/env/{key}", "/api/projects/p/env/API_KEY", true},
		{"/api/projects/{projectId}/env/{key}", "/api/projects/p/env", false},
	} {
		r := httptest.NewRequest("GET", c.path, nil)
		assert.Equal(t, c.want, sameShape(c.template)(r, nil), "%s against %s", c.path, c.template)
	}
}
