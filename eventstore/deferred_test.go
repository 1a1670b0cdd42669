package eventstore_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mastra-admin/mastra-admin/eventstore"
)

// deferredHandler queues an insert per event on the batch's deferred
// pipeline; the table's CHECK rejects the event at position bad.
func deferredHandler(name string) message.NoPublishHandlerFunc {
	return func(msg *message.Message) error {
		b, ok := eventstore.DeferredFromContext(msg.Context())
		if !ok {
			return errors.New("no deferred pipeline")
		}
		e, _ := eventstore.EventFromContext(msg.Context())
		b.Queue(`INSERT INTO checked (consumer, position) VALUES ($1, $2)`, name, e.Position.GlobalPosition)
		return nil
	}
}

// checked lists the positions a deferredHandler consumer wrote.
func (h *harness) checked(consumer string) []int64 {
	rows, err := h.db.Pool.Query(context.Background(), `SELECT position FROM checked WHERE consumer = $1 ORDER BY position`, consumer)
	require.NoError(h.t, err)
	out, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	require.NoError(h.t, err)
	return out
}

// runDeferred runs each handler as its own consumer, with batches of 100,
// a fast retry and flushRetries, until the test ends.
func (h *harness) runDeferred(t *testing.T, flushRetries int, handlers map[string]message.NoPublishHandlerFunc) {
	ctx, cancel := context.WithCancel(context.Background())
	n := eventstore.NewNotifier(h.db.Pool, h.log)
	go n.Run(ctx)
	sub, err := eventstore.NewSubscriber(eventstore.SubscriberConfig{Store: h.store, Notifier: n, Logger: h.log,
		Parker: h.parker, BatchSize: 100, RetryInterval: 5 * time.Millisecond, FlushRetries: flushRetries})
	require.NoError(t, err)
	r, err := eventstore.NewRouter(eventstore.RouterConfig{Logger: h.log, Parker: h.parker})
	require.NoError(t, err)
	for name, handler := range handlers {
		r.AddConsumerHandler(name, name, sub, handler)
	}
	go func() { _ = r.Run(ctx) }()
	<-r.Running()
	t.Cleanup(func() { cancel(); _ = r.Close() })
}

// createChecked makes the table deferredHandler writes to; its CHECK
// rejects consumer strict's write of position bad.
func (h *harness) createChecked(bad int64) {
	_, err := h.db.Pool.Exec(context.Background(), `CREATE TABLE checked (consumer TEXT, position BIGINT,
		CHECK (consumer <> 'strict' OR position <> `+itoa(bad)+`))`)
	require.NoError(h.t, err)
}

func TestDeferredWriteFailureIsIsolatedAndParks(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	want := h.appendN(10)
	bad := want[6]
	h.createChecked(bad)
	h.runDeferred(t, 2, map[string]message.NoPublishHandlerFunc{
		"strict": deferredHandler("strict"), "lenient": deferredHandler("lenient")})

	require.Eventually(t, func() bool { return len(h.checked("lenient")) == 10 }, 10*time.Second, 10*time.Millisecond)
	parks := h.waitParks(1)
	assert.Equal(t, "strict", parks[0].Consumer)
	assert.Equal(t, bad, parks[0].GlobalPosition, "the failing event is found inside its batch")
	assert.Contains(t, parks[0].Error, "check constraint")
	assert.Equal(t, want[:6], h.checked("strict"), "the events before it were applied one by one, once each")
	assert.Equal(t, want, h.checked("lenient"))
}

func itoa(n int64) string {
	return fmt.Sprint(n)
}

func TestDeferredWritesFailingForTheDatabaseAreRetriedNotParked(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	ctx := context.Background()
	// flaky() fails with a deadlock three times (a sequence does not roll
	// back), then succeeds: the database's trouble, not the event's.
	_, err := h.db.Pool.Exec(ctx, `CREATE SEQUENCE attempts;
		CREATE FUNCTION flaky() RETURNS void LANGUAGE plpgsql AS $$
		BEGIN
			IF nextval('attempts') <= 3 THEN
				RAISE EXCEPTION 'deadlock detected' USING ERRCODE = '40P01';
			END IF;
		END $$`)
	require.NoError(t, err)
	h.createChecked(-1)
	want := h.appendN(5)

	h.runDeferred(t, 1, map[string]message.NoPublishHandlerFunc{"c": func(msg *message.Message) error {
		b, _ := eventstore.DeferredFromContext(msg.Context())
		b.Queue(`SELECT flaky()`)
		return deferredHandler("c")(msg)
	}})

	require.Eventually(t, func() bool { return len(h.checked("c")) == 5 }, 10*time.Second, 10*time.Millisecond)
	assert.Equal(t, want, h.checked("c"), "applied once each, after the failures passed")
	parks, err := eventstore.Parks(ctx, h.db.Pool)
	require.NoError(t, err)
	assert.Empty(t, parks, "more failures than FlushRetries, yet nothing parked")
}
