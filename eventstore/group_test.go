package eventstore_test

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mastra-admin/mastra-admin/eventstore"
)

// groupHandler applies each pending target of an event through
// recordHandler (or, deferred, through deferredHandler), attributing a
// failure to its consumer as a projection group does.
func groupHandler(deferred bool, specs ...consumerSpec) message.NoPublishHandlerFunc {
	return func(msg *message.Message) error {
		targets, ok := eventstore.TargetsFromContext(msg.Context())
		if !ok {
			return errors.New("no targets in context")
		}
		for _, s := range specs {
			if !targets.Pending(s.name) {
				continue
			}
			h := recordHandler(s.name, s.fail)
			if deferred {
				h = deferredHandler(s.name)
			}
			if err := h(msg); err != nil {
				return &eventstore.ConsumerError{Consumer: s.name, Err: err}
			}
			targets.Done(s.name)
		}
		return nil
	}
}

// runGroup starts a router with one group consumer over specs.
func (h *harness) runGroup(ctx context.Context, batch int, deferred bool, specs ...consumerSpec) func() {
	n := eventstore.NewNotifier(h.db.Pool, h.log)
	ctx, cancel := context.WithCancel(ctx)
	go n.Run(ctx)
	sub, err := eventstore.NewSubscriber(eventstore.SubscriberConfig{
		Store: h.store, Notifier: n, Logger: h.log, Parker: h.parker, BatchSize: batch,
		PollInterval: 200 * time.Millisecond, RetryInterval: 5 * time.Millisecond, FlushRetries: 2,
	})
	require.NoError(h.t, err)
	r, err := eventstore.NewRouter(eventstore.RouterConfig{Logger: h.log, Parker: h.parker,
		MaxRetries: 2, InitialInterval: time.Millisecond, CloseTimeout: 10 * time.Second})
	require.NoError(h.t, err)
	names := make([]string, len(specs))
	for i, s := range specs {
		names[i] = s.name
	}
	topic := eventstore.GroupTopic(names...)
	r.AddConsumerHandler(topic, topic, sub, groupHandler(deferred, specs...))
	done := make(chan struct{})
	go func() { defer close(done); _ = r.Run(ctx) }()
	<-r.Running()
	return func() {
		cancel()
		_ = r.Close()
		<-done
	}
}

// setCheckpoint moves consumer's checkpoint to the event at global position.
func (h *harness) setCheckpoint(consumer string, global int64) {
	ctx := context.Background()
	require.NoError(h.t, eventstore.EnsureCheckpoint(ctx, h.db.Pool, consumer))
	tx, err := h.db.Pool.Begin(ctx)
	require.NoError(h.t, err)
	defer func() { _ = tx.Rollback(ctx) }()
	var pos eventstore.Position
	require.NoError(h.t, tx.QueryRow(ctx, `SELECT transaction_id, global_position FROM events WHERE global_position = $1`, global).
		Scan(&pos.TransactionID, &pos.GlobalPosition))
	require.NoError(h.t, eventstore.SaveCheckpoint(ctx, tx, consumer, pos))
	require.NoError(h.t, tx.Commit(ctx))
}

func (h *harness) checkpoint(consumer string) int64 {
	var pos int64
	require.NoError(h.t, h.db.Pool.QueryRow(context.Background(),
		`SELECT global_position FROM consumer_checkpoints WHERE consumer = $1`, consumer).Scan(&pos))
	return pos
}

func (h *harness) waitParks(n int) []eventstore.Park {
	var parks []eventstore.Park
	require.Eventually(h.t, func() bool {
		var err error
		parks, err = eventstore.Parks(context.Background(), h.db.Pool)
		require.NoError(h.t, err)
		return len(parks) == n
	}, 10*time.Second, 10*time.Millisecond)
	return parks
}

func TestGroupAppliesEveryEventOnceForEachConsumer(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	want := h.appendN(40)
	stop := h.runGroup(context.Background(), 7, false, consumerSpec{name: "a"}, consumerSpec{name: "b"}, consumerSpec{name: "c"})
	defer stop()
	for _, name := range []string{"a", "b", "c"} {
		assert.Equal(t, want, h.waitApplied(name, 40), "consumer %s", name)
	}
	more := h.appendN(5)
	all := append(want, more...)
	for _, name := range []string{"a", "b", "c"} {
		assert.Equal(t, all, h.waitApplied(name, 45), "consumer %s, live", name)
		require.Eventually(t, func() bool { return h.checkpoint(name) == all[44] }, 5*time.Second, 10*time.Millisecond)
	}
}

