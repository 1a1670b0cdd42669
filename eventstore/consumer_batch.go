package eventstore

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/jackc/pgx/v5"
)

// flushError is a failure of a batch's deferred writes.
type flushError struct {
	err       error
	last      Event    // the batch's last event
	size      int      // events in the batch
	consumers []string // the consumers the batch applied events for
}

func (e *flushError) Error() string { return "flush deferred writes: " + e.err.Error() }
func (e *flushError) Unwrap() error { return e.err }

// batch delivers up to size events in one transaction, for the consumers
// in only that it can lock, and returns how many events it committed. The
// transaction is driven on the connection in two pipelined round trips:
// BEGIN, locks and read; then the deferred writes, the checkpoints and
// COMMIT.
func (c *consumer) batch(ctx context.Context, size int, only []string) (n int, err error) {
	pooled, err := c.s.cfg.Store.pool.Acquire(ctx)
	if err != nil {
		return 0, fmt.Errorf("acquire consumer connection: %w", err)
	}
	// A connection released inside a transaction is destroyed by the pool.
	defer pooled.Release()
	conn := pooled.Conn()
	open := true
	defer func() {
		if open {
			_, _ = conn.Exec(context.WithoutCancel(ctx), "ROLLBACK")
		}
	}()
	locked, events, err := c.lockAndRead(ctx, conn, only, size)
	if err != nil || len(events) == 0 {
		return 0, err // no locks: another process is consuming; wait and try again
	}
	deferred := &pgx.Batch{}
	var applied []string // consumers that had events in the batch
	for i, e := range events {
		targets := c.targets(locked, e.Position)
		if len(targets) == 0 {
			continue // every locked consumer is past it
		}
		for _, t := range targets {
			if !slices.Contains(applied, t) {
				applied = append(applied, t)
			}
		}
		if err := c.deliver(ctx, conn, e, deferred, targets); err != nil {
			if pe, ok := err.(*parkError); ok {
				pe.index, pe.only = i, only
			}
			return 0, err
		}
	}
	if hook := c.s.beforeCommit; hook != nil {
		hook(c.name)
	}
	last := events[len(events)-1]
	names := make([]string, 0, len(locked))
	for name := range locked {
		names = append(names, name)
	}
	deferred.Queue(saveCheckpointsSQL, names, last.Position.TransactionID, last.Position.GlobalPosition)
	deferred.Queue("COMMIT")
	if err := conn.SendBatch(ctx, deferred).Close(); err != nil {
		if ctx.Err() != nil {
			return 0, ctx.Err()
		}
		return 0, &flushError{err: err, last: last, size: len(events), consumers: applied}
	}
	if conn.PgConn().TxStatus() != 'I' {
		return 0, fmt.Errorf("commit consumer batch of %s: transaction still open", c.name)
	}
	open = false
	for name, pos := range locked {
		if pos.Less(last.Position) {
			c.pos[name] = last.Position
			if c.s.cfg.OnCommit != nil {
				c.s.cfg.OnCommit(name, last.Position)
			}
		}
	}
	return len(events), nil
}

// targets lists, in the topic's order, the locked consumers whose
// checkpoint is before pos.
func (c *consumer) targets(locked map[string]Position, pos Position) []string {
	var out []string
	for _, name := range c.active {
		if at, ok := locked[name]; ok && at.Less(pos) {
			out = append(out, name)
		}
	}
	return out
}

// saveCheckpointsSQL moves the checkpoints of consumers $1 forward to
// ($2, $3); a checkpoint already past it (moved by a replay) stays.
const saveCheckpointsSQL = `UPDATE consumer_checkpoints SET transaction_id = $2, global_position = $3, updated_at = now()
	WHERE consumer = ANY($1) AND (transaction_id, global_position) < ($2::xid8, $3::bigint)`

// lockSQL takes the consumers' locks (see LockCheckpoint) without waiting,
// relaxes the commit, and returns the checkpoints, in one statement.
const lockSQL = `SELECT consumer, transaction_id, global_position,
	pg_try_advisory_xact_lock(hashtextextended(current_schema() || '/consumer/' || consumer, 0)),
	set_config('synchronous_commit', 'off', true)
	FROM consumer_checkpoints WHERE consumer = ANY($1)`

// readAfterCheckpointsSQL is the gap-safe read from the lowest checkpoint
// of the consumers this transaction locked. Asking for a lock it holds
// again just says yes, so the subquery keeps only the locked consumers
// without waiting for the first statement's answer. The lock is asked in
// the select list behind OFFSET 0, so that it is never asked for a row of
// another consumer (a WHERE clause may be evaluated in any order).
const readAfterCheckpointsSQL = `SELECT ` + eventColumns + ` FROM events
WHERE (transaction_id, global_position) > (
	SELECT transaction_id, global_position FROM (
		SELECT transaction_id, global_position,
			pg_try_advisory_xact_lock(hashtextextended(current_schema() || '/consumer/' || consumer, 0)) AS mine
		FROM consumer_checkpoints WHERE consumer = ANY($1) OFFSET 0) c
	WHERE mine ORDER BY transaction_id, global_position LIMIT 1)
  AND transaction_id < pg_snapshot_xmin(pg_current_snapshot())
ORDER BY transaction_id, global_position
LIMIT $2`

