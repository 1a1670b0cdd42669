package eventstore

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/sirupsen/logrus"
)

// Notifier holds one LISTEN connection on the schema's events channel and
// wakes every registered waiter when events are appended. When the
// connection is lost it reconnects with backoff; waiters keep polling.
type Notifier struct {
	pool    *pgxpool.Pool
	log     *logrus.Entry
	mu      sync.Mutex
	waiters map[chan struct{}]struct{}
}

// NewNotifier returns a Notifier; call Run to start listening.
func NewNotifier(pool *pgxpool.Pool, log *logrus.Entry) *Notifier {
	return &Notifier{pool: pool, log: log, waiters: map[chan struct{}]struct{}{}}
}

// Register returns a channel that receives a value (coalesced) after each
// append, and a function that unregisters it.
func (n *Notifier) Register() (<-chan struct{}, func()) {
	ch := make(chan struct{}, 1)
	n.mu.Lock()
	n.waiters[ch] = struct{}{}
	n.mu.Unlock()
	return ch, func() {
		n.mu.Lock()
		delete(n.waiters, ch)
		n.mu.Unlock()
	}
}

// Wake signals every waiter, as a notification would.
func (n *Notifier) Wake() {
	n.mu.Lock()
	defer n.mu.Unlock()
	for ch := range n.waiters {
		select {
		case ch <- struct{}{}:
		default:
		}
	}
}

// Run listens until ctx ends.
func (n *Notifier) Run(ctx context.Context) {
	backoff := 100 * time.Millisecond
	for ctx.Err() == nil {
		err := n.listen(ctx)
		if ctx.Err() != nil {
			return
		}
		n.log.WithError(err).Warn("event notifications lost; reconnecting, consumers keep polling")
		select {
		case <-ctx.Done():
			return
		case <-time.After(backoff):
		}
		backoff = min(backoff*2, 5*time.Second)
	}
}

func (n *Notifier) listen(ctx context.Context) error {
	conn, err := n.pool.Acquire(ctx)
	if err != nil {
		return fmt.Errorf("acquire listen connection: %w", err)
	}
	// The connection carries LISTEN state: never hand it back to the pool.
	raw := conn.Hijack()
	defer raw.Close(context.WithoutCancel(ctx))

	var schema string
	if err := raw.QueryRow(ctx, `SELECT current_schema()`).Scan(&schema); err != nil {
		return fmt.Errorf("read schema: %w", err)
	}
	if _, err := raw.Exec(ctx, "LISTEN "+pgx.Identifier{schema + ".events"}.Sanitize()); err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	n.Wake() // anything appended while we were not listening
	for {
		if _, err := raw.WaitForNotification(ctx); err != nil {
			if errors.Is(err, context.Canceled) {
				return nil
			}
			return fmt.Errorf("wait for notification: %w", err)
		}
		n.Wake()
	}
}
