package app_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mastra-admin/mastra-admin/commands"
	"github.com/mastra-admin/mastra-admin/internal/app"
	"github.com/mastra-admin/mastra-admin/internal/apptest"
)

type ingestStatus struct {
	mu sync.Mutex
	st commands.IngestStatus
}

func (s *ingestStatus) Status() commands.IngestStatus { s.mu.Lock(); defer s.mu.Unlock(); return s.st }

func (s *ingestStatus) set(st commands.IngestStatus) { s.mu.Lock(); s.st = st; s.mu.Unlock() }

func TestReadinessReportsClickHouseDownAsDegraded(t *testing.T) {
	t.Parallel()
	env := apptest.Start(t)
	ctx := context.Background()
	src := &ingestStatus{st: commands.IngestStatus{StoreUp: true, Waiting: 2}}
	env.SetIngester(src)
	ready, detail := env.Ready(ctx)
	r := detail.(app.Readiness)
	require.True(t, ready)
	assert.Equal(t, "ready", r.Status)
	require.NotNil(t, r.Observability)
	assert.Equal(t, "ok", r.Observability.Store)

	since := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	src.set(commands.IngestStatus{StoreUp: false, Waiting: 7, FailingSince: since, LastError: "observability store: unavailable: dial tcp: connection refused"})
	ready, detail = env.Ready(ctx)
	r = detail.(app.Readiness)
	assert.True(t, ready, "ClickHouse down degrades, it does not take the API out")
	assert.Equal(t, "degraded", r.Status)
	assert.Equal(t, "unreachable", r.Observability.Store)
	assert.Equal(t, 7, r.Observability.Waiting)
	require.Len(t, r.Problems, 1)
	assert.Contains(t, r.Problems[0], "ClickHouse")
	assert.Contains(t, r.Problems[0], "7 observability files wait")
	assert.Contains(t, r.Problems[0], "2026-12-01T10:00:00Z")
}

func TestIngestCollector(t *testing.T) {
	t.Parallel()
	src := &ingestStatus{st: commands.IngestStatus{StoreUp: false, Waiting: 3, Files: 10, Spans: 100, Logs: 50, Malformed: 4, Failures: 2}}
	err := testutil.CollectAndCompare(app.NewIngestCollector(src), strings.NewReader(`
# HELP mastra_admin_ingest_store_up 1 when the last ingestion pass reached the observability store (ClickHouse), 0 while it is unreachable.
# TYPE mastra_admin_ingest_store_up gauge
mastra_admin_ingest_store_up 0
# HELP mastra_admin_ingest_files_waiting Observability files in file storage that the last pass did not ingest.
# TYPE mastra_admin_ingest_files_waiting gauge
mastra_admin_ingest_files_waiting 3
# HELP mastra_admin_ingest_rows_total Span and log rows ingested by this process.
# TYPE mastra_admin_ingest_rows_total counter
mastra_admin_ingest_rows_total{kind="logs"} 50
mastra_admin_ingest_rows_total{kind="spans"} 100
# HELP mastra_admin_ingest_malformed_lines_total Malformed lines quarantined by this process.
# TYPE mastra_admin_ingest_malformed_lines_total counter
mastra_admin_ingest_malformed_lines_total 4
`), "mastra_admin_ingest_store_up", "mastra_admin_ingest_files_waiting", "mastra_admin_ingest_rows_total", "mastra_admin_ingest_malformed_lines_total")
	assert.NoError(t, err)
}
