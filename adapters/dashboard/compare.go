package dashboard

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/mastra-admin/mastra-admin/commands"
	"github.com/mastra-admin/mastra-admin/domain"
)

// compareForm is the comparison's form as shown.
type compareForm struct {
	rangeChoice
	A, B string
}

type compareData struct {
	obsProject
	Form   compareForm
	Chosen bool
	Result Section[compareView]
}

// compareView is a comparison as rows of a table.
type compareView struct {
	A, B string // the sides' names
	Rows []compareRow
}

// compareRow is one metric of both sides; Change says which way B moved
// in words (so that color is not the only signal).
type compareRow struct {
	Metric, A, B, Delta, Change string
	Worse                       bool
}

// comparePage compares two of a project's deployments side by side:
// runs, errors, latency and tokens over a range.
func (s *Server) comparePage(w http.ResponseWriter, r *http.Request) {
	o, ok := s.loadObsProject(w, r)
	if !ok {
		return
	}
	q := r.URL.Query()
	f := compareForm{rangeChoice: readRangeChoice(r, time.Now().UTC().Truncate(time.Second), "all", true),
		A: strings.TrimSpace(q.Get("a")), B: strings.TrimSpace(q.Get("b"))}
	data := compareData{obsProject: o, Form: f, Chosen: f.A != "" || f.B != ""}
	if data.Chosen {
		p := session(r).Principal
		data.Result = load(r.Context(), func(ctx context.Context) (compareView, error) {
			if f.A == "" || f.B == "" {
				return compareView{}, domain.Errorf(domain.KindInvalid, "choose two deployments to compare (A and B)")
			}
			if err := f.err(); err != nil {
				return compareView{}, err
			}
			c, err := s.cfg.Admin.CompareMetrics(ctx, p, o.Project.ID, commands.CompareQuery{
				TimeRange: commands.TimeRange{From: f.FromAt, To: f.ToAt}, A: f.A, B: f.B})
			if err != nil {
				return compareView{}, err
			}
			return compareViewOf(c, o), nil
		})
	}
	s.render(w, r, http.StatusOK, "compare", view{Title: "Compare deployments · " + o.Project.Name, Session: session(r),
		Crumbs: append(o.crumbs(), crumb{Label: "Metrics", Href: "/projects/" + o.Project.ID.String() + "/metrics"}), Data: data})
}

func compareViewOf(c commands.Comparison, o obsProject) compareView {
	name := func(side commands.CompareSide) string {
		if o.Deployments.OK() {
			for _, d := range o.Deployments.Data {
				if d.ID == side.DeploymentID {
					return deploymentLabel(d)
				}
			}
		}
		return side.DeploymentID.String()
	}
	v := compareView{A: name(c.A), B: name(c.B)}
	perRun := func(n, runs uint64) float64 {
		if runs == 0 {
			return 0
		}
		return float64(n) / float64(runs)
	}
	pct := func(f float64) string { return trimZero(fmt.Sprintf("%.2f", f*100)) + " %" }
	// lowerIsBetter: a rise is worse (errors, latency); else neutral.
	row := func(metric string, a, b, delta float64, format func(float64) string, lowerIsBetter bool) compareRow {
		r := compareRow{Metric: metric, A: format(a), B: format(b), Change: "same"}
		switch {
		case delta > 0:
			r.Delta, r.Change = "+"+format(delta), "higher"
		case delta < 0:
			r.Delta, r.Change = "−"+format(-delta), "lower"
		default:
			r.Delta = format(0)
		}
		r.Worse = lowerIsBetter && delta > 0
		return r
	}
	a, b := c.A.MetricsSummary, c.B.MetricsSummary
	v.Rows = []compareRow{
		row("Runs", float64(a.Runs), float64(b.Runs), float64(b.Runs)-float64(a.Runs), formatCount, false),
		row("Failed runs", float64(a.Errors), float64(b.Errors), float64(b.Errors)-float64(a.Errors), formatCount, true),
		row("Error rate", a.ErrorRate, b.ErrorRate, c.Delta.ErrorRate, pct, true),
		row("Latency p50", a.P50MS, b.P50MS, c.Delta.P50MS, formatMS, true),
		row("Latency p95", a.P95MS, b.P95MS, c.Delta.P95MS, formatMS, true),
		row("Latency p99", a.P99MS, b.P99MS, c.Delta.P99MS, formatMS, true),
		row("Input tokens per run", perRun(a.InputTokens, a.Runs), perRun(b.InputTokens, b.Runs), c.Delta.InputTokensPerRun, formatCount, false),
		row("Output tokens per run", perRun(a.OutputTokens, a.Runs), perRun(b.OutputTokens, b.Runs), c.Delta.OutputTokensPerRun, formatCount, false),
	}
	return v
}
