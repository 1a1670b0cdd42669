package httpapi

import (
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/google/uuid"

	"github.com/mastra-admin/mastra-admin/commands"
	"github.com/mastra-admin/mastra-admin/domain"
)

func (s *Server) deploy(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "deploymentId")
	if err != nil {
		writeError(w, r, err)
		return
	}
	b, err := s.cfg.Admin.Deploy(r.Context(), principal(r), id)
	if err != nil {
		writeError(w, r, err)
		return
	}
	w.Header().Set("Location", "/api/builds/"+b.ID.String())
	writeJSON(w, http.StatusAccepted, b)
}

func (s *Server) rollback(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "deploymentId")
	if err != nil {
		writeError(w, r, err)
		return
	}
	var in commands.RollbackInput
	if err := decodeJSON(r, &in); err != nil {
		writeError(w, r, err)
		return
	}
	b, err := s.cfg.Admin.Rollback(r.Context(), principal(r), id, in)
	if err != nil {
		writeError(w, r, err)
		return
	}
	w.Header().Set("Location", "/api/builds/"+b.ID.String())
	writeJSON(w, http.StatusAccepted, b)
}

func (s *Server) listBuilds(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "deploymentId")
	if err != nil {
		writeError(w, r, err)
		return
	}
	bs, err := s.cfg.Admin.ListBuilds(r.Context(), principal(r), id)
	if err != nil {
		writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"builds": nonNil(bs)})
}

func (s *Server) getBuild(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "buildId")
	if err != nil {
		writeError(w, r, err)
		return
	}
	b, err := s.cfg.Admin.GetBuild(r.Context(), principal(r), id)
	if err != nil {
		writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, b)
}

func (s *Server) cancelBuild(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "buildId")
	if err != nil {
		writeError(w, r, err)
		return
	}
	if err := s.cfg.Admin.CancelBuild(r.Context(), principal(r), id); err != nil {
		writeError(w, r, err)
		return
	}
	b, err := s.cfg.Admin.GetBuild(r.Context(), principal(r), id)
	if err != nil {
		writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, b)
}

func (s *Server) buildLogs(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "buildId")
	if err != nil {
		writeError(w, r, err)
		return
	}
	q := r.URL.Query()
	if q.Has("from") || q.Has("limit") || q.Has("tail") {
		s.buildLogLines(w, r, id)
		return
	}
	log, err := s.cfg.Admin.BuildLog(r.Context(), principal(r), id)
	if err != nil {
		writeError(w, r, err)
		return
	}
	defer log.Close()
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(http.StatusOK)
	_, _ = io.Copy(w, log)
}

// defaultLogLimit is how many lines ?from=N returns without a limit.
const defaultLogLimit = 1000

// buildLogLines answers part of a build's log: ?from=N&limit=M (lines N
// to N+M-1, fewer at the log's end) or ?tail=M (its last M lines), as
// text/plain, a line per line, with the number of the first line in the
// X-Log-From header.
func (s *Server) buildLogLines(w http.ResponseWriter, r *http.Request, id uuid.UUID) {
	var lr commands.LogRange
	q := r.URL.Query()
	for _, f := range []struct {
		name string
		dst  *int
		def  int
	}{{"from", &lr.From, 0}, {"limit", &lr.Limit, defaultLogLimit}, {"tail", &lr.Tail, 0}} {
		v := q.Get(f.name)
		if v == "" {
			*f.dst = f.def
			continue
		}
		n, err := strconv.Atoi(v)
		if err != nil {
			writeError(w, r, domain.Errorf(domain.KindInvalid, "%s must be a whole number, got %q", f.name, v))
			return
		}
		*f.dst = n
	}
	if q.Has("tail") && (q.Has("from") || q.Has("limit")) {
		writeError(w, r, domain.Errorf(domain.KindInvalid, "ask for the last lines (tail=N) or for a range (from=N&limit=M), not both"))
		return
	}
	if q.Has("tail") && lr.Tail == 0 {
		writeError(w, r, domain.Errorf(domain.KindInvalid, "tail must be 1 to %d lines, got 0", commands.MaxLogRange))
		return
	}
	lines, err := s.cfg.Admin.BuildLogLines(r.Context(), principal(r), id, lr)
	if err != nil {
		writeError(w, r, err)
		return
	}
	var b strings.Builder
	for _, l := range lines.Lines {
		b.WriteString(l)
		b.WriteByte('\n')
	}
	h := w.Header()
	h.Set("Content-Type", "text/plain; charset=utf-8")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Log-From", strconv.Itoa(lines.From))
	w.WriteHeader(http.StatusOK)
	_, _ = io.WriteString(w, b.String())
}
