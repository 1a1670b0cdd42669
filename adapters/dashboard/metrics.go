package dashboard

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/mastra-admin/mastra-admin/commands"
	"github.com/mastra-admin/mastra-admin/domain"
)

// option is one choice of a select.
type option struct{ Value, Label string }

// rangePresets are the time ranges a metrics page offers, ending now.
var rangePresets = []struct {
	option
	d time.Duration
}{
	{option{"1h", "Last hour"}, time.Hour},
	{option{"6h", "Last 6 hours"}, 6 * time.Hour},
	{option{"24h", "Last 24 hours"}, 24 * time.Hour},
	{option{"7d", "Last 7 days"}, 7 * 24 * time.Hour},
	{option{"30d", "Last 30 days"}, 30 * 24 * time.Hour},
}

// rangeChoice is a time range chosen from the presets, or typed (custom).
type rangeChoice struct {
	timeRange
	Range   string
	Options []option
}

// readRangeChoice reads range (a preset, "custom", or "all" when allowAll)
// and, for custom, from and to. Without range, typed times mean custom,
// else def. A preset shows its from and to in the form.
func readRangeChoice(r *http.Request, now time.Time, def string, allowAll bool) rangeChoice {
	c := rangeChoice{timeRange: readRange(r), Range: strings.TrimSpace(r.URL.Query().Get("range"))}
	if allowAll {
		c.Options = append(c.Options, option{"all", "All time"})
	}
	for _, p := range rangePresets {
		c.Options = append(c.Options, p.option)
	}
	c.Options = append(c.Options, option{"custom", "Custom (From and To)"})
	if c.Range == "" {
		c.Range = def
		if c.From != "" || c.To != "" {
			c.Range = "custom"
		}
	}
	switch c.Range {
	case "custom":
		return c
	case "all":
		if allowAll {
			c.From, c.To, c.FromAt, c.ToAt, c.bad = "", "", time.Time{}, time.Time{}, nil
			return c
		}
	}
	for _, p := range rangePresets {
		if p.Value == c.Range {
			c.ToAt, c.FromAt, c.bad = now, now.Add(-p.d), nil
			c.From, c.To = c.FromAt.In(c.Location).Format(localLayout), c.ToAt.In(c.Location).Format(localLayout)
			return c
		}
	}
	c.bad = domain.Errorf(domain.KindInvalid, "range %q is not one of the choices", c.Range)
	return c
}

// metricsForm is the metrics page's form as shown.
type metricsForm struct {
	rangeChoice
	Bucket       string
	DeploymentID string
}

type metricsData struct {
	obsProject
	Form        metricsForm
	Buckets     []option
	Metrics     Section[metricsView]
	CompareHref string
}

// metricsView is what the charts section shows.
type metricsView struct {
	Bucket  string
	From    time.Time
	To      time.Time
	Charts  []chart
	Markers []markerRow
	Runs    uint64
}

// markerRow is a marker in the list under the charts.
type markerRow struct {
	commands.Marker
	Deployment string
	Href       string
}

var bucketOptions = []option{{"", "Automatic"}, {"1m", "1 minute"}, {"5m", "5 minutes"}, {"1h", "1 hour"}, {"1d", "1 day"}}

// metricsPage charts a project's runs, errors, latency and tokens over a
// range, with markers of the deploys in it that link to their builds.
func (s *Server) metricsPage(w http.ResponseWriter, r *http.Request) {
	o, ok := s.loadObsProject(w, r)
	if !ok {
		return
	}
	q := r.URL.Query()
	f := metricsForm{rangeChoice: readRangeChoice(r, time.Now().UTC().Truncate(time.Second), "24h", false),
		Bucket: strings.TrimSpace(q.Get("bucket")), DeploymentID: strings.TrimSpace(q.Get("deploymentId"))}
	p := session(r).Principal
	data := metricsData{obsProject: o, Form: f, Buckets: bucketOptions,
		CompareHref: "/projects/" + o.Project.ID.String() + "/metrics/compare"}
	data.Metrics = load(r.Context(), func(ctx context.Context) (metricsView, error) {
		if err := f.err(); err != nil {
			return metricsView{}, err
		}
		dep, err := deploymentParam(q)
		if err != nil {
			return metricsView{}, err
		}
		m, err := s.cfg.Admin.ProjectMetrics(ctx, p, o.Project.ID, commands.MetricsQuery{
			TimeRange: commands.TimeRange{From: f.FromAt, To: f.ToAt}, Bucket: f.Bucket, DeploymentID: dep})
		if err != nil {
			return metricsView{}, err
		}
		return metricsViewOf(m, o, f.Location), nil
	})
	s.render(w, r, http.StatusOK, "metrics", view{Title: "Metrics · " + o.Project.Name, Session: session(r),
		Crumbs: o.crumbs(), Data: data})
}

// metricsViewOf lays out m as charts in the viewer's zone.
func metricsViewOf(m commands.Metrics, o obsProject, loc *time.Location) metricsView {
	v := metricsView{Bucket: m.Bucket, From: m.From, To: m.To}
	names := map[uuid.UUID]string{}
	if o.Deployments.OK() {
		for _, d := range o.Deployments.Data {
			names[d.ID] = deploymentLabel(d)
		}
	}
	for _, mk := range m.Markers {
		row := markerRow{Marker: mk, Deployment: "every deployment"}
		if mk.DeploymentID != nil {
			row.Deployment = names[*mk.DeploymentID]
			if row.Deployment == "" {
				row.Deployment = mk.DeploymentID.String()
			}
		}
		if mk.BuildID != nil {
			row.Href = "/builds/" + mk.BuildID.String()
		}
		v.Markers = append(v.Markers, row)
	}
	for _, b := range m.Buckets {
		v.Runs += b.Runs
	}
	v.Charts = metricsCharts(m, v.Markers, loc)
	return v
}
