package projections

import (
	"context"
	"fmt"
	"time"

	"github.com/mastra-admin/mastra-admin/eventstore"
)

// Waiter gives read-your-writes: after a command appends events, WaitFor
// returns once every listed projection has applied them.
type Waiter struct {
	db        eventstore.DBTX
	consumers []string
	timeout   time.Duration
}

// NewWaiter returns a Waiter over the named projections' checkpoints.
func NewWaiter(db eventstore.DBTX, timeout time.Duration, ps ...Projection) *Waiter {
	names := make([]string, len(ps))
	for i, p := range ps {
		names[i] = p.Name()
	}
	return &Waiter{db: db, consumers: names, timeout: timeout}
}

// ErrNotCaughtUp means the projections did not reach a position in time.
var ErrNotCaughtUp = fmt.Errorf("projections: read models did not catch up in time")

// WaitFor blocks until every projection's checkpoint is at or past pos.
func (w *Waiter) WaitFor(ctx context.Context, pos eventstore.Position) error {
	if len(w.consumers) == 0 || pos == (eventstore.Position{}) {
		return nil
	}
	ctx, cancel := context.WithTimeout(ctx, w.timeout)
	defer cancel()
	delay := 500 * time.Microsecond
	for {
		var behind int
		err := w.db.QueryRow(ctx, `SELECT $1::int - count(*) FROM consumer_checkpoints
			WHERE consumer = ANY($2) AND (transaction_id, global_position) >= ($3::xid8, $4::bigint)`,
			len(w.consumers), w.consumers, pos.TransactionID, pos.GlobalPosition).Scan(&behind)
		if err != nil {
			if ctx.Err() != nil {
				return fmt.Errorf("%w (%s)", ErrNotCaughtUp, pos)
			}
			return fmt.Errorf("read checkpoints: %w", err)
		}
		if behind <= 0 {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("%w (%s)", ErrNotCaughtUp, pos)
		case <-time.After(delay):
		}
		delay = min(delay*2, 20*time.Millisecond)
	}
}
