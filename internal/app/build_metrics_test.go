package app_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mastra-admin/mastra-admin/internal/app"
	"github.com/mastra-admin/mastra-admin/internal/apptest"
)

func TestBuildQueueMetrics(t *testing.T) {
	t.Parallel()
	env := apptest.Start(t)
	reg := prometheus.NewRegistry()
	c := app.NewBuildCollector(env.App)
	reg.MustRegister(c)
	empty := `
# HELP mastra_admin_build_queue_oldest_seconds How long the oldest queued build has waited (0 when none waits).
# TYPE mastra_admin_build_queue_oldest_seconds gauge
mastra_admin_build_queue_oldest_seconds 0
# HELP mastra_admin_builds Builds waiting (queued) and running (building), across replicas.
# TYPE mastra_admin_builds gauge
mastra_admin_builds{status="building"} 0
mastra_admin_builds{status="queued"} 0
`
	require.NoError(t, testutil.GatherAndCompare(reg, strings.NewReader(empty), "mastra_admin_builds", "mastra_admin_build_queue_oldest_seconds"))

	now := time.Now()
	for _, b := range []struct {
		status string
		queued time.Time
	}{{"queued", now.Add(-time.Hour)}, {"queued", now}, {"building", now.Add(-2 * time.Hour)}, {"failed", now.Add(-3 * time.Hour)}} {
		_, err := env.DB.Pool.Exec(context.Background(), `INSERT INTO builds (id, deployment_id, project_id, team_id, status, branch,
			source_type, source_config, queued_by, queued_at) VALUES ($1, $1, $1, $1, $2, 'main', 'local', '{}', $1, $3)`,
			uuid.New(), b.status, b.queued)
		require.NoError(t, err)
	}
	require.NoError(t, testutil.GatherAndCompare(reg, strings.NewReader(`
# HELP mastra_admin_builds Builds waiting (queued) and running (building), across replicas.
# TYPE mastra_admin_builds gauge
mastra_admin_builds{status="building"} 1
mastra_admin_builds{status="queued"} 2
`), "mastra_admin_builds"))
	wait := testutil.ToFloat64(prometheus.CollectorFunc(func(ch chan<- prometheus.Metric) {
		all := make(chan prometheus.Metric, 8)
		c.Collect(all)
		close(all)
		for m := range all {
			if strings.Contains(m.Desc().String(), "oldest_seconds") {
				ch <- m
			}
		}
	}))
	assert.InDelta(t, 3600, wait, 60, "the oldest queued build, not the running one")
}
