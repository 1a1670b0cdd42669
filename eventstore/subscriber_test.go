package eventstore_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/sirupsen/logrus"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mastra-admin/mastra-admin/eventstore"
	"github.com/mastra-admin/mastra-admin/internal/pgtest"
)

type harness struct {
	t      *testing.T
	store  *eventstore.Store
	db     *pgtest.DB
	parker *eventstore.Parker
	log    *logrus.Entry
	linger time.Duration // 0: no pause between batches
	poll   time.Duration // 0: 200 ms
}

func newHarness(t *testing.T) *harness {
	s, db := newStore(t)
	_, err := db.Pool.Exec(context.Background(), `CREATE TABLE applied (
		consumer TEXT NOT NULL, event_id UUID NOT NULL, position BIGINT NOT NULL, seq BIGSERIAL)`)
	require.NoError(t, err)
	l := logrus.New()
	l.SetLevel(logrus.WarnLevel)
	return &harness{t: t, store: s, db: db, parker: eventstore.NewParker(db.Pool), log: logrus.NewEntry(l), linger: -1}
}

// recordHandler writes each event it sees into applied, through the
// consumer's transaction, unless fail says otherwise.
func recordHandler(name string, fail func(eventstore.Event) error) message.NoPublishHandlerFunc {
	return func(msg *message.Message) error {
		tx, ok := eventstore.TxFromContext(msg.Context())
		if !ok {
			return errors.New("no consumer transaction in context")
		}
		e, _ := eventstore.EventFromContext(msg.Context())
		if fail != nil {
			if err := fail(e); err != nil {
				return err
			}
		}
		_, err := tx.Exec(msg.Context(), `INSERT INTO applied (consumer, event_id, position) VALUES ($1, $2, $3)`,
			name, e.ID, e.Position.GlobalPosition)
		return err
	}
}

// failAt fails every attempt to apply the event at poison, counting them.
func failAt(poison int64, attempts *atomic.Int32) func(eventstore.Event) error {
	return func(e eventstore.Event) error {
		if e.Position.GlobalPosition == poison {
			attempts.Add(1)
			return errors.New("cannot apply this event")
		}
		return nil
	}
}

type consumerSpec struct {
	name string
	fail func(eventstore.Event) error
}

// run starts a router with the given consumers and returns a stop function.
func (h *harness) run(ctx context.Context, batch int, hook func(string), consumers ...consumerSpec) (*eventstore.Subscriber, func()) {
	n := eventstore.NewNotifier(h.db.Pool, h.log)
	ctx, cancel := context.WithCancel(ctx)
	go n.Run(ctx)
	poll := h.poll
	if poll == 0 {
		poll = 200 * time.Millisecond
	}
	sub, err := eventstore.NewSubscriber(eventstore.SubscriberConfig{
		Store: h.store, Notifier: n, Logger: h.log, Parker: h.parker, BatchSize: batch,
		PollInterval: poll, RetryInterval: 50 * time.Millisecond, Linger: h.linger,
	})
	require.NoError(h.t, err)
	if hook != nil {
		sub.SetBeforeCommit(hook)
	}
	r, err := eventstore.NewRouter(eventstore.RouterConfig{Logger: h.log, Parker: h.parker,
		MaxRetries: 2, InitialInterval: time.Millisecond, CloseTimeout: 10 * time.Second})
	require.NoError(h.t, err)
	for _, c := range consumers {
		r.AddConsumerHandler(c.name, c.name, sub, recordHandler(c.name, c.fail))
	}
	done := make(chan struct{})
	go func() { defer close(done); _ = r.Run(ctx) }()
	<-r.Running()
	return sub, func() {
		cancel()
		_ = r.Close()
		<-done
	}
}

func (h *harness) applied(consumer string) []int64 {
	rows, err := h.db.Pool.Query(context.Background(), `SELECT position FROM applied WHERE consumer = $1 ORDER BY seq`, consumer)
	require.NoError(h.t, err)
	out, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	require.NoError(h.t, err)
	return out
}

func (h *harness) appendN(n int) []int64 {
	var positions []int64
	for i := 0; i < n; i++ {
		got, err := h.store.Append(context.Background(), fmt.Sprintf("s-%d", i%7), eventstore.Any, ev("x.Happened", map[string]int{"i": i}))
		require.NoError(h.t, err)
		positions = append(positions, got[0].Position.GlobalPosition)
	}
	return positions
}

func (h *harness) waitApplied(consumer string, n int) []int64 {
	var got []int64
	require.Eventually(h.t, func() bool { got = h.applied(consumer); return len(got) >= n },
		15*time.Second, 10*time.Millisecond, "consumer %s applied %d of %d", consumer, len(got), n)
	return got
}

