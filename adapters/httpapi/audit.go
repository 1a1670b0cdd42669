package httpapi

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/mastra-admin/mastra-admin/adapters/auditchain"
	"github.com/mastra-admin/mastra-admin/adapters/auditexport"
	"github.com/mastra-admin/mastra-admin/commands"
	"github.com/mastra-admin/mastra-admin/domain"
)

// auditQuery reads teamId, after, since and limit.
func auditQuery(q url.Values) (commands.AuditQuery, error) {
	var out commands.AuditQuery
	if raw := q.Get("teamId"); raw != "" {
		id, err := uuid.Parse(raw)
		if err != nil {
			return out, domain.Errorf(domain.KindInvalid, "teamId %q is not a UUID", raw)
		}
		out.TeamID = &id
	}
	var err error
	if out.After, err = intParam(q, "after"); err != nil {
		return out, err
	}
	limit, err := intParam(q, "limit")
	if err != nil {
		return out, err
	}
	out.Limit = int(limit)
	if raw := q.Get("since"); raw != "" {
		if out.Since, err = time.Parse(time.RFC3339Nano, raw); err != nil {
			return out, domain.Errorf(domain.KindInvalid, "since %q is not an RFC 3339 time", raw)
		}
	}
	return out, nil
}

func intParam(q url.Values, name string) (int64, error) {
	raw := q.Get(name)
	if raw == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(raw, 10, 64)
	if err != nil || n < 0 {
		return 0, domain.Errorf(domain.KindInvalid, "%s %q must be a non-negative integer", name, raw)
	}
	return n, nil
}

func (s *Server) listAudit(w http.ResponseWriter, r *http.Request) {
	q, err := auditQuery(r.URL.Query())
	if err != nil {
		writeError(w, r, err)
		return
	}
	entries, err := s.cfg.Admin.Audit(r.Context(), principal(r), q)
	if err != nil {
		writeError(w, r, err)
		return
	}
	var next int64
	if len(entries) > 0 {
		next = entries[len(entries)-1].Position
	}
	writeJSON(w, http.StatusOK, map[string]any{"entries": nonNil(entries), "next": next})
}

// exportAudit streams the hash-chained JSONL (or CSV with format=csv)
// export. Access is checked on the first page, before anything is sent.
func (s *Server) exportAudit(w http.ResponseWriter, r *http.Request) {
	q, err := auditQuery(r.URL.Query())
	if err != nil {
		writeError(w, r, err)
		return
	}
	format := auditchain.JSONL
	if raw := r.URL.Query().Get("format"); raw != "" {
		if format, err = auditchain.ParseFormat(raw); err != nil {
			fail(w, r, domain.KindInvalid, err.Error())
			return
		}
	}
	probe := q
	probe.Limit = 1
	if _, err := s.cfg.Admin.Audit(r.Context(), principal(r), probe); err != nil {
		writeError(w, r, err)
		return
	}
	ctype := "application/x-ndjson"
	if format == auditchain.CSV {
		ctype = "text/csv; charset=utf-8"
	}
	w.Header().Set("Content-Type", ctype)
	w.Header().Set("Content-Disposition", `attachment; filename="audit.`+strings.ToLower(format.String())+`"`)
	w.WriteHeader(http.StatusOK)
	if _, err := auditexport.Export(r.Context(), s.cfg.Admin, principal(r), q, w, format, auditchain.Options{Key: s.cfg.AuditKey}); err != nil {
		// The status is sent; the missing trailer makes the truncated export fail verification.
		if rec := recorderFrom(r.Context()); rec != nil {
			rec.err = err
		}
		s.log.WithError(err).Error("audit export interrupted")
	}
}
