package projections_test

import (
	"context"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/sirupsen/logrus"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mastra-admin/mastra-admin/eventstore"
	"github.com/mastra-admin/mastra-admin/internal/pgtest"
	"github.com/mastra-admin/mastra-admin/projections"
)

// brittle is a projection that fails (or panics) on one event type.
type brittle struct {
	name, failOn string
	panics       bool
}

func (b brittle) Name() string      { return b.name }
func (b brittle) Handles() []string { return nil }
func (b brittle) Tables() []string  { return nil }
func (b brittle) Apply(_ context.Context, _ eventstore.Tx, events []eventstore.Event) error {
	for _, e := range events {
		if e.Type == b.failOn {
			if b.panics {
				panic("index out of range")
			}
			return errors.New("cannot apply " + e.Type)
		}
	}
	return nil
}

func TestLiveGroupParksOnlyTheFailingProjection(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	store, err := eventstore.New(eventstore.Config{Pool: db.Pool})
	require.NoError(t, err)
	var types []string
	for i, typ := range []string{"x.One", "x.Two", "x.Breaks", "x.Three", "x.Panics", "x.Four"} {
		payload, _ := json.Marshal(map[string]any{"name": typ, "i": i})
		_, err := store.Append(ctx, "s-1", eventstore.Any, eventstore.EventData{ID: uuid.Must(uuid.NewV7()), Type: typ, Payload: payload})
		require.NoError(t, err)
		types = append(types, typ)
	}

	runGroup(ctx, t, db, store, projections.Audit{}, brittle{name: "brittle", failOn: "x.Breaks"},
		brittle{name: "panicky", failOn: "x.Panics", panics: true})

	var parks []eventstore.Park
	require.Eventually(t, func() bool {
		parks, err = eventstore.Parks(ctx, db.Pool)
		require.NoError(t, err)
		return len(parks) == 2
	}, 10*time.Second, 10*time.Millisecond)
	assert.Equal(t, "brittle", parks[0].Consumer)
	assert.Equal(t, "x.Breaks", parks[0].EventType)
	assert.Contains(t, parks[0].Error, "cannot apply x.Breaks")
	assert.Equal(t, "panicky", parks[1].Consumer)
	assert.Equal(t, "x.Panics", parks[1].EventType)
	assert.Contains(t, parks[1].Error, "index out of range")

	var got []string
	require.Eventually(t, func() bool {
		rows, err := db.Pool.Query(ctx, `SELECT event_type FROM audit_log ORDER BY position`)
		require.NoError(t, err)
		got = got[:0]
		for rows.Next() {
			var s string
			require.NoError(t, rows.Scan(&s))
			got = append(got, s)
		}
		rows.Close()
		return len(got) == len(types)
	}, 10*time.Second, 10*time.Millisecond)
	assert.Equal(t, types, got, "the audit projection in the same group applied every event once")

	var brittleAt, panickyAt int64
	require.NoError(t, db.Pool.QueryRow(ctx, `SELECT
		(SELECT global_position FROM consumer_checkpoints WHERE consumer = 'brittle'),
		(SELECT global_position FROM consumer_checkpoints WHERE consumer = 'panicky')`).Scan(&brittleAt, &panickyAt))
	assert.Equal(t, parks[0].GlobalPosition-1, brittleAt, "brittle stands just before its poison event")
	assert.Equal(t, parks[1].GlobalPosition-1, panickyAt, "panicky stands just before its poison event")
}

// picky is a projection of some event types, recording which it applied.
type picky struct {
	name    string
	types   []string
	applied *[]string
}

func (p picky) Name() string      { return p.name }
func (p picky) Handles() []string { return p.types }
func (p picky) Tables() []string  { return nil }
func (p picky) Apply(_ context.Context, _ eventstore.Tx, events []eventstore.Event) error {
	for _, e := range events {
		*p.applied = append(*p.applied, e.Type)
	}
	return nil
}

// TestLiveGroupParksOnlyTheProjectionsOfAnEventThatCannotBeUpcast: the
// members that handle the event's type park on it; the others go on.
func TestLiveGroupParksOnlyTheProjectionsOfAnEventThatCannotBeUpcast(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	up := eventstore.NewUpcasters()
	up.Register("x.Old", 1, func(json.RawMessage) (json.RawMessage, error) { return nil, errors.New("cannot upgrade") })
	store, err := eventstore.New(eventstore.Config{Pool: db.Pool, Upcasters: up})
	require.NoError(t, err)
	for _, typ := range []string{"x.One", "x.Old", "x.One"} {
		_, err := store.Append(ctx, "s-1", eventstore.Any, eventstore.EventData{ID: uuid.Must(uuid.NewV7()), Type: typ,
			SchemaVersion: 1, Payload: []byte(`{}`)})
		require.NoError(t, err)
	}
	var applied []string
	runGroup(ctx, t, db, store, projections.Audit{}, picky{name: "ones", types: []string{"x.One"}, applied: &applied})

	var parks []eventstore.Park
	require.Eventually(t, func() bool {
		parks, err = eventstore.Parks(ctx, db.Pool)
		require.NoError(t, err)
		return len(parks) == 1
	}, 10*time.Second, 10*time.Millisecond)
	assert.Equal(t, "audit", parks[0].Consumer, "the audit log handles every type: it parks")
	assert.Equal(t, "x.Old", parks[0].EventType)
	assert.Contains(t, parks[0].Error, "cannot upgrade")
	var onesAt int64
	require.Eventually(t, func() bool {
		require.NoError(t, db.Pool.QueryRow(ctx, `SELECT global_position FROM consumer_checkpoints WHERE consumer = 'ones'`).Scan(&onesAt))
		return onesAt == 3
	}, 10*time.Second, 10*time.Millisecond, "the other member goes on past the event")
}

// runGroup runs ps as the live consumer group until the test ends.
func runGroup(ctx context.Context, t *testing.T, db *pgtest.DB, store *eventstore.Store, ps ...projections.Projection) {
	t.Helper()
	l := logrus.New()
	l.SetLevel(logrus.FatalLevel)
	log := logrus.NewEntry(l)
	parker := eventstore.NewParker(db.Pool)
	sub, err := eventstore.NewSubscriber(eventstore.SubscriberConfig{Store: store, Logger: log, Parker: parker,
		PollInterval: 50 * time.Millisecond})
	require.NoError(t, err)
	r, err := eventstore.NewRouter(eventstore.RouterConfig{Logger: log, Parker: parker, MaxRetries: 1, InitialInterval: time.Millisecond})
	require.NoError(t, err)
	projections.Register(r, sub, ps...)
	go func() { _ = r.Run(ctx) }()
	<-r.Running()
	t.Cleanup(func() { _ = r.Close() })
}
