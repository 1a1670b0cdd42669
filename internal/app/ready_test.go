package app_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/sirupsen/logrus"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mastra-admin/mastra-admin/eventstore"
	"github.com/mastra-admin/mastra-admin/internal/app"
	"github.com/mastra-admin/mastra-admin/internal/apptest"
	"github.com/mastra-admin/mastra-admin/internal/pgtest"
)

func TestReadinessReportsParkedConsumersAsDegraded(t *testing.T) {
	t.Parallel()
	env := apptest.Start(t)
	ctx := context.Background()
	ready, detail := env.Ready(ctx)
	require.True(t, ready)
	assert.Equal(t, "ready", detail.(app.Readiness).Status)

	_, err := env.DB.Pool.Exec(ctx, `INSERT INTO consumer_parks (consumer, global_position, event_id, event_type, error)
		VALUES ('teams', 42, $1, 'team.TeamCreated', 'duplicate key')`, uuid.New())
	require.NoError(t, err)
	ready, detail = env.Ready(ctx)
	r := detail.(app.Readiness)
	assert.True(t, ready, "a parked consumer degrades, it does not take the server out")
	assert.Equal(t, "degraded", r.Status)
	require.NotEmpty(t, r.Problems)
	assert.Contains(t, r.Problems[0], "teams")
	assert.Contains(t, r.Problems[0], "duplicate key")
	for _, c := range r.Consumers {
		if c.Name == "teams" {
			require.NotNil(t, c.Parked)
			assert.EqualValues(t, 42, c.Parked.GlobalPosition)
		}
	}

	env.DB.Pool.Close()
	ready, detail = env.Ready(ctx)
	assert.False(t, ready, "no database, not ready")
	assert.Equal(t, "unavailable", detail.(app.Readiness).Status)
}

func TestReadinessCountsLagUpToACap(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	a, err := app.New(app.Config{Pool: db.Pool, Logger: logrus.NewEntry(logrus.New())}) // consumers not running: every event is lag
	require.NoError(t, err)
	ctx := context.Background()
	for _, n := range []int{3, app.MaxCountedLag + 10} {
		batch := make([]eventstore.EventData, n)
		for i := range batch {
			batch[i] = eventstore.EventData{ID: uuid.Must(uuid.NewV7()), Type: "x.Happened", Payload: []byte(`{}`)}
		}
		_, err := a.Store.Append(ctx, fmt.Sprintf("s-%d", n), eventstore.NoStream, batch...)
		require.NoError(t, err)
		if n == 3 {
			_, detail := a.Ready(ctx)
			for _, c := range detail.(app.Readiness).Consumers {
				assert.EqualValues(t, 3, c.Lag, c.Name)
			}
		}
	}
	_, detail := a.Ready(ctx)
	r := detail.(app.Readiness)
	require.NotEmpty(t, r.Consumers)
	for _, c := range r.Consumers {
		assert.EqualValues(t, app.MaxCountedLag, c.Lag, "%s: counted up to the cap", c.Name)
	}
}

func TestConsumerMetrics(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	a, err := app.New(app.Config{Pool: db.Pool, Logger: logrus.NewEntry(logrus.New())}) // consumers not running
	require.NoError(t, err)
	ctx := context.Background()
	_, err = a.Store.Append(ctx, "s-1", eventstore.NoStream,
		eventstore.EventData{ID: uuid.Must(uuid.NewV7()), Type: "x.Happened", Payload: []byte(`{}`)},
		eventstore.EventData{ID: uuid.Must(uuid.NewV7()), Type: "x.Happened", Payload: []byte(`{}`)})
	require.NoError(t, err)
	_, err = db.Pool.Exec(ctx, `INSERT INTO consumer_parks (consumer, global_position, event_id, event_type, error)
		VALUES ('teams', 1, $1, 'x.Happened', 'duplicate key')`, uuid.New())
	require.NoError(t, err)

	reg := prometheus.NewRegistry()
	reg.MustRegister(app.NewConsumerCollector(a))
	want := `
# HELP mastra_admin_consumer_lag_events Events recorded but not yet applied by the consumer (counted up to 10000).
# TYPE mastra_admin_consumer_lag_events gauge
mastra_admin_consumer_lag_events{consumer="audit"} 2
mastra_admin_consumer_lag_events{consumer="builds"} 2
mastra_admin_consumer_lag_events{consumer="deployments"} 2
mastra_admin_consumer_lag_events{consumer="env_exposure"} 2
mastra_admin_consumer_lag_events{consumer="projects"} 2
mastra_admin_consumer_lag_events{consumer="routes"} 2
mastra_admin_consumer_lag_events{consumer="servers"} 2
mastra_admin_consumer_lag_events{consumer="teams"} 2
mastra_admin_consumer_lag_events{consumer="users"} 2
# HELP mastra_admin_consumer_parked 1 when the consumer is parked on a poison event.
# TYPE mastra_admin_consumer_parked gauge
mastra_admin_consumer_parked{consumer="audit"} 0
mastra_admin_consumer_parked{consumer="builds"} 0
mastra_admin_consumer_parked{consumer="deployments"} 0
mastra_admin_consumer_parked{consumer="env_exposure"} 0
mastra_admin_consumer_parked{consumer="projects"} 0
mastra_admin_consumer_parked{consumer="routes"} 0
mastra_admin_consumer_parked{consumer="servers"} 0
mastra_admin_consumer_parked{consumer="teams"} 1
mastra_admin_consumer_parked{consumer="users"} 0
# HELP mastra_admin_consumers_scrape_ok 1 when the consumers' state could be read from the database.
# TYPE mastra_admin_consumers_scrape_ok gauge
mastra_admin_consumers_scrape_ok 1
`
	require.NoError(t, testutil.GatherAndCompare(reg, strings.NewReader(want),
		"mastra_admin_consumer_lag_events", "mastra_admin_consumer_parked", "mastra_admin_consumers_scrape_ok"))

	db.Pool.Close()
	require.NoError(t, testutil.GatherAndCompare(reg, strings.NewReader(`
# HELP mastra_admin_consumers_scrape_ok 1 when the consumers' state could be read from the database.
# TYPE mastra_admin_consumers_scrape_ok gauge
mastra_admin_consumers_scrape_ok 0
`), "mastra_admin_consumers_scrape_ok"), "no database: the scrape says so instead of failing")
}
