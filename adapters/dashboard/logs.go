package dashboard

import (
	"context"
	"net/http"
	"strings"

	"github.com/mastra-admin/mastra-admin/commands"
)

// logLevels are the levels the logs page offers (Mastra's logger's).
var logLevels = []string{"debug", "info", "warn", "error"}

// logFilters are the logs search's filters as the form shows them.
type logFilters struct {
	timeRange
	Q            string
	Level        string
	DeploymentID string
	TraceID      string
	Cursor       string
}

type logsData struct {
	obsProject
	Filters   logFilters
	Levels    []string
	Logs      Section[commands.LogPage]
	NextHref  string
	FirstHref string
}

// logsPage searches a project's logs, newest first, with cursor paging;
// a line that belongs to a trace links to it.
func (s *Server) logsPage(w http.ResponseWriter, r *http.Request) {
	o, ok := s.loadObsProject(w, r)
	if !ok {
		return
	}
	q := r.URL.Query()
	f := logFilters{timeRange: readRange(r), Q: q.Get("q"), Level: strings.TrimSpace(q.Get("level")),
		DeploymentID: strings.TrimSpace(q.Get("deploymentId")), TraceID: strings.TrimSpace(q.Get("traceId")), Cursor: q.Get("cursor")}
	p := session(r).Principal
	data := logsData{obsProject: o, Filters: f, Levels: logLevels}
	data.Logs = load(r.Context(), func(ctx context.Context) (commands.LogPage, error) {
		if err := f.err(); err != nil {
			return commands.LogPage{}, err
		}
		dep, err := deploymentParam(q)
		if err != nil {
			return commands.LogPage{}, err
		}
		return s.cfg.Admin.SearchLogs(ctx, p, o.Project.ID, commands.LogQuery{
			TimeRange: commands.TimeRange{From: f.FromAt, To: f.ToAt}, Q: f.Q, Level: f.Level,
			DeploymentID: dep, TraceID: f.TraceID, Cursor: f.Cursor})
	})
	path := "/projects/" + o.Project.ID.String() + "/logs"
	if data.Logs.OK() && data.Logs.Data.NextCursor != "" {
		data.NextHref = withQuery(path, q, "cursor", data.Logs.Data.NextCursor, "tz", f.Zone)
	}
	if f.Cursor != "" {
		data.FirstHref = withQuery(path, q, "cursor", "")
	}
	s.render(w, r, http.StatusOK, "logs", view{Title: "Logs · " + o.Project.Name, Session: session(r),
		Crumbs: o.crumbs(), Data: data})
}