// lockAndRead begins the transaction, takes the consumers' locks and reads
// the next events in one round trip. It returns the checkpoints of the
// consumers it locked, and no events when it locked none.
func (c *consumer) lockAndRead(ctx context.Context, conn *pgx.Conn, names []string, size int) (map[string]Position, []Event, error) {
	b := &pgx.Batch{}
	b.Queue("BEGIN ISOLATION LEVEL READ COMMITTED")
	b.Queue(lockSQL, names)
	b.Queue(readAfterCheckpointsSQL, names, size)
	br := conn.SendBatch(ctx, b)
	defer func() { _ = br.Close() }()
	if _, err := br.Exec(); err != nil {
		return nil, nil, fmt.Errorf("begin consumer transaction: %w", err)
	}
	rows, err := br.Query()
	if err != nil {
		return nil, nil, fmt.Errorf("lock consumers of %s: %w", c.name, err)
	}
	locked := make(map[string]Position, len(names))
	found := 0
	for rows.Next() {
		var name, setting string
		var pos Position
		var ok bool
		if err := rows.Scan(&name, &pos.TransactionID, &pos.GlobalPosition, &ok, &setting); err != nil {
			rows.Close()
			return nil, nil, fmt.Errorf("lock consumers of %s: %w", c.name, err)
		}
		found++
		if ok {
			locked[name] = pos
			c.pos[name] = pos
		}
	}
	if err := rows.Err(); err != nil {
		return nil, nil, fmt.Errorf("lock consumers of %s: %w", c.name, err)
	}
	if found != len(names) {
		return nil, nil, fmt.Errorf("consumers of %s: %d of %d have no checkpoint", c.name, len(names)-found, len(names))
	}
	rows, err = br.Query()
	if err != nil {
		return nil, nil, fmt.Errorf("read events for %s: %w", c.name, err)
	}
	events, err := c.s.cfg.Store.scanEventsKeeping(rows, true)
	if err != nil {
		return nil, nil, fmt.Errorf("read events for %s: %w", c.name, err)
	}
	if err := br.Close(); err != nil {
		return nil, nil, fmt.Errorf("read events for %s: %w", c.name, err)
	}
	if len(locked) == 0 {
		return nil, nil, nil
	}
	return locked, events, nil
}

// deliver sends one event for targets and waits for its ack. A nack
// abandons the batch, or parks consumers when the Parker says so.
func (c *consumer) deliver(ctx context.Context, tx Tx, e Event, deferred *pgx.Batch, targets []string) error {
	if e.UpcastErr != nil && !strings.Contains(c.name, groupSeparator) {
		// A single consumer's handler cannot tell the event is not in the
		// shape it expects: park without calling it (without a Parker, the
		// batch is tried again later, as after a nack).
		if c.s.cfg.Parker == nil {
			c.log.WithError(e.UpcastErr).WithField("position", e.Position.GlobalPosition).Error("event cannot be upcast; no parker: retrying")
			return errBatchAbandoned
		}
		return &parkError{event: e, reason: e.UpcastErr, consumers: targets}
	}
	msg := ToMessage(e)
	msgCtx, cancel := context.WithTimeout(ctx, c.s.cfg.AckDeadline)
	defer cancel()
	t := &Targets{names: targets, done: make([]bool, len(targets))}
	msg.SetContext(withDelivery(msgCtx, delivery{tx: tx, event: e, deferred: deferred, targets: t}))
	select {
	case c.out <- msg:
	case <-c.s.closing:
		return errSubscriberClose
	case <-ctx.Done():
		return ctx.Err()
	}
	select {
	case <-msg.Acked():
		return nil
	case <-msg.Nacked():
		return c.nacked(msg, e, targets)
	case <-c.s.closing:
		cancel() // the handler's statements fail fast; then the batch rolls back
		<-waitDone(msg)
		return errSubscriberClose
	case <-ctx.Done():
		<-waitDone(msg)
		return ctx.Err()
	}
}

// nacked decides what a nack means: a park of the consumer the handler's
// error names (of every target when it names none), or a redelivery.
func (c *consumer) nacked(msg *message.Message, e Event, targets []string) error {
	if c.s.cfg.Parker != nil {
		if reason, parked := c.s.cfg.Parker.take(msg.UUID); parked {
			if transient(reason) {
				c.log.WithError(reason).WithField("position", e.Position.GlobalPosition).
					Warn("handler failed for a reason that passes; the batch is tried again")
				return errBatchAbandoned
			}
			park := targets
			if name, ok := failedConsumer(reason); ok && slices.Contains(targets, name) {
				park = []string{name}
			}
			return &parkError{event: e, reason: reason, consumers: park}
		}
	}
	return errBatchAbandoned
}

func waitDone(msg *message.Message) <-chan struct{} {
	done := make(chan struct{})
	go func() {
		defer close(done)
		select {
		case <-msg.Acked():
		case <-msg.Nacked():
		case <-time.After(time.Minute):
		}
	}()
	return done
}