func TestSubscriberDeliversInOrderOnceAndLive(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	want := h.appendN(30)
	_, stop := h.run(context.Background(), 10, nil, consumerSpec{name: "a"}, consumerSpec{name: "b"})
	defer stop()
	assert.Equal(t, want, h.waitApplied("a", 30))
	want = append(want, h.appendN(5)...) // live, woken by NOTIFY
	assert.Equal(t, want, h.waitApplied("a", 35))
	assert.Equal(t, want, h.waitApplied("b", 35))
}

func TestGapSafetyLateCommitIsDelivered(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	ctx := context.Background()
	_, stop := h.run(ctx, 100, nil, consumerSpec{name: "reader"})
	defer stop()

	// B takes its transaction id first; A inserts first (lower global
	// position, higher transaction id) and commits last.
	txB, err := h.db.Pool.Begin(ctx)
	require.NoError(t, err)
	defer txB.Rollback(ctx)
	_, err = txB.Exec(ctx, `SELECT pg_current_xact_id()`)
	require.NoError(t, err)
	txA, err := h.db.Pool.Begin(ctx)
	require.NoError(t, err)
	defer txA.Rollback(ctx)
	a, err := h.store.AppendStreamsWith(ctx, txA, eventstore.StreamAppend{StreamID: "a", Expected: eventstore.NoStream, Events: []eventstore.EventData{ev("x.A", nil)}})
	require.NoError(t, err)
	b, err := h.store.AppendStreamsWith(ctx, txB, eventstore.StreamAppend{StreamID: "b", Expected: eventstore.NoStream, Events: []eventstore.EventData{ev("x.B", nil)}})
	require.NoError(t, err)
	require.Less(t, a[0].Position.GlobalPosition, b[0].Position.GlobalPosition)

	require.NoError(t, txB.Commit(ctx))
	h.store.Notify(ctx)
	// The reader takes B, which has the later global position...
	assert.Equal(t, []int64{b[0].Position.GlobalPosition}, h.waitApplied("reader", 1))
	// ...and an event appended after A began is held back while A is in flight.
	c := h.appendN(1)
	time.Sleep(300 * time.Millisecond)
	assert.Len(t, h.applied("reader"), 1, "nothing after an in-flight transaction is visible")

	require.NoError(t, txA.Commit(ctx))
	h.store.Notify(ctx)
	got := h.waitApplied("reader", 3)
	assert.Equal(t, []int64{b[0].Position.GlobalPosition, a[0].Position.GlobalPosition, c[0]}, got,
		"the late commit is delivered, after what was already read, and nothing is skipped")
}

func TestCrashBetweenHandlerAndCommitResumesExactlyOnce(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	want := h.appendN(120)

	ctx, kill := context.WithCancel(context.Background())
	var batches atomic.Int32
	_, stop := h.run(ctx, 25, func(string) {
		if batches.Add(1) == 3 {
			kill() // the third batch's handlers ran; its commit must not happen
		}
	}, consumerSpec{name: "p"})
	<-ctx.Done()
	stop()
	// Batches can be shorter than 25 when other transactions on the server
	// hold visibility back, so check the invariant rather than a count: what
	// was applied is exactly the prefix up to the saved checkpoint.
	before := h.applied("p")
	require.NotEmpty(t, before, "two batches committed before the kill")
	assert.Less(t, len(before), 120, "the killed batch rolled back")
	assert.Equal(t, want[:len(before)], before)
	var checkpoint int64
	require.NoError(t, h.db.Pool.QueryRow(context.Background(),
		`SELECT global_position FROM consumer_checkpoints WHERE consumer = 'p'`).Scan(&checkpoint))
	assert.Equal(t, before[len(before)-1], checkpoint, "rows and checkpoint committed together")

	_, stop = h.run(context.Background(), 25, nil, consumerSpec{name: "p"})
	defer stop()
	assert.Equal(t, want, h.waitApplied("p", 120), "no event applied twice or skipped")
	time.Sleep(200 * time.Millisecond)
	assert.Len(t, h.applied("p"), 120)
}

func TestPoisonEventParksOnlyItsConsumer(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	want := h.appendN(10)
	poison := want[4]
	var attempts atomic.Int32
	// Batches of 3 put the poison event inside a batch, after others.
	_, stop := h.run(context.Background(), 3, nil,
		consumerSpec{name: "good"},
		consumerSpec{name: "bad", fail: failAt(poison, &attempts)},
	)
	defer stop()

	assert.Equal(t, want, h.waitApplied("good", 10))
	parks := h.waitParks(1)
	assert.Equal(t, "bad", parks[0].Consumer)
	assert.Equal(t, poison, parks[0].GlobalPosition)
	assert.Contains(t, parks[0].Error, "cannot apply this event")
	assert.Equal(t, int32(3), attempts.Load(), "the first try and two retries")
	assert.Equal(t, want[:4], h.applied("bad"), "everything before the poison event applied, nothing after it")

	more := h.appendN(3)
	assert.Equal(t, append(want, more...), h.waitApplied("good", 13), "the other consumer keeps going")
	assert.Len(t, h.applied("bad"), 4)
}

