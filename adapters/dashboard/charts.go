package dashboard

import (
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/mastra-admin/mastra-admin/commands"
)

// Charts are inline SVG drawn on the server: no script is needed to read
// them. Each has a <title> and <desc>, a visually hidden summary in words
// and a data table behind a disclosure; colors come from app.css classes
// (light and dark) and every series also differs by its dash pattern.

// chart geometry, in SVG user units (the SVG scales to its box).
const (
	chartW      = 720
	chartH      = 260
	plotLeft    = 58
	plotRight   = 710
	plotTop     = 40
	plotBottom  = 228
	xLabelY     = 248
	markerRowY1 = 14
	markerRowY2 = 30
)

// chart is one chart as its template draws it.
type chart struct {
	ID, Title, Desc, Summary string
	W, H                     int
	Left, Right, Top, Bottom float64
	XLabelY                  float64
	YTicks, XTicks           []tick
	Series                   []chartSeries
	Markers                  []chartMarker
	Columns                  []string
	Rows                     [][]string
	Empty                    bool
}

// tick is an axis label at Pos (y for the y axis, x for the x axis).
type tick struct {
	Pos   float64
	Label string
}

// chartSeries is one line: its segments (a missing value breaks the
// line) and, for sparse data, a dot per value.
type chartSeries struct {
	Name, Class string
	Lines       []string
	Dots        []pt
}

type pt struct{ X, Y float64 }

// chartMarker is a vertical line at X with a label; Href links to the
// marker's build when it has one.
type chartMarker struct {
	X, LabelY    float64
	Label, Title string
	Href, Class  string
	Anchor       string
}

// seriesIn is a series' values on the bucket grid; ok says which exist.
type seriesIn struct {
	name, class string
	values      []float64
	ok          []bool
	sum         bool // a count (summed in words) rather than a level
}

var bucketDurations = map[string]time.Duration{"1m": time.Minute, "5m": 5 * time.Minute, "1h": time.Hour, "1d": 24 * time.Hour}

// metricsCharts lays out m's buckets (summed over deployments; latency is
// the highest of the deployments' in a bucket) as three charts.
func metricsCharts(m commands.Metrics, markers []markerRow, loc *time.Location) []chart {
	size := bucketDurations[m.Bucket]
	if size == 0 {
		size = time.Hour
	}
	start := m.From.Truncate(size)
	n := int(m.To.Sub(start)/size) + 1
	if n < 1 {
		n = 1
	}
	grid := make([]time.Time, n)
	for i := range grid {
		grid[i] = start.Add(time.Duration(i) * size)
	}
	mk := func(name, class string, sum bool) *seriesIn {
		return &seriesIn{name: name, class: class, values: make([]float64, n), ok: make([]bool, n), sum: sum}
	}
	runs, errs := mk("Runs", "s1", true), mk("Errors", "s-err", true)
	p50, p95, p99 := mk("p50", "s1", false), mk("p95", "s2", false), mk("p99", "s3", false)
	in, out := mk("Input tokens", "s1", true), mk("Output tokens", "s2", true)
	for i := range n {
		runs.ok[i], errs.ok[i], in.ok[i], out.ok[i] = true, true, true, true
	}
	for _, b := range m.Buckets {
		i := int(b.Start.Sub(start) / size)
		if i < 0 || i >= n {
			continue
		}
		runs.values[i] += float64(b.Runs)
		errs.values[i] += float64(b.Errors)
		in.values[i] += float64(b.InputTokens)
		out.values[i] += float64(b.OutputTokens)
		if b.Runs > 0 {
			for _, l := range []struct {
				s *seriesIn
				v float64
			}{{p50, b.P50MS}, {p95, b.P95MS}, {p99, b.P99MS}} {
				l.s.ok[i] = true
				l.s.values[i] = math.Max(l.s.values[i], l.v)
			}
		}
	}
	g := gridInfo{times: grid, from: m.From, to: m.To, size: size, loc: loc}
	return []chart{
		g.chart("runs", "Runs and errors", "Runs (root spans) and failed runs per "+bucketWord(m.Bucket)+".", formatCount, markers, runs, errs),
		g.chart("latency", "Latency", "Duration of finished runs per "+bucketWord(m.Bucket)+
			": 50th, 95th and 99th percentile (the highest deployment's when several ran).", formatMS, markers, p50, p95, p99),
		g.chart("tokens", "Tokens", "Input and output tokens of every span per "+bucketWord(m.Bucket)+".", formatCount, markers, in, out),
	}
}

func bucketWord(b string) string {
	return map[string]string{"1m": "minute", "5m": "5 minutes", "1h": "hour", "1d": "day"}[b]
}

// gridInfo is the time axis shared by a page's charts.
type gridInfo struct {
	times    []time.Time
	from, to time.Time
	size     time.Duration
	loc      *time.Location
}

func (g gridInfo) x(t time.Time) float64 {
	span := g.to.Sub(g.from)
	if span <= 0 {
		return plotLeft
	}
	f := float64(t.Sub(g.from)) / float64(span)
	return round1(plotLeft + math.Max(0, math.Min(1, f))*(plotRight-plotLeft))
}

