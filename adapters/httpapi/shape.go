package httpapi

import (
	"net/http"
	"strings"

	"github.com/gorilla/mux"
)

// sameShape is a cheap first matcher for a route whose template has only
// whole-segment variables ("/api/teams/{teamId}/projects"): a request
// path can match only with as many segments and the same fixed ones. mux
// tries every route's path regexp in turn; this check turns most of them
// away with a string comparison (it measured 5% of a POST's CPU).
func sameShape(template string) mux.MatcherFunc {
	want := strings.Split(template, "/")
	return func(r *http.Request, _ *mux.RouteMatch) bool {
		path := r.URL.Path
		for i, seg := range want {
			if i > 0 {
				if path == "" || path[0] != '/' {
					return false
				}
				path = path[1:]
			}
			next := strings.IndexByte(path, '/')
			if next < 0 {
				next = len(path)
			}
			if !strings.HasPrefix(seg, "{") && path[:next] != seg {
				return false
			}
			path = path[next:]
		}
		return path == ""
	}
}