func TestGroupParksOnlyTheFailingConsumer(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	want := h.appendN(10)
	poison := want[4]
	var attempts, goodApplies atomic.Int32
	stop := h.runGroup(context.Background(), 3, false,
		consumerSpec{name: "good", fail: func(eventstore.Event) error { goodApplies.Add(1); return nil }},
		consumerSpec{name: "bad", fail: failAt(poison, &attempts)},
	)
	defer stop()

	parks := h.waitParks(1)
	assert.Equal(t, "bad", parks[0].Consumer)
	assert.Equal(t, poison, parks[0].GlobalPosition)
	assert.Contains(t, parks[0].Error, "cannot apply this event")
	assert.Equal(t, int32(3), attempts.Load(), "the first try and two retries")
	assert.Equal(t, want, h.waitApplied("good", 10), "the other consumer of the group goes on")
	assert.Equal(t, want[:4], h.applied("bad"), "everything before the poison event, nothing after it")
	assert.Equal(t, want[3], h.checkpoint("bad"))

	more := h.appendN(3)
	assert.Equal(t, append(want, more...), h.waitApplied("good", 13))
	assert.Len(t, h.applied("bad"), 4)
	assert.GreaterOrEqual(t, goodApplies.Load(), int32(13), "rolled-back attempts are applied again")
}

func TestGroupSkipsAConsumerLockedElsewhereUntilItIsFree(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	ctx := context.Background()
	require.NoError(t, eventstore.EnsureCheckpoint(ctx, h.db.Pool, "busy"))
	// Another process (a replay, say) holds busy's lock.
	tx, err := h.db.Pool.Begin(ctx)
	require.NoError(t, err)
	defer func() { _ = tx.Rollback(ctx) }() // even when an assertion stops the test
	_, err = eventstore.LockCheckpoint(ctx, tx, "busy")
	require.NoError(t, err, "the lock is ours")

	want := h.appendN(20)
	stop := h.runGroup(ctx, 6, false, consumerSpec{name: "busy"}, consumerSpec{name: "free"})
	defer stop()
	assert.Equal(t, want, h.waitApplied("free", 20))
	time.Sleep(100 * time.Millisecond)
	assert.Empty(t, h.applied("busy"), "never applied under another process's lock")

	require.NoError(t, tx.Rollback(ctx))
	h.appendN(1) // a wake-up
	assert.Len(t, h.waitApplied("busy", 21), 21, "caught up once its lock is free")
	assert.Len(t, h.applied("free"), 21, "the consumer that was ahead is not applied twice")
}

func TestGroupLeavesACheckpointThatIsAheadAlone(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	ctx := context.Background()
	want := h.appendN(10)
	h.setCheckpoint("ahead", want[5]) // a replay moved it to the 6th event

	stop := h.runGroup(ctx, 4, false, consumerSpec{name: "ahead"}, consumerSpec{name: "behind"})
	defer stop()
	assert.Equal(t, want, h.waitApplied("behind", 10))
	assert.Equal(t, want[6:], h.waitApplied("ahead", 4))
	time.Sleep(100 * time.Millisecond)
	assert.Len(t, h.applied("ahead"), 4)
	assert.Equal(t, want[9], h.checkpoint("ahead"))
}

func TestGroupDeferredWriteFailureParksOnlyItsConsumer(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	want := h.appendN(10)
	bad := want[6]
	h.createChecked(bad)
	ctx := context.Background()
	stop := h.runGroup(ctx, 100, true, consumerSpec{name: "lenient"}, consumerSpec{name: "strict"})
	defer stop()

	parks := h.waitParks(1)
	assert.Equal(t, "strict", parks[0].Consumer)
	assert.Equal(t, bad, parks[0].GlobalPosition, "the failing event and consumer are found inside the batch")
	assert.Contains(t, parks[0].Error, "check constraint")
	require.Eventually(t, func() bool { return len(h.checked("lenient")) == 10 }, 10*time.Second, 10*time.Millisecond)
	assert.Equal(t, want, h.checked("lenient"), "the other consumer applied every event once")
	assert.Equal(t, want[:6], h.checked("strict"), "the events before the failing one, once each")
}

func TestGroupTopicIsValidated(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	sub, err := eventstore.NewSubscriber(eventstore.SubscriberConfig{Store: h.store, Logger: h.log})
	require.NoError(t, err)
	defer sub.Close()
	for _, topic := range []string{"", "a+", "+a", "a++b", eventstore.GroupTopic("a", "b", "a")} {
		_, err := sub.Subscribe(context.Background(), topic)
		assert.Error(t, err, "topic %q", topic)
	}
}

func TestGroupDoesNotHoldCurrentConsumersBackForOneFarBehind(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	ctx := context.Background()
	old := h.appendN(300)
	// current has applied everything already; fresh (a projection added to
	// this store, say) starts from zero and is slow.
	h.setCheckpoint("current", old[299])

	slow := func(eventstore.Event) error { time.Sleep(5 * time.Millisecond); return nil }
	stop := h.runGroup(ctx, 10, false, consumerSpec{name: "fresh", fail: slow}, consumerSpec{name: "current"})
	defer stop()
	require.Eventually(t, func() bool { return len(h.applied("fresh")) >= 10 }, 10*time.Second, 5*time.Millisecond)
	news := h.appendN(1)
	assert.Equal(t, news, h.waitApplied("current", 1), "the current consumer gets the new event")
	assert.Less(t, len(h.applied("fresh")), 300,
		"... while the far-behind one is still catching up (at 5 ms an event, 300 take 1.5 s)")
	assert.Len(t, h.waitApplied("fresh", 301), 301, "and that one catches up too")
	assert.Len(t, h.applied("current"), 1)
}