func (g gridInfo) timeLabel(t time.Time) string {
	t = t.In(g.loc)
	switch span := g.to.Sub(g.from); {
	case span <= 36*time.Hour:
		return t.Format("15:04")
	case span <= 10*24*time.Hour:
		return t.Format("Jan 2 15:04")
	}
	return t.Format("Jan 2")
}

func (g gridInfo) longTime(t time.Time) string {
	return t.In(g.loc).Format("2006-01-02 15:04 MST")
}

func (g gridInfo) chart(id, title, desc string, format func(float64) string, markers []markerRow, series ...*seriesIn) chart {
	c := chart{ID: "chart-" + id, Title: title, W: chartW, H: chartH, Left: plotLeft, Right: plotRight, Top: plotTop,
		Bottom: plotBottom, XLabelY: xLabelY}
	c.Desc = fmt.Sprintf("%s From %s to %s (%s).", desc, g.longTime(g.from), g.longTime(g.to), g.loc)
	top := 0.0
	for _, s := range series {
		for i, v := range s.values {
			if s.ok[i] {
				top = math.Max(top, v)
			}
		}
	}
	c.Empty = top == 0
	step := niceStep(top / 4)
	if series[0].sum && step < 1 {
		step = 1 // counts are whole
	}
	top = step * math.Max(1, math.Ceil(top/step))
	y := func(v float64) float64 { return round1(plotBottom - v/top*(plotBottom-plotTop)) }
	for v := 0.0; v <= top+step/2; v += step {
		c.YTicks = append(c.YTicks, tick{Pos: y(v), Label: format(v)})
	}
	for i := 0; i <= 5; i++ {
		t := g.from.Add(time.Duration(float64(g.to.Sub(g.from)) * float64(i) / 5))
		c.XTicks = append(c.XTicks, tick{Pos: g.x(t), Label: g.timeLabel(t)})
	}
	var words []string
	for _, s := range series {
		cs := chartSeries{Name: s.name, Class: s.class}
		var line []string
		count := 0
		for i, v := range s.values {
			if !s.ok[i] {
				if len(line) > 0 {
					cs.Lines = append(cs.Lines, strings.Join(line, " "))
				}
				line = nil
				continue
			}
			count++
			p := pt{X: g.x(g.times[i]), Y: y(v)}
			line = append(line, fmt.Sprintf("%g,%g", p.X, p.Y))
			if !s.sum {
				cs.Dots = append(cs.Dots, p)
			}
		}
		if len(line) > 0 {
			cs.Lines = append(cs.Lines, strings.Join(line, " "))
		}
		c.Series = append(c.Series, cs)
		words = append(words, g.describe(s, format))
	}
	c.Summary = strings.Join(words, " ")
	c.Columns = []string{"Time"}
	for _, s := range series {
		c.Columns = append(c.Columns, s.name)
	}
	for i, t := range g.times {
		row := []string{g.longTime(t)}
		any := false
		for _, s := range series {
			switch {
			case !s.ok[i]:
				row = append(row, "no runs")
			default:
				row = append(row, format(s.values[i]))
				any = any || s.values[i] != 0
			}
		}
		if any {
			c.Rows = append(c.Rows, row)
		}
	}
	for i, m := range markers {
		cm := chartMarker{X: g.x(m.At), LabelY: markerRowY1, Label: m.Kind, Href: m.Href, Class: "marker-" + m.Kind, Anchor: "start"}
		if i%2 == 1 {
			cm.LabelY = markerRowY2
		}
		if cm.X > plotRight-70 {
			cm.Anchor = "end"
		}
		cm.Title = markerTitle(m, g)
		c.Markers = append(c.Markers, cm)
	}
	return c
}

// markerTitle says what a marker is in words.
func markerTitle(m markerRow, g gridInfo) string {
	s := m.Kind
	if m.BuildID != nil {
		s += " of build " + idTail(m.BuildID)
	}
	if m.Key != "" {
		s += " (" + m.Key + ")"
	}
	s += " on " + m.Deployment + " at " + g.longTime(m.At)
	if m.Href != "" {
		s += "; opens the build"
	}
	return s
}

// describe puts a series in words: a count's total and busiest bucket, a
// level's lowest and highest.
func (g gridInfo) describe(s *seriesIn, format func(float64) string) string {
	var total, lo, hi float64
	hiAt, seen := -1, false
	for i, v := range s.values {
		if !s.ok[i] {
			continue
		}
		total += v
		if !seen || v < lo {
			lo = v
		}
		if !seen || v > hi {
			hi, hiAt = v, i
		}
		seen = true
	}
	switch {
	case !seen || (s.sum && total == 0):
		return s.name + ": none."
	case s.sum:
		return fmt.Sprintf("%s: %s in total, at most %s (at %s).", s.name, format(total), format(hi), g.longTime(g.times[hiAt]))
	}
	return fmt.Sprintf("%s: from %s to %s (highest at %s).", s.name, format(lo), format(hi), g.longTime(g.times[hiAt]))
}

// niceStep is the smallest of 1, 2, 5 × 10^k at least v (1 for v ≤ 0).
func niceStep(v float64) float64 {
	if v <= 0 {
		return 1
	}
	exp := math.Pow(10, math.Floor(math.Log10(v)))
	for _, m := range []float64{1, 2, 5, 10} {
		if m*exp >= v {
			return m * exp
		}
	}
	return 10 * exp
}

func round1(v float64) float64 { return math.Round(v*10) / 10 }
