package projections_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mastra-admin/mastra-admin/eventstore"
	"github.com/mastra-admin/mastra-admin/internal/pgtest"
	"github.com/mastra-admin/mastra-admin/projections"
)

// TestAsOfWaitsForTheHorizon: while an older transaction is open on the
// server, events committed after it are not visible yet; the as-of build
// waits for them instead of stopping short and reporting success.
func TestAsOfWaitsForTheHorizon(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	ctx := context.Background()
	store, err := eventstore.New(eventstore.Config{Pool: db.Pool})
	require.NoError(t, err)
	appendOne := func() eventstore.Position {
		got, err := store.Append(ctx, "s-"+uuid.NewString(), eventstore.NoStream,
			eventstore.EventData{ID: uuid.Must(uuid.NewV7()), Type: "x.Happened", Payload: []byte(`{}`)})
		require.NoError(t, err)
		return got[0].Position
	}
	appendOne()
	older, err := db.Pool.Begin(ctx)
	require.NoError(t, err)
	defer func() { _ = older.Rollback(ctx) }()
	_, err = older.Exec(ctx, `SELECT pg_current_xact_id()`) // holds an id: the horizon stops here
	require.NoError(t, err)
	last := appendOne()
	appendOne()

	schema := "asof_" + db.Schema
	t.Cleanup(func() { _, _ = db.Pool.Exec(ctx, "DROP SCHEMA IF EXISTS "+schema+" CASCADE") })
	done := make(chan int64, 1)
	go func() {
		n, err := projections.BuildAsOf(ctx, store, []projections.Projection{projections.Audit{}},
			projections.AsOf{Position: last.GlobalPosition}, schema, projections.Options{})
		assert.NoError(t, err)
		done <- n
	}()
	select {
	case n := <-done:
		t.Fatalf("the build ended with %d events while the older transaction was open", n)
	case <-time.After(300 * time.Millisecond):
	}
	require.NoError(t, older.Rollback(ctx))
	select {
	case n := <-done:
		assert.Equal(t, int64(2), n, "both events up to the position")
	case <-time.After(10 * time.Second):
		t.Fatal("the build did not finish after the older transaction ended")
	}
}
