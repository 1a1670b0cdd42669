package projections

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/mastra-admin/mastra-admin/eventstore"
)

// Waiter gives read-your-writes: after a command appends events, WaitFor
// returns once every listed projection has applied them. Consumers of this
// process report their progress through Advanced, which wakes waiters at
// once; the checkpoints in the database are polled as well, for consumers
// that run in another process.
type Waiter struct {
	db        eventstore.DBTX
	consumers []string
	timeout   time.Duration

	mu      sync.Mutex
	seen    map[string]eventstore.Position
	changed chan struct{}
}

// NewWaiter returns a Waiter over the named projections' checkpoints.
func NewWaiter(db eventstore.DBTX, timeout time.Duration, ps ...Projection) *Waiter {
	names := make([]string, len(ps))
	for i, p := range ps {
		names[i] = p.Name()
	}
	return &Waiter{db: db, consumers: names, timeout: timeout, seen: map[string]eventstore.Position{}, changed: make(chan struct{})}
}

// ErrNotCaughtUp means the projections did not reach a position in time.
var ErrNotCaughtUp = fmt.Errorf("projections: read models did not catch up in time")

// Advanced records that consumer committed up to pos (an
// eventstore.SubscriberConfig.OnCommit).
func (w *Waiter) Advanced(consumer string, pos eventstore.Position) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.seen[consumer].Less(pos) {
		w.seen[consumer] = pos
	}
	close(w.changed)
	w.changed = make(chan struct{})
}

// reached reports whether every consumer is known to be at or past pos,
// and returns the channel closed at the next advance.
func (w *Waiter) reached(pos eventstore.Position) (bool, <-chan struct{}) {
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, c := range w.consumers {
		if w.seen[c].Less(pos) {
			return false, w.changed
		}
	}
	return true, w.changed
}

// WaitFor blocks until every projection's checkpoint is at or past pos.
func (w *Waiter) WaitFor(ctx context.Context, pos eventstore.Position) error {
	if len(w.consumers) == 0 || pos == (eventstore.Position{}) {
		return nil
	}
	ctx, cancel := context.WithTimeout(ctx, w.timeout)
	defer cancel()
	delay := 2 * time.Millisecond
	poll := time.NewTimer(delay)
	defer poll.Stop()
	for {
		ok, changed := w.reached(pos)
		if ok {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("%w (%s)", ErrNotCaughtUp, pos)
		case <-changed:
			continue
		case <-poll.C:
		}
		if ok, err := w.checkDB(ctx, pos); ok || err != nil {
			return err
		}
		delay = min(delay*2, 25*time.Millisecond)
		poll.Reset(delay)
	}
}

// WaitForHead waits until the projections have applied every event
// committed before the call.
func (w *Waiter) WaitForHead(ctx context.Context) error {
	var pos eventstore.Position
	err := w.db.QueryRow(ctx, `SELECT transaction_id, global_position FROM events
		ORDER BY transaction_id DESC, global_position DESC LIMIT 1`).Scan(&pos.TransactionID, &pos.GlobalPosition)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("read head position: %w", err)
	}
	return w.WaitFor(ctx, pos)
}

// checkDB reads the checkpoints, for consumers running elsewhere. A parked
// consumer is not waited for: it will not move until someone fixes it, and
// every read would otherwise take the whole timeout meanwhile (/readyz
// reports it degraded).
func (w *Waiter) checkDB(ctx context.Context, pos eventstore.Position) (bool, error) {
	var behind int
	err := w.db.QueryRow(ctx, `SELECT $1::int - count(*) FROM consumer_checkpoints c
		WHERE consumer = ANY($2) AND ((transaction_id, global_position) >= ($3::xid8, $4::bigint)
			OR EXISTS (SELECT 1 FROM consumer_parks p WHERE p.consumer = c.consumer))`,
		len(w.consumers), w.consumers, pos.TransactionID, pos.GlobalPosition).Scan(&behind)
	if err != nil {
		if ctx.Err() != nil {
			return false, fmt.Errorf("%w (%s)", ErrNotCaughtUp, pos)
		}
		return false, fmt.Errorf("read checkpoints: %w", err)
	}
	return behind <= 0, nil
}