func TestSameNameConsumersCompete(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	want := h.appendN(200)
	var wg sync.WaitGroup
	stops := make([]func(), 3)
	for i := range stops {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			_, stops[i] = h.run(context.Background(), 7, nil, consumerSpec{name: "shared"})
		}(i)
	}
	wg.Wait()
	got := h.waitApplied("shared", 200)
	for _, stop := range stops {
		stop()
	}
	assert.Equal(t, want, got, "three processes, one ordered delivery, each event once")
	assert.Len(t, h.applied("shared"), 200)
}

func TestHandlerFailingForTheDatabaseIsRetriedNotParked(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	want := h.appendN(5)
	var failures atomic.Int32
	_, stop := h.run(context.Background(), 10, nil, consumerSpec{name: "c", fail: func(e eventstore.Event) error {
		if e.Position.GlobalPosition == want[2] && failures.Add(1) <= 6 { // more than the router's retries
			return fmt.Errorf("apply: %w", &pgconn.PgError{Code: "40P01", Message: "deadlock detected"})
		}
		return nil
	}})
	defer stop()
	assert.Equal(t, want, h.waitApplied("c", 5), "applied once each, after the deadlocks passed")
	parks, err := eventstore.Parks(context.Background(), h.db.Pool)
	require.NoError(t, err)
	assert.Empty(t, parks)
}

// TestLingerGathersASteadyStreamIntoFewerBatches: after a batch that was
// far from full the consumer pauses, so the appends made meanwhile come in
// one batch; woken from idle, it reads at once.
func TestLingerGathersASteadyStreamIntoFewerBatches(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.linger = time.Second
	var batches atomic.Int32
	_, stop := h.run(context.Background(), 100, func(string) { batches.Add(1) }, consumerSpec{name: "a"})
	defer stop()
	h.appendN(1)
	h.waitApplied("a", 1)
	require.Equal(t, int32(1), batches.Load())
	h.appendN(5) // while the consumer lingers
	h.waitApplied("a", 6)
	assert.Equal(t, int32(2), batches.Load(), "the five appends came in one batch")
}

// TestLingerDoesNotDelayTheFirstEventAfterIdle: with a pause of an hour,
// an event appended to an idle consumer is still delivered.
func TestLingerDoesNotDelayTheFirstEventAfterIdle(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.linger = time.Hour
	_, stop := h.run(context.Background(), 100, nil, consumerSpec{name: "a"})
	defer stop()
	h.appendN(1)
	h.waitApplied("a", 1)
}

// TestNotifyWakesConsumersWithoutPolling: with a poll interval of an hour,
// appends made through another store (as by another process: its NOTIFY
// reaches this one's LISTEN) are still delivered.
func TestNotifyWakesConsumersWithoutPolling(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.poll = time.Hour
	_, stop := h.run(context.Background(), 100, nil, consumerSpec{name: "a"})
	defer stop()
	other, err := eventstore.New(eventstore.Config{Pool: h.db.Pool}) // no in-process notifier: it sends NOTIFY
	require.NoError(t, err)
	for i := 0; i < 3; i++ {
		_, err := other.Append(context.Background(), fmt.Sprintf("n-%d", i), eventstore.NoStream, ev("x.Happened", nil))
		require.NoError(t, err)
		h.waitApplied("a", i+1)
	}
}

// TestEventThatCannotBeUpcastParksTheConsumer: an event whose upcaster
// fails parks its consumer, visibly, without its handler seeing the
// payload in the old shape; it is not retried forever.
func TestEventThatCannotBeUpcastParksTheConsumer(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	up := eventstore.NewUpcasters()
	up.Register("x.Old", 1, func(json.RawMessage) (json.RawMessage, error) { return nil, errors.New("no field v2 can come from") })
	store, err := eventstore.New(eventstore.Config{Pool: h.db.Pool, Upcasters: up})
	require.NoError(t, err)
	h.store = store
	ctx := context.Background()
	var positions []int64
	for _, typ := range []string{"x.Happened", "x.Old", "x.Happened"} {
		e := ev(typ, nil)
		e.SchemaVersion = 1
		got, err := store.Append(ctx, "s-"+uuid.NewString(), eventstore.NoStream, e)
		require.NoError(t, err)
		positions = append(positions, got[0].Position.GlobalPosition)
	}
	_, stop := h.run(ctx, 10, nil, consumerSpec{name: "a"})
	defer stop()
	var parks []eventstore.Park
	require.Eventually(t, func() bool {
		parks, err = eventstore.Parks(ctx, h.db.Pool)
		require.NoError(t, err)
		return len(parks) == 1
	}, 10*time.Second, 10*time.Millisecond)
	assert.Equal(t, "a", parks[0].Consumer)
	assert.Equal(t, positions[1], parks[0].GlobalPosition)
	assert.Contains(t, parks[0].Error, "no field v2 can come from")
	assert.Equal(t, positions[:1], h.applied("a"), "applied up to the event, and not the event itself")
}
