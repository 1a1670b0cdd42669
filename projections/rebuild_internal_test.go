package projections

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mastra-admin/mastra-admin/eventstore"
	"github.com/mastra-admin/mastra-admin/internal/pgtest"
)

func shadowFor(t *testing.T, db *pgtest.DB, p Projection) string {
	t.Helper()
	ctx := context.Background()
	shadow := "shadow_" + db.Schema
	require.NoError(t, pgx.BeginFunc(ctx, db.Pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `CREATE SCHEMA `+shadow); err != nil {
			return err
		}
		return copyTables(ctx, tx, db.Schema, shadow, []Projection{p})
	}))
	t.Cleanup(func() { _, _ = db.Pool.Exec(ctx, `DROP SCHEMA `+shadow+` CASCADE`) })
	return shadow
}

func appendEvent(t *testing.T, store *eventstore.Store) {
	t.Helper()
	_, err := store.Append(context.Background(), "s-"+uuid.NewString(), eventstore.NoStream,
		eventstore.EventData{ID: uuid.Must(uuid.NewV7()), Type: "x.Happened", Payload: []byte(`{}`)})
	require.NoError(t, err)
}

// TestSwapCatchesUpOverSeveralReads: events the swap must catch up on,
// held back a moment by an older transaction, take several reads; each
// read runs in the live schema, not the shadow one.
func TestSwapCatchesUpOverSeveralReads(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	ctx := context.Background()
	store, err := eventstore.New(eventstore.Config{Pool: db.Pool})
	require.NoError(t, err)
	require.NoError(t, eventstore.EnsureCheckpoint(ctx, db.Pool, Audit{}.Name()))
	for i := 0; i < 5; i++ {
		appendEvent(t, store)
	}
	shadow := shadowFor(t, db, Audit{})
	_, at, err := buildShadow(ctx, store, Audit{}, shadow, Options{BatchSize: 1})
	require.NoError(t, err)

	older, err := db.Pool.Begin(ctx)
	require.NoError(t, err)
	_, err = older.Exec(ctx, `SELECT pg_current_xact_id()`)
	require.NoError(t, err)
	for i := 0; i < 3; i++ {
		appendEvent(t, store)
	}
	go func() { time.Sleep(200 * time.Millisecond); _ = older.Commit(ctx) }()
	n, err := swapIn(ctx, store, Audit{}, db.Schema, shadow, at, 1, swap{checkpoint: true})
	require.NoError(t, err)
	assert.Equal(t, int64(3), n)
	var rows int
	require.NoError(t, db.Pool.QueryRow(ctx, `SELECT count(*) FROM audit_log`).Scan(&rows))
	assert.Equal(t, 8, rows)
}

// TestSwapYieldsToAnOlderTransactionWaitingForItsLock: an older
// transaction that waits for the swap's table lock would wait forever for
// a swap that waits for it to end; the swap gives up, rolls back, and the
// next try succeeds.
func TestSwapYieldsToAnOlderTransactionWaitingForItsLock(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	ctx := context.Background()
	store, err := eventstore.New(eventstore.Config{Pool: db.Pool})
	require.NoError(t, err)
	shadow := shadowFor(t, db, Claims{})
	_, at, err := buildShadow(ctx, store, Claims{}, shadow, Options{})
	require.NoError(t, err)

	older, err := db.Pool.Begin(ctx)
	require.NoError(t, err)
	_, err = store.AppendStreamsWith(ctx, older, eventstore.StreamAppend{StreamID: "older", Expected: eventstore.NoStream,
		Events: []eventstore.EventData{{ID: uuid.Must(uuid.NewV7()), Type: "x.Happened", Payload: []byte(`{}`)}}})
	require.NoError(t, err)
	appendEvent(t, store) // younger, committed: the swap's target is past the older one
	claimed := make(chan error, 1)
	go func() {
		time.Sleep(300 * time.Millisecond) // the swap holds the lock by now
		_, err := older.Exec(ctx, `INSERT INTO unique_claims (scope, value, owner, claimed_at) VALUES ('s', 'v', $1, now())`, uuid.New())
		if err == nil {
			err = older.Commit(ctx)
		}
		claimed <- err
	}()
	lock := swap{lock: `LOCK TABLE unique_claims IN EXCLUSIVE MODE`}
	_, err = swapIn(ctx, store, Claims{}, db.Schema, shadow, at, 100, lock)
	assert.ErrorIs(t, err, errSwapWait, "the swap gave up instead of waiting forever")
	select {
	case err := <-claimed:
		require.NoError(t, err, "the older transaction went on once the swap let go")
	case <-time.After(10 * time.Second):
		t.Fatal("the older transaction is still waiting")
	}
	_, err = swapIn(ctx, store, Claims{}, db.Schema, shadow, at, 100, lock)
	assert.NoError(t, err, "the next try succeeds")
}
