package dashboard

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	// The zone database is embedded: the filters read times in the
	// viewer's zone, and a slim container may have no /usr/share/zoneinfo.
	_ "time/tzdata"

	"github.com/google/uuid"
	"github.com/gorilla/mux"

	"github.com/mastra-admin/mastra-admin/domain"
	"github.com/mastra-admin/mastra-admin/domain/deployment"
	"github.com/mastra-admin/mastra-admin/domain/project"
)

// obsRoutes registers the observability pages: traces, one trace's
// waterfall, logs, metrics and the comparison of two deployments. Their
// data comes from the observability store (ClickHouse) through the same
// Admin queries as the REST API; without a store each section says so.
//
// Time zones: the filters' From and To are <input type="datetime-local">
// values, which name no zone. The choice: the server reads them in an IANA
// zone sent with the form (the hidden tz field), so that daylight saving
// time is right for the date typed, not for today, and the same zone draws
// the charts' axes and fills the preset ranges' From and To. The zone is
// the browser's (assets/obs.js remembers Intl's zone in a cookie and draws
// the first page again once in it); without scripts it is UTC, and every
// page says which zone it used. A shared link carries its tz and means the
// same instants for every reader.
func (s *Server) obsRoutes(r *mux.Router) {
	r.HandleFunc("/projects/{id}/traces", s.signedIn(s.tracesPage)).Methods(http.MethodGet)
	r.HandleFunc("/traces/{traceId}", s.signedIn(s.tracePage)).Methods(http.MethodGet)
	r.HandleFunc("/projects/{id}/logs", s.signedIn(s.logsPage)).Methods(http.MethodGet)
	r.HandleFunc("/projects/{id}/metrics", s.signedIn(s.metricsPage)).Methods(http.MethodGet)
	r.HandleFunc("/projects/{id}/metrics/compare", s.signedIn(s.comparePage)).Methods(http.MethodGet)
}

// obsProject is the project an observability page is about, with the
// project's deployments for the filters' select.
type obsProject struct {
	Project     project.View
	TeamName    string
	Deployments Section[[]deployment.View]
}

// loadObsProject reads the page's project ({id}); it writes the error
// page and returns false when the caller may not see it.
func (s *Server) loadObsProject(w http.ResponseWriter, r *http.Request) (obsProject, bool) {
	id, err := idIn(r, "id", "project")
	if err != nil {
		s.fail(w, r, err)
		return obsProject{}, false
	}
	p := session(r).Principal
	pr, err := s.cfg.Admin.GetProject(r.Context(), p, id)
	if err != nil {
		s.fail(w, r, err)
		return obsProject{}, false
	}
	o := obsProject{Project: pr, TeamName: "Team"}
	if t, err := s.cfg.Admin.GetTeam(r.Context(), p, pr.TeamID); err == nil {
		o.TeamName = t.Name
	}
	o.Deployments = load(r.Context(), func(ctx context.Context) ([]deployment.View, error) {
		return s.cfg.Admin.ListDeployments(ctx, p, id)
	})
	return o, true
}

// crumbs are the links above an observability page's title.
func (o obsProject) crumbs() []crumb {
	return []crumb{{Label: o.TeamName, Href: "/teams/" + o.Project.TeamID.String()},
		{Label: o.Project.Name, Href: "/projects/" + o.Project.ID.String()}}
}

// tzCookie remembers the viewer's time zone (set by assets/obs.js from
// the browser's Intl settings) so that pages render times in it.
const tzCookie = "mastra_admin_tz"

// zoneOf is the time zone a request's times are read and shown in: the
// tz parameter of a filter form (filled by assets/obs.js), else the
// remembered zone, else UTC (without scripts). An unknown name is UTC.
func zoneOf(r *http.Request) *time.Location {
	name := r.URL.Query().Get("tz")
	if name == "" {
		if c, err := r.Cookie(tzCookie); err == nil {
			name, _ = url.QueryUnescape(c.Value)
		}
	}
	if name == "" || len(name) > 64 {
		return time.UTC
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return time.UTC
	}
	return loc
}

// localLayout is the value format of <input type="datetime-local">.
const localLayout = "2006-01-02T15:04"

// timeRange is the from and to of a filter form: what was typed (shown
// back in the form) and the instants they name in Zone.
type timeRange struct {
	From, To     string
	FromAt, ToAt time.Time
	Zone         string
	Location     *time.Location
	bad          error
}

