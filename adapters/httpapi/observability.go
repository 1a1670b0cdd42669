package httpapi

import (
	"net/http"
	"net/url"
	"time"

	"github.com/google/uuid"
	"github.com/gorilla/mux"

	"github.com/mastra-admin/mastra-admin/commands"
	"github.com/mastra-admin/mastra-admin/domain"
)

// timeParam reads an RFC 3339 time; "" is the zero time.
func timeParam(q url.Values, name string) (time.Time, error) {
	raw := q.Get(name)
	if raw == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339Nano, raw)
	if err != nil {
		return time.Time{}, domain.Errorf(domain.KindInvalid, "%s %q is not an RFC 3339 time", name, raw)
	}
	return t, nil
}

// uuidParam reads an optional UUID.
func uuidParam(q url.Values, name string) (uuid.UUID, error) {
	raw := q.Get(name)
	if raw == "" {
		return uuid.Nil, nil
	}
	id, err := uuid.Parse(raw)
	if err != nil {
		return uuid.Nil, domain.Errorf(domain.KindInvalid, "%s %q is not a UUID", name, raw)
	}
	return id, nil
}

// rangeParams reads from and to.
func rangeParams(q url.Values) (commands.TimeRange, error) {
	from, err := timeParam(q, "from")
	if err != nil {
		return commands.TimeRange{}, err
	}
	to, err := timeParam(q, "to")
	return commands.TimeRange{From: from, To: to}, err
}

// pageParams reads the filters a page of traces or logs shares: from,
// to, deploymentId and limit.
func pageParams(q url.Values) (tr commands.TimeRange, deployment uuid.UUID, limit int, err error) {
	if tr, err = rangeParams(q); err != nil {
		return tr, uuid.Nil, 0, err
	}
	if deployment, err = uuidParam(q, "deploymentId"); err != nil {
		return tr, uuid.Nil, 0, err
	}
	n, err := intParam(q, "limit")
	return tr, deployment, int(n), err
}

func (s *Server) listTraces(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "projectId")
	if err != nil {
		writeError(w, r, err)
		return
	}
	q := r.URL.Query()
	in := commands.TraceQuery{Status: q.Get("status"), Name: q.Get("name"), Cursor: q.Get("cursor")}
	if in.TimeRange, in.DeploymentID, in.Limit, err = pageParams(q); err != nil {
		writeError(w, r, err)
		return
	}
	page, err := s.cfg.Admin.ListTraces(r.Context(), principal(r), id, in)
	if err != nil {
		writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, page)
}

func (s *Server) getTrace(w http.ResponseWriter, r *http.Request) {
	include := r.URL.Query().Get("include")
	if include != "" && include != "io" {
		writeError(w, r, domain.Errorf(domain.KindInvalid, "include %q: the only choice is io (the spans' input and output)", include))
		return
	}
	t, err := s.cfg.Admin.Trace(r.Context(), principal(r), mux.Vars(r)["traceId"], include == "io")
	if err != nil {
		writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, t)
}

func (s *Server) getSpan(w http.ResponseWriter, r *http.Request) {
	v := mux.Vars(r)
	span, err := s.cfg.Admin.Span(r.Context(), principal(r), v["traceId"], v["spanId"])
	if err != nil {
		writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, span)
}

func (s *Server) searchLogs(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "projectId")
	if err != nil {
		writeError(w, r, err)
		return
	}
	q := r.URL.Query()
	in := commands.LogQuery{Q: q.Get("q"), Level: q.Get("level"), TraceID: q.Get("traceId"), Cursor: q.Get("cursor")}
	if in.TimeRange, in.DeploymentID, in.Limit, err = pageParams(q); err != nil {
		writeError(w, r, err)
		return
	}
	page, err := s.cfg.Admin.SearchLogs(r.Context(), principal(r), id, in)
	if err != nil {
		writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, page)
}

func (s *Server) projectMetrics(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "projectId")
	if err != nil {
		writeError(w, r, err)
		return
	}
	q := r.URL.Query()
	in := commands.MetricsQuery{Bucket: q.Get("bucket")}
	if in.TimeRange, err = rangeParams(q); err == nil {
		in.DeploymentID, err = uuidParam(q, "deploymentId")
	}
	if err != nil {
		writeError(w, r, err)
		return
	}
	m, err := s.cfg.Admin.ProjectMetrics(r.Context(), principal(r), id, in)
	if err != nil {
		writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, m)
}

func (s *Server) compareMetrics(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "projectId")
	if err != nil {
		writeError(w, r, err)
		return
	}
	q := r.URL.Query()
	in := commands.CompareQuery{A: q.Get("a"), B: q.Get("b")}
	if in.TimeRange, err = rangeParams(q); err != nil {
		writeError(w, r, err)
		return
	}
	c, err := s.cfg.Admin.CompareMetrics(r.Context(), principal(r), id, in)
	if err != nil {
		writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, c)
}
