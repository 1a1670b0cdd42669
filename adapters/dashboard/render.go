package dashboard

import (
	"bytes"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"path"
	"strings"
	"time"

	"github.com/mastra-admin/mastra-admin/adapters/websession"
	"github.com/mastra-admin/mastra-admin/commands"
	"github.com/mastra-admin/mastra-admin/domain"
)

// pages holds one template set per page: the layout plus the page file.
type pages struct{ byName map[string]*template.Template }

// view is what every page template gets.
type view struct {
	Title   string
	Session commands.Session
	Flash   flash
	Crumbs  []crumb
	Data    any
}

// crumb is one link of the breadcrumb above a page's title.
type crumb struct{ Label, Href string }

func parsePages() (*pages, error) {
	layout, err := template.New("layout.html").Funcs(funcs).ParseFS(templateFiles, "templates/layout.html", "templates/partials.html")
	if err != nil {
		return nil, fmt.Errorf("parse dashboard layout: %w", err)
	}
	files, err := fs.Glob(templateFiles, "templates/*.html")
	if err != nil {
		return nil, fmt.Errorf("list dashboard templates: %w", err)
	}
	p := &pages{byName: map[string]*template.Template{}}
	for _, f := range files {
		name := strings.TrimSuffix(path.Base(f), ".html")
		if name == "layout" || name == "partials" {
			continue
		}
		t, err := template.Must(layout.Clone()).ParseFS(templateFiles, f)
		if err != nil {
			return nil, fmt.Errorf("parse dashboard page %s: %w", name, err)
		}
		p.byName[name] = t
	}
	return p, nil
}

// render writes page name with v, or a plain 500 when the template fails
// (rendered into a buffer first, so a failure never sends half a page).
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, name string, v view) {
	t, ok := s.pages.byName[name]
	if !ok {
		s.log.WithField("page", name).Error("dashboard: no such page template")
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	if v.Flash.Kind == "" {
		v.Flash = takeFlash(w, r)
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout.html", v); err != nil {
		s.log.WithError(err).WithField("page", name).Error("dashboard: render page")
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

var funcs = template.FuncMap{
	// can reports whether the caller, with role in the team, may take
	// action (a platform admin acts as an owner: see actingRole).
	"can": func(s commands.Session, role domain.Role, action string) bool {
		return domain.Can(actingRole(s, role), domain.Action(action))
	},
	"csrfField": func() string { return websession.CSRFField },
	// when renders a time for the viewer's time zone: the element carries
	// the instant, assets/app.js rewrites the text in local time; the
	// text before that (and without scripts) is UTC.
	"when": func(t any) template.HTML {
		var tt time.Time
		switch v := t.(type) {
		case time.Time:
			tt = v
		case *time.Time:
			if v == nil {
				return ""
			}
			tt = *v
		default:
			return ""
		}
		if tt.IsZero() {
			return ""
		}
		iso := tt.UTC().Format(time.RFC3339)
		return template.HTML(`<time datetime="` + iso + `">` + tt.UTC().Format("2006-01-02 15:04:05") + ` UTC</time>`)
	},
	"short": idTail, // the random end of an ID (see idTail)

	// field is what a refused form held in field name (see flash.Form).
	"field": func(v view, name string) string { return v.Flash.Form[name] },
	"dict": func(kv ...any) map[string]any {
		m := map[string]any{}
		for i := 0; i+1 < len(kv); i += 2 {
			m[fmt.Sprint(kv[i])] = kv[i+1]
		}
		return m
	},
}
