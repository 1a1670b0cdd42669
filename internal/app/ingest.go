package app

import (
	"fmt"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/mastra-admin/mastra-admin/commands"
)

// IngestStatusSource is the ingestion worker as readiness and metrics see
// it (*commands.Ingester).
type IngestStatusSource interface {
	Status() commands.IngestStatus
}

// ObservabilityReadiness is the observability part of /readyz.
type ObservabilityReadiness struct {
	Store        string    `json:"store"` // ok or unreachable
	Waiting      int       `json:"waiting"`
	FailingSince time.Time `json:"failingSince,omitzero"`
	LastError    string    `json:"lastError,omitempty"`
}

// SetIngester makes /readyz report the ingestion worker: while its store
// (ClickHouse) is unreachable the App is degraded, not unready — the API
// works and observability files wait in file storage.
func (a *App) SetIngester(s IngestStatusSource) {
	a.ingestMu.Lock()
	defer a.ingestMu.Unlock()
	a.ingest = s
}

func (a *App) ingester() IngestStatusSource {
	a.ingestMu.Lock()
	defer a.ingestMu.Unlock()
	return a.ingest
}

// observabilityReadiness turns the worker's status into the readiness
// detail and, when its store is down, a problem to report.
func observabilityReadiness(st commands.IngestStatus) (*ObservabilityReadiness, string) {
	o := &ObservabilityReadiness{Store: "ok", Waiting: st.Waiting}
	if st.StoreUp {
		return o, ""
	}
	o.Store, o.FailingSince, o.LastError = "unreachable", st.FailingSince, st.LastError
	return o, fmt.Sprintf("observability store (ClickHouse) unreachable since %s: %d observability files wait in file storage; %s",
		st.FailingSince.UTC().Format(time.RFC3339), st.Waiting, st.LastError)
}

// IngestCollector exports the ingestion worker's status to Prometheus.
type IngestCollector struct {
	src                                  IngestStatusSource
	up, waiting, files, rows, bad, fails *prometheus.Desc
}

// NewIngestCollector returns the collector of an ingestion worker.
func NewIngestCollector(src IngestStatusSource) *IngestCollector {
	return &IngestCollector{
		src: src,
		up: prometheus.NewDesc("mastra_admin_ingest_store_up",
			"1 when the last ingestion pass reached the observability store (ClickHouse), 0 while it is unreachable.", nil, nil),
		waiting: prometheus.NewDesc("mastra_admin_ingest_files_waiting",
			"Observability files in file storage that the last pass did not ingest.", nil, nil),
		files: prometheus.NewDesc("mastra_admin_ingest_files_total",
			"Observability files ingested by this process.", nil, nil),
		rows: prometheus.NewDesc("mastra_admin_ingest_rows_total",
			"Span and log rows ingested by this process.", []string{"kind"}, nil),
		bad: prometheus.NewDesc("mastra_admin_ingest_malformed_lines_total",
			"Malformed lines quarantined by this process.", nil, nil),
		fails: prometheus.NewDesc("mastra_admin_ingest_failed_passes_total",
			"Ingestion passes that failed (the store down, file storage errors).", nil, nil),
	}
}

// Describe implements prometheus.Collector.
func (c *IngestCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{c.up, c.waiting, c.files, c.rows, c.bad, c.fails} {
		ch <- d
	}
}

// Collect implements prometheus.Collector.
func (c *IngestCollector) Collect(ch chan<- prometheus.Metric) {
	st := c.src.Status()
	up := 0.0
	if st.StoreUp {
		up = 1
	}
	ch <- prometheus.MustNewConstMetric(c.up, prometheus.GaugeValue, up)
	ch <- prometheus.MustNewConstMetric(c.waiting, prometheus.GaugeValue, float64(st.Waiting))
	ch <- prometheus.MustNewConstMetric(c.files, prometheus.CounterValue, float64(st.Files))
	ch <- prometheus.MustNewConstMetric(c.rows, prometheus.CounterValue, float64(st.Spans), commands.KindSpans)
	ch <- prometheus.MustNewConstMetric(c.rows, prometheus.CounterValue, float64(st.Logs), commands.KindLogs)
	ch <- prometheus.MustNewConstMetric(c.bad, prometheus.CounterValue, float64(st.Malformed))
	ch <- prometheus.MustNewConstMetric(c.fails, prometheus.CounterValue, float64(st.Failures))
}
