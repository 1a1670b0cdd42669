package eventstore

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/jackc/pgx/v5"
	"github.com/sirupsen/logrus"
)

// Message metadata keys set on every delivered event.
const (
	MetaEventType      = "event_type"
	MetaStreamID       = "stream_id"
	MetaStreamVersion  = "stream_version"
	MetaPosition       = "position"
	MetaTransactionID  = "transaction_id"
	MetaSchemaVersion  = "schema_version"
	MetaActor          = "actor"
	MetaCorrelationID  = "correlation_id"
	MetaRequestID      = "request_id"
	quickRecheckFloor  = 5 * time.Millisecond
	errBatchAbandoned  = stringError("batch abandoned")
	errSubscriberClose = stringError("subscriber closing")
)

type stringError string

func (e stringError) Error() string { return string(e) }

type consumer struct {
	s    *Subscriber
	name string
	out  chan<- *message.Message
	log  *logrus.Entry
}

func (c *consumer) run(ctx context.Context) {
	var wake <-chan struct{}
	if c.s.cfg.Notifier != nil {
		ch, unregister := c.s.cfg.Notifier.Register()
		defer unregister()
		wake = ch
	}
	recheck := time.Duration(0) // after a wake-up that found nothing visible yet
	var isolate isolation
	for {
		size := c.s.cfg.BatchSize
		if isolate.active() {
			size = 1
		}
		n, err := c.batch(ctx, size)
		isolate.passed(n)
		var fe *flushError
		var pe *parkError
		switch {
		case errors.As(err, &pe):
			c.park(ctx, pe)
			return
		case errors.Is(err, errSubscriberClose), ctx.Err() != nil:
			return
		case errors.As(err, &fe):
			if !c.flushFailed(ctx, &isolate, fe) {
				return
			}
			continue
		case errors.Is(err, errBatchAbandoned):
			if !c.sleep(ctx, c.s.cfg.ResendInterval, nil) {
				return
			}
			continue
		case err != nil:
			c.log.WithError(err).Error("consumer batch failed; retrying")
			if !c.sleep(ctx, c.s.cfg.RetryInterval, nil) {
				return
			}
			continue
		case n == size:
			continue // more may be waiting
		case n > 0:
			recheck = 0
			continue
		}
		wait := c.s.cfg.PollInterval
		if recheck > 0 {
			wait = recheck
		}
		woken, ok := c.sleepWoken(ctx, wait, wake)
		if !ok {
			return
		}
		switch {
		case woken:
			recheck = quickRecheckFloor
		case recheck > 0:
			// A notification may come from a transaction that is visible only
			// once an older one ends; look again soon, backing off.
			recheck *= 2
			if recheck >= c.s.cfg.PollInterval {
				recheck = 0
			}
		}
	}
}

// isolation replays a failed batch's events one at a time.
type isolation struct {
	left     int // events still to go one by one
	failures int // consecutive failures of the event at the head
}

func (i *isolation) active() bool { return i.left > 0 }

func (i *isolation) passed(n int) {
	if n > 0 {
		i.left = max(i.left-n, 0)
		i.failures = 0
	}
}

// flushFailed handles a batch whose deferred writes failed: a batch of many
// events is replayed one by one; a single failing event is retried with
// backoff and then parks the consumer. It returns false to stop.
func (c *consumer) flushFailed(ctx context.Context, iso *isolation, fe *flushError) bool {
	log := c.log.WithFields(logrus.Fields{"event_type": fe.last.Type, "position": fe.last.Position.GlobalPosition})
	if fe.size > 1 {
		log.WithError(fe.err).Warn("batch writes failed; replaying its events one at a time")
		iso.left, iso.failures = fe.size, 0
		return true
	}
	iso.left = max(iso.left, 1)
	iso.failures++
	if iso.failures > c.s.cfg.FlushRetries && c.s.cfg.Parker != nil {
		if err := c.s.cfg.Parker.record(ctx, c.name, fe.last, fe.err); err != nil {
			c.log.WithError(err).Error("could not record parked consumer")
		}
		log.WithError(fe.err).Error("consumer parked on a poison event; other consumers go on")
		return false
	}
	wait := c.s.cfg.RetryInterval
	for k := 1; k < iso.failures && wait < 30*time.Second; k++ {
		wait *= 2
	}
	log.WithError(fe.err).WithField("attempt", iso.failures).Warn("event writes failed; retrying")
	return c.sleep(ctx, wait, nil)
}

func (c *consumer) sleep(ctx context.Context, d time.Duration, wake <-chan struct{}) bool {
	_, ok := c.sleepWoken(ctx, d, wake)
	return ok
}

