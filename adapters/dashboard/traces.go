package dashboard

import (
	"context"
	"net/http"
	"strings"

	"github.com/google/uuid"
	"github.com/gorilla/mux"

	"github.com/mastra-admin/mastra-admin/commands"
	"github.com/mastra-admin/mastra-admin/domain"
	"github.com/mastra-admin/mastra-admin/domain/project"
)

// traceFilters are the trace list's filters as the form shows them.
type traceFilters struct {
	timeRange
	DeploymentID string
	Status       string
	Name         string
	Cursor       string
}

type tracesData struct {
	obsProject
	Filters   traceFilters
	Traces    Section[commands.TracePage]
	NextHref  string
	FirstHref string
}

// tracesPage lists a project's traces, newest first, with filters and
// cursor paging.
func (s *Server) tracesPage(w http.ResponseWriter, r *http.Request) {
	o, ok := s.loadObsProject(w, r)
	if !ok {
		return
	}
	q := r.URL.Query()
	f := traceFilters{timeRange: readRange(r), DeploymentID: strings.TrimSpace(q.Get("deploymentId")),
		Status: q.Get("status"), Name: strings.TrimSpace(q.Get("name")), Cursor: q.Get("cursor")}
	p := session(r).Principal
	data := tracesData{obsProject: o, Filters: f}
	data.Traces = load(r.Context(), func(ctx context.Context) (commands.TracePage, error) {
		if err := f.err(); err != nil {
			return commands.TracePage{}, err
		}
		dep, err := deploymentParam(q)
		if err != nil {
			return commands.TracePage{}, err
		}
		return s.cfg.Admin.ListTraces(ctx, p, o.Project.ID, commands.TraceQuery{
			TimeRange: commands.TimeRange{From: f.FromAt, To: f.ToAt}, DeploymentID: dep,
			Status: f.Status, Name: f.Name, Cursor: f.Cursor})
	})
	path := "/projects/" + o.Project.ID.String() + "/traces"
	if data.Traces.OK() && data.Traces.Data.NextCursor != "" {
		data.NextHref = withQuery(path, q, "cursor", data.Traces.Data.NextCursor, "tz", f.Zone)
	}
	if f.Cursor != "" {
		data.FirstHref = withQuery(path, q, "cursor", "")
	}
	s.render(w, r, http.StatusOK, "traces", view{Title: "Traces · " + o.Project.Name, Session: session(r),
		Crumbs: o.crumbs(), Data: data})
}

type traceData struct {
	TraceID    string
	Project    Section[project.View]
	HasProject bool
}

// tracePage is the shell of one trace's waterfall: assets/waterfall.js
// loads the span tree from GET /api/traces/{traceId} (the API keeps the
// spans of the projects the caller sees) and renders it. ?project= names
// the project the reader came from, for the links back.
func (s *Server) tracePage(w http.ResponseWriter, r *http.Request) {
	id := mux.Vars(r)["traceId"]
	if len(id) > 128 {
		s.fail(w, r, domain.Errorf(domain.KindInvalid, "a trace ID has at most 128 characters"))
		return
	}
	data := traceData{TraceID: id}
	var crumbs []crumb
	if raw := r.URL.Query().Get("project"); raw != "" {
		data.HasProject = true
		data.Project = load(r.Context(), func(ctx context.Context) (project.View, error) {
			pid, err := uuid.Parse(raw)
			if err != nil {
				return project.View{}, domain.Errorf(domain.KindNotFound, "project %q not found", raw)
			}
			return s.cfg.Admin.GetProject(ctx, session(r).Principal, pid)
		})
		if data.Project.OK() {
			pr := data.Project.Data
			crumbs = []crumb{{Label: pr.Name, Href: "/projects/" + pr.ID.String()},
				{Label: "Traces", Href: "/projects/" + pr.ID.String() + "/traces"}}
		}
	}
	s.render(w, r, http.StatusOK, "trace", view{Title: "Trace " + id, Session: session(r), Crumbs: crumbs, Data: data})
}
