package local

import (
	"io"
	"net/http"
	"strconv"
	"strings"
)

// failure is one of the router's own answers.
type failure struct {
	status  int
	code    string // the API's error code
	title   string
	message string
}

var (
	errNotFound = failure{http.StatusNotFound, "not_found", "Not found",
		"No deployment is served at this address."}
	errStopped = failure{http.StatusServiceUnavailable, "unavailable", "Deployment stopped",
		"This deployment is stopped."}
	errBadGateway = failure{http.StatusBadGateway, "bad_gateway", "Bad gateway",
		"The deployment did not answer. Try again in a moment."}
	errUnhealthy = failure{http.StatusBadGateway, "bad_gateway", "Bad gateway",
		"The deployment is not healthy. Try again in a moment."}
)

// pages are the bodies, built once: they hold no request data, so there
// is nothing to escape and nothing internal to leak.
var pages = map[failure][2]string{}

func init() {
	for _, f := range []failure{errNotFound, errStopped, errBadGateway, errUnhealthy} {
		j := `{"error":{"code":"` + f.code + `","message":"` + f.message + `"}}` + "\n"
		h := "<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>" + f.title + "</title></head>\n" +
			"<body><h1>" + f.title + "</h1><p>" + f.message + "</p></body></html>\n"
		pages[f] = [2]string{j, h}
	}
}

// writeFailure answers f: in the API's error shape to a client that
// accepts JSON, as a small HTML page otherwise.
func writeFailure(w http.ResponseWriter, r *http.Request, f failure) {
	body := pages[f]
	h := w.Header()
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	page, ct := body[1], "text/html; charset=utf-8"
	if acceptsJSON(r) {
		page, ct = body[0], "application/json"
	}
	h.Set("Content-Type", ct)
	h.Set("Content-Length", strconv.Itoa(len(page)))
	w.WriteHeader(f.status)
	_, _ = io.WriteString(w, page)
}

func acceptsJSON(r *http.Request) bool {
	for _, v := range r.Header["Accept"] {
		if strings.Contains(strings.ToLower(v), "application/json") {
			return true
		}
	}
	return false
}
