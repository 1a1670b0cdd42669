package dashboard

import (
	"context"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strconv"

	"github.com/mastra-admin/mastra-admin/commands"
	"github.com/mastra-admin/mastra-admin/domain"
	"github.com/mastra-admin/mastra-admin/domain/audit"
	"github.com/mastra-admin/mastra-admin/domain/team"
)

// auditPageSize is how many entries one audit page shows.
const auditPageSize = 50

// auditPage is one page of a team's audit log, newest first, with the
// positions to page from.
type auditPageView struct {
	Entries []auditRow
	// Older is the position the older page is before, Newer the one the
	// newer page is after ("" when there is none).
	Older, Newer string
}

// auditRow is an entry with its actor's email when they are a member.
type auditRow struct {
	audit.Entry
	Who string
}

type auditData struct {
	Team    team.View
	Allowed bool // the caller may read the team's audit log
	Page    Section[auditPageView]
	Export  string // the export's URL (JSONL), through the session
	CSV     string
	BaseURL string // this server, for the commands shown
}

// auditPage shows a team's audit log a page at a time, newest first
// (?before=POS pages back, ?after=POS forward), with how to export it and
// verify the export.
func (s *Server) auditPage(w http.ResponseWriter, r *http.Request) {
	t, ok := s.loadTeam(w, r)
	if !ok {
		return
	}
	sess := session(r)
	q := r.URL.Query()
	data := auditData{Team: t, Export: "/api/audit/export?teamId=" + t.ID.String(),
		CSV: "/api/audit/export?format=csv&teamId=" + t.ID.String(), BaseURL: baseURL(r)}
	data.Allowed = domain.Can(actingRole(sess, t.Role), domain.ActionAuditRead)
	if !data.Allowed {
		s.render(w, r, http.StatusOK, "audit", view{Title: "Audit log", Session: sess, Crumbs: teamCrumbs(t), Data: data})
		return
	}
	data.Page = load(r.Context(), func(ctx context.Context) (auditPageView, error) {
		before, err := positionParam(q, "before")
		if err != nil {
			return auditPageView{}, err
		}
		after, err := positionParam(q, "after")
		if err != nil {
			return auditPageView{}, err
		}
		return s.auditEntries(ctx, sess.Principal, t, before, after)
	})
	s.render(w, r, http.StatusOK, "audit", view{Title: "Audit log", Session: sess, Crumbs: teamCrumbs(t), Data: data})
}

// auditEntries reads one page: the newest entries before before (or the
// newest of all), or the oldest after after; one more than a page is read
// to know whether there is a next one.
func (s *Server) auditEntries(ctx context.Context, p commands.Principal, t team.View, before, after int64) (auditPageView, error) {
	q := commands.AuditQuery{TeamID: &t.ID, Limit: auditPageSize + 1}
	forward := after > 0 && before == 0
	if forward {
		q.After = after
	} else {
		q.Before = before
		if q.Before == 0 {
			q.Before = math.MaxInt64
		}
	}
	entries, err := s.cfg.Admin.Audit(ctx, p, q)
	if err != nil {
		return auditPageView{}, err
	}
	more := len(entries) > auditPageSize
	if more {
		entries = entries[:auditPageSize]
	}
	var v auditPageView
	if forward {
		slices.Reverse(entries) // newest first, like every page
		if more {
			v.Newer = strconv.FormatInt(entries[0].Position, 10)
		}
		v.Older = strconv.FormatInt(after+1, 10)
		if len(entries) > 0 {
			v.Older = strconv.FormatInt(entries[len(entries)-1].Position, 10)
		}
	} else {
		if more {
			v.Older = strconv.FormatInt(entries[len(entries)-1].Position, 10)
		}
		if before > 0 {
			v.Newer = strconv.FormatInt(before-1, 10)
			if len(entries) > 0 {
				v.Newer = strconv.FormatInt(entries[0].Position, 10)
			}
		}
	}
	who := map[string]string{}
	if members, err := s.cfg.Admin.ListMembers(ctx, p, t.ID); err == nil {
		for _, m := range members {
			who["user:"+m.UserID.String()] = m.Email
		}
	}
	v.Entries = make([]auditRow, len(entries))
	for i, e := range entries {
		v.Entries[i] = auditRow{Entry: e, Who: e.Actor}
		if email, ok := who[e.Actor]; ok {
			v.Entries[i].Who = email
		}
	}
	return v, nil
}

func positionParam(q url.Values, name string) (int64, error) {
	raw := q.Get(name)
	if raw == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(raw, 10, 64)
	if err != nil || n < 0 {
		return 0, domain.Errorf(domain.KindInvalid, "%s %q must be a position (a whole number); go back to the newest entries", name, raw)
	}
	return n, nil
}

// baseURL is how the caller reached this server (for the commands the
// page shows).
func baseURL(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}
