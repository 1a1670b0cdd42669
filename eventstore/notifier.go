package eventstore

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/sirupsen/logrus"
)

// notifySQL publishes on the schema's events channel.
const notifySQL = `SELECT pg_notify(current_schema() || '.events', $1)`

// Notifier wakes consumers when events are appended. In its own process it
// wakes them in memory at once; for other processes it publishes a NOTIFY
// on the schema's events channel, coalescing bursts into one notification
// sent outside every writer's transaction (a NOTIFY inside the appending
// transaction serializes concurrent commits). It also LISTENs, waking its
// consumers on other processes' notifications. When the connection is lost
// it reconnects with backoff; consumers keep polling meanwhile.
type Notifier struct {
	pool    *pgxpool.Pool
	log     *logrus.Entry
	id      string // payload of our own notifications, ignored on receipt
	pending chan struct{}
	running atomic.Bool
	mu      sync.Mutex
	waiters map[chan struct{}]struct{}
}

// NewNotifier returns a Notifier; call Run to start listening and publishing.
func NewNotifier(pool *pgxpool.Pool, log *logrus.Entry) *Notifier {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return &Notifier{pool: pool, log: log, id: hex.EncodeToString(b), pending: make(chan struct{}, 1),
		waiters: map[chan struct{}]struct{}{}}
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

// Wake signals every local waiter.
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

// Published records that events were committed: local waiters wake now,
// other processes at the next coalesced NOTIFY.
func (n *Notifier) Published() {
	n.Wake()
	if !n.running.Load() { // a short-lived process (the CLI): tell the others now
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		n.notify(ctx)
		return
	}
	select {
	case n.pending <- struct{}{}:
	default:
	}
}

func (n *Notifier) notify(ctx context.Context) {
	if _, err := n.pool.Exec(ctx, notifySQL, n.id); err != nil && ctx.Err() == nil {
		n.log.WithError(err).Warn("could not notify other processes of new events; they will poll")
	}
}

// Run listens and publishes until ctx ends.
func (n *Notifier) Run(ctx context.Context) {
	n.running.Store(true)
	defer n.running.Store(false)
	go n.publish(ctx)
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

// publishGap is the least time between two NOTIFYs of one process: under
// a stream of appends other processes are woken every 2 ms, not per append.
const publishGap = 2 * time.Millisecond

// publish sends one NOTIFY per burst of Published calls.
func (n *Notifier) publish(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			return
		case <-n.pending:
		}
		n.notify(ctx)
		select {
		case <-ctx.Done():
			return
		case <-time.After(publishGap):
		}
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
		note, err := raw.WaitForNotification(ctx)
		if err != nil {
			if errors.Is(err, context.Canceled) {
				return nil
			}
			return fmt.Errorf("wait for notification: %w", err)
		}
		if note.Payload != n.id {
			n.Wake()
		}
	}
}