func (c *consumer) sleepWoken(ctx context.Context, d time.Duration, wake <-chan struct{}) (woken, ok bool) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false, false
	case <-c.s.closing:
		return false, false
	case <-wake:
		return true, true
	case <-t.C:
		return false, true
	}
}

// flushError is a failure of a batch's deferred writes.
type flushError struct {
	err  error
	last Event // the batch's last event
	size int
}

func (e *flushError) Error() string { return "flush deferred writes: " + e.err.Error() }
func (e *flushError) Unwrap() error { return e.err }

// batch delivers up to size events in one transaction and returns how many
// it committed. The transaction is driven on the connection in two
// pipelined round trips: BEGIN, lock and read; then the deferred writes,
// the checkpoint and COMMIT.
func (c *consumer) batch(ctx context.Context, size int) (n int, err error) {
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
	events, ok, err := c.lockAndRead(ctx, conn, size)
	if err != nil || !ok || len(events) == 0 {
		return 0, err // !ok: another process is consuming; wait and try again
	}
	deferred := &pgx.Batch{}
	for i, e := range events {
		if err := c.deliver(ctx, conn, e, deferred); err != nil {
			var pe *parkError
			if errors.As(err, &pe) {
				pe.index = i
			}
			return 0, err
		}
	}
	if hook := c.s.beforeCommit; hook != nil {
		hook(c.name)
	}
	last := events[len(events)-1]
	queueSaveCheckpoint(deferred, c.name, last.Position)
	deferred.Queue("COMMIT")
	if err := conn.SendBatch(ctx, deferred).Close(); err != nil {
		if ctx.Err() != nil {
			return 0, ctx.Err()
		}
		return 0, &flushError{err: err, last: last, size: len(events)}
	}
	if conn.PgConn().TxStatus() != 'I' {
		return 0, fmt.Errorf("commit consumer batch of %s: transaction still open", c.name)
	}
	open = false
	if c.s.cfg.OnCommit != nil {
		c.s.cfg.OnCommit(c.name, last.Position)
	}
	return len(events), nil
}

// tryLockSQL takes the consumer's lock (see LockCheckpoint) without
// waiting and relaxes the commit, in one statement.
const tryLockSQL = `SELECT pg_try_advisory_xact_lock(hashtextextended(current_schema() || '/consumer/' || $1, 0)),
	set_config('synchronous_commit', 'off', true) FROM consumer_checkpoints WHERE consumer = $1`

// readAfterCheckpointSQL is the gap-safe read from the consumer's checkpoint.
const readAfterCheckpointSQL = `SELECT ` + eventColumns + ` FROM events
WHERE (transaction_id, global_position) > (SELECT transaction_id, global_position FROM consumer_checkpoints WHERE consumer = $1)
  AND transaction_id < pg_snapshot_xmin(pg_current_snapshot())
ORDER BY transaction_id, global_position
LIMIT $2`

// lockAndRead begins the transaction, takes the consumer's lock and reads
// the next events in one round trip: the read runs after the lock in the
// same transaction, and is discarded when the lock was not had.
func (c *consumer) lockAndRead(ctx context.Context, conn *pgx.Conn, size int) ([]Event, bool, error) {
	b := &pgx.Batch{}
	b.Queue("BEGIN ISOLATION LEVEL READ COMMITTED")
	b.Queue(tryLockSQL, c.name)
	b.Queue(readAfterCheckpointSQL, c.name, size)
	br := conn.SendBatch(ctx, b)
	if _, err := br.Exec(); err != nil {
		_ = br.Close()
		return nil, false, fmt.Errorf("begin consumer transaction: %w", err)
	}
	var locked bool
	var setting string
	err := br.QueryRow().Scan(&locked, &setting)
	if errors.Is(err, pgx.ErrNoRows) {
		_ = br.Close()
		return nil, false, fmt.Errorf("consumer %s has no checkpoint", c.name)
	}
	if err != nil {
		_ = br.Close()
		return nil, false, fmt.Errorf("lock consumer %s: %w", c.name, err)
	}
	rows, err := br.Query()
	if err != nil {
		_ = br.Close()
		return nil, false, fmt.Errorf("read events for %s: %w", c.name, err)
	}
	events, err := c.s.cfg.Store.scanEvents(rows)
	if cerr := br.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, false, fmt.Errorf("read events for %s: %w", c.name, err)
	}
	return events, locked, nil
}

