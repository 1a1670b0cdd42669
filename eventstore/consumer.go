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
	errConsumerParked  = stringError("consumer parked")
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
	for {
		n, err := c.batch(ctx)
		switch {
		case errors.Is(err, errConsumerParked), errors.Is(err, errSubscriberClose), ctx.Err() != nil:
			return
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
		case n == c.s.cfg.BatchSize:
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

// batch delivers one batch in one transaction and returns how many events
// it committed.
func (c *consumer) batch(ctx context.Context) (n int, err error) {
	tx, err := c.s.cfg.Store.pool.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.ReadCommitted})
	if err != nil {
		return 0, fmt.Errorf("begin consumer transaction: %w", err)
	}
	committed := false
	defer func() {
		if !committed {
			_ = tx.Rollback(context.WithoutCancel(ctx))
		}
	}()
	pos, ok, err := LockCheckpoint(ctx, tx, c.name, true)
	if err != nil || !ok {
		return 0, err // !ok: another process is consuming; wait and try again
	}
	events, err := c.s.cfg.Store.ReadAllWith(ctx, tx, pos, c.s.cfg.BatchSize)
	if err != nil {
		return 0, err
	}
	if len(events) == 0 {
		return 0, nil
	}
	for _, e := range events {
		if err := c.deliver(ctx, tx, e); err != nil {
			return 0, err
		}
	}
	if hook := c.s.beforeCommit; hook != nil {
		hook(c.name)
	}
	if err := SaveCheckpoint(ctx, tx, c.name, events[len(events)-1].Position); err != nil {
		return 0, err
	}
	if err := tx.Commit(ctx); err != nil {
		return 0, fmt.Errorf("commit consumer batch: %w", err)
	}
	committed = true
	return len(events), nil
}

// deliver sends one event and waits for its ack. A nack abandons the batch
// (or parks the consumer when the Parker says so).
func (c *consumer) deliver(ctx context.Context, tx pgx.Tx, e Event) error {
	msg := ToMessage(e)
	msgCtx, cancel := context.WithTimeout(ctx, c.s.cfg.AckDeadline)
	defer cancel()
	msg.SetContext(withDelivery(msgCtx, tx, e))
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
		return c.nacked(ctx, msg, e)
	case <-c.s.closing:
		cancel() // the handler's statements fail fast; then the batch rolls back
		<-waitDone(msg)
		return errSubscriberClose
	case <-ctx.Done():
		<-waitDone(msg)
		return ctx.Err()
	}
}

func (c *consumer) nacked(ctx context.Context, msg *message.Message, e Event) error {
	if c.s.cfg.Parker != nil {
		if reason, parked := c.s.cfg.Parker.take(msg.UUID); parked {
			if err := c.s.cfg.Parker.record(ctx, c.name, e, reason); err != nil {
				c.log.WithError(err).Error("could not record parked consumer")
			}
			c.log.WithFields(logrus.Fields{
				"event_type": e.Type, "position": e.Position.GlobalPosition, "stream_id": e.StreamID,
			}).WithError(reason).Error("consumer parked on a poison event; other consumers go on")
			return errConsumerParked
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
	tx    pgx.Tx
	event Event
}

func withDelivery(ctx context.Context, tx pgx.Tx, e Event) context.Context {
	return context.WithValue(ctx, deliveryKey{}, delivery{tx: tx, event: e})
}

// TxFromContext returns the consumer transaction a message was delivered
// in. Writes through it commit together with the consumer's checkpoint.
func TxFromContext(ctx context.Context) (pgx.Tx, bool) {
	d, ok := ctx.Value(deliveryKey{}).(delivery)
	return d.tx, ok
}

// EventFromContext returns the event a message carries.
func EventFromContext(ctx context.Context) (Event, bool) {
	d, ok := ctx.Value(deliveryKey{}).(delivery)
	return d.event, ok
}