// readRange reads from and to (datetime-local values, in the viewer's
// zone). A value that is not a time is kept as typed for the form and
// reported by err.
func readRange(r *http.Request) timeRange {
	loc := zoneOf(r)
	q := r.URL.Query()
	tr := timeRange{From: strings.TrimSpace(q.Get("from")), To: strings.TrimSpace(q.Get("to")), Zone: loc.String(), Location: loc}
	var errs []string
	tr.FromAt, errs = parseLocal("from", tr.From, loc, errs)
	tr.ToAt, errs = parseLocal("to", tr.To, loc, errs)
	if len(errs) > 0 {
		tr.bad = domain.Errorf(domain.KindInvalid, "%s", strings.Join(errs, "; "))
	} else if !tr.FromAt.IsZero() && !tr.ToAt.IsZero() && tr.FromAt.After(tr.ToAt) {
		tr.bad = domain.Errorf(domain.KindInvalid, "From (%s) is after To (%s): swap them", tr.From, tr.To)
	}
	return tr
}

func parseLocal(name, v string, loc *time.Location, errs []string) (time.Time, []string) {
	if v == "" {
		return time.Time{}, errs
	}
	for _, layout := range []string{localLayout, localLayout + ":05", localLayout + ":05.999999999"} {
		if t, err := time.ParseInLocation(layout, v, loc); err == nil {
			return t, errs
		}
	}
	if t, err := time.Parse(time.RFC3339Nano, v); err == nil {
		return t, errs
	}
	return time.Time{}, append(errs, fmt.Sprintf("%s %q is not a date and time like 2026-01-31T14:30", name, v))
}

// err is what is wrong with the range, nil when it can be queried.
func (tr timeRange) err() error { return tr.bad }

// deploymentParam reads the deploymentId filter: nil for every deployment.
func deploymentParam(q url.Values) (uuid.UUID, error) {
	raw := strings.TrimSpace(q.Get("deploymentId"))
	if raw == "" {
		return uuid.Nil, nil
	}
	id, err := uuid.Parse(raw)
	if err != nil {
		return uuid.Nil, domain.Errorf(domain.KindInvalid, "deployment %q is not a deployment's ID: choose one from the list", raw)
	}
	return id, nil
}

// deploymentLabel names a deployment in a select: its type and slug.
func deploymentLabel(d deployment.View) string {
	label := string(d.Type)
	if d.Slug != "" && d.Slug != string(d.Type) {
		label += " · " + d.Slug
	}
	if d.Branch != "" {
		label += " (" + d.Branch + ")"
	}
	return label
}

// withQuery is path with q plus the given changes (an empty value drops
// the key): the links of the next and first pages keep the filters.
func withQuery(path string, q url.Values, kv ...string) string {
	c := url.Values{}
	for k, v := range q {
		if len(v) > 0 && v[0] != "" {
			c.Set(k, v[0])
		}
	}
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] == "" {
			c.Del(kv[i])
		} else {
			c.Set(kv[i], kv[i+1])
		}
	}
	if len(c) == 0 {
		return path
	}
	return path + "?" + c.Encode()
}

// formatMS renders a duration given in milliseconds for people.
func formatMS(v float64) string {
	switch {
	case v == 0:
		return "0 ms"
	case v < 1:
		return fmt.Sprintf("%.2f ms", v)
	case v < 1000:
		return fmt.Sprintf("%.3g ms", v)
	case v < 60_000:
		return fmt.Sprintf("%.3g s", v/1000)
	}
	d := time.Duration(v * float64(time.Millisecond)).Round(time.Second)
	return d.String()
}

// formatCount renders a count compactly (1.2k, 3.4M).
func formatCount(v float64) string {
	switch {
	case v >= 1e9:
		return trimZero(fmt.Sprintf("%.1f", v/1e9)) + "G"
	case v >= 1e6:
		return trimZero(fmt.Sprintf("%.1f", v/1e6)) + "M"
	case v >= 1e3:
		return trimZero(fmt.Sprintf("%.1f", v/1e3)) + "k"
	case v == float64(int64(v)):
		return fmt.Sprintf("%d", int64(v))
	}
	return trimZero(fmt.Sprintf("%.2f", v))
}

func trimZero(s string) string {
	if strings.Contains(s, ".") {
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	return s
}

func init() {
	funcs["duration"] = formatMS
	funcs["count"] = func(v uint64) string { return formatCount(float64(v)) }
	funcs["deploymentLabel"] = deploymentLabel
}