// deliver sends one event and waits for its ack. A nack abandons the batch
// (or parks the consumer when the Parker says so).
func (c *consumer) deliver(ctx context.Context, tx Tx, e Event, deferred *pgx.Batch) error {
	msg := ToMessage(e)
	msgCtx, cancel := context.WithTimeout(ctx, c.s.cfg.AckDeadline)
	defer cancel()
	msg.SetContext(withDelivery(msgCtx, tx, e, deferred))
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
		return c.nacked(msg, e)
	case <-c.s.closing:
		cancel() // the handler's statements fail fast; then the batch rolls back
		<-waitDone(msg)
		return errSubscriberClose
	case <-ctx.Done():
		<-waitDone(msg)
		return ctx.Err()
	}
}

func (c *consumer) nacked(msg *message.Message, e Event) error {
	if c.s.cfg.Parker != nil {
		if reason, parked := c.s.cfg.Parker.take(msg.UUID); parked {
			return &parkError{event: e, reason: reason}
		}
	}
	return errBatchAbandoned
}

// parkError is a handler failure that parks the consumer on event, the
// index-th of its batch.
type parkError struct {
	event  Event
	reason error
	index  int
}

func (e *parkError) Error() string { return "consumer parked: " + e.reason.Error() }
func (e *parkError) Unwrap() error { return e.reason }

// park stops the consumer on a poison event. The events before it in its
// batch were rolled back with it; they are committed first, as a batch of
// their own, so the read model stands exactly before the poison event. The
// prefix is the same events again: the read is gap-safe from an unchanged
// checkpoint.
func (c *consumer) park(ctx context.Context, pe *parkError) {
	if pe.index > 0 {
		n, err := c.batch(ctx, pe.index)
		var again *parkError
		switch {
		case errors.As(err, &again):
			pe = again // an event of the prefix failed this time
		case err != nil:
			c.log.WithError(err).Warn("could not commit the events before a poison event")
		case n != pe.index:
			c.log.WithField("committed", n).Warn("committed fewer events before the poison event than expected")
		}
	}
	if err := c.s.cfg.Parker.record(ctx, c.name, pe.event, pe.reason); err != nil {
		c.log.WithError(err).Error("could not record parked consumer")
	}
	c.log.WithFields(logrus.Fields{
		"event_type": pe.event.Type, "position": pe.event.Position.GlobalPosition, "stream_id": pe.event.StreamID,
	}).WithError(pe.reason).Error("consumer parked on a poison event; other consumers go on")
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

// ToMessage turns an event into a Watermill message whose UUID is the
// event ID and whose payload is the event payload.
func ToMessage(e Event) *message.Message {
	msg := message.NewMessage(e.ID.String(), message.Payload(e.Payload))
	msg.Metadata.Set(MetaEventType, e.Type)
	msg.Metadata.Set(MetaStreamID, e.StreamID)
	msg.Metadata.Set(MetaStreamVersion, strconv.FormatInt(e.StreamVersion, 10))
	msg.Metadata.Set(MetaPosition, strconv.FormatInt(e.Position.GlobalPosition, 10))
	msg.Metadata.Set(MetaTransactionID, strconv.FormatUint(e.Position.TransactionID, 10))
	msg.Metadata.Set(MetaSchemaVersion, strconv.Itoa(e.SchemaVersion))
	msg.Metadata.Set(MetaActor, e.Metadata.Actor)
	msg.Metadata.Set(MetaCorrelationID, e.Metadata.CorrelationID)
	msg.Metadata.Set(MetaRequestID, e.Metadata.RequestID)
	return msg
}

type deliveryKey struct{}

type delivery struct {
	tx       Tx
	event    Event
	deferred *pgx.Batch
}

func withDelivery(ctx context.Context, tx Tx, e Event, deferred *pgx.Batch) context.Context {
	return context.WithValue(ctx, deliveryKey{}, delivery{tx: tx, event: e, deferred: deferred})
}

// DeferredFromContext returns the batch's deferred pipeline: statements
// queued on it are sent, with the checkpoint, just before the commit.
func DeferredFromContext(ctx context.Context) (*pgx.Batch, bool) {
	d, ok := ctx.Value(deliveryKey{}).(delivery)
	return d.deferred, ok && d.deferred != nil
}

// TxFromContext returns the consumer transaction a message was delivered
// in. Writes through it commit together with the consumer's checkpoint.
func TxFromContext(ctx context.Context) (Tx, bool) {
	d, ok := ctx.Value(deliveryKey{}).(delivery)
	return d.tx, ok
}

// EventFromContext returns the event a message carries.
func EventFromContext(ctx context.Context) (Event, bool) {
	d, ok := ctx.Value(deliveryKey{}).(delivery)
	return d.event, ok
}
