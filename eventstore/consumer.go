package eventstore

import (
	"context"
	"errors"
	"slices"
	"time"

	"github.com/ThreeDotsLabs/watermill/message"
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

// consumer runs the batches of one topic: one consumer, or a group.
type consumer struct {
	s       *Subscriber
	name    string              // the topic
	active  []string            // the topic's consumers that are not parked
	pos     map[string]Position // their checkpoints, as last read or committed
	iso     isolation
	turns   turns // far-behind consumers and the others, when they take turns
	out     chan<- *message.Message
	log     *logrus.Entry
	waiting time.Duration // recheck delay after a wake-up that found nothing visible yet
}

func newConsumer(s *Subscriber, topic string, names []string, out chan<- *message.Message) *consumer {
	return &consumer{s: s, name: topic, active: slices.Clone(names), pos: map[string]Position{}, out: out,
		log: s.cfg.Logger.WithField("consumer", topic)}
}

func (c *consumer) run(ctx context.Context) {
	var wake <-chan struct{}
	if c.s.cfg.Notifier != nil {
		ch, unregister := c.s.cfg.Notifier.Register()
		defer unregister()
		wake = ch
	}
	for len(c.active) > 0 {
		size, only := c.s.cfg.BatchSize, c.nextMembers()
		if m, ok := c.isolated(); ok {
			size, only = 1, []string{m}
		}
		n, err := c.batch(ctx, size, only)
		if n > 0 {
			c.iso.progressed()
		}
		c.turns.done(n)
		var fe *flushError
		var pe *parkError
		switch {
		case errors.Is(err, errSubscriberClose), ctx.Err() != nil:
			return
		case errors.As(err, &pe):
			c.park(ctx, pe)
			continue
		case errors.As(err, &fe):
			if !c.flushFailed(ctx, fe) {
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
			c.waiting = 0
			if n < size/4 && c.s.cfg.Linger > 0 && !c.sleep(ctx, c.s.cfg.Linger, nil) {
				return
			}
			continue
		case c.turns.otherMayHaveWork():
			continue // the other side's turn before waiting
		}
		if !c.idle(ctx, wake) {
			return
		}
	}
}

// idle waits for a wake-up or the poll interval; it returns false to stop.
func (c *consumer) idle(ctx context.Context, wake <-chan struct{}) bool {
	wait := c.s.cfg.PollInterval
	if c.waiting > 0 {
		wait = c.waiting
	}
	woken, ok := c.sleepWoken(ctx, wait, wake)
	switch {
	case !ok:
		return false
	case woken:
		c.waiting = quickRecheckFloor
	case c.waiting > 0:
		// A notification may come from a transaction that is visible only
		// once an older one ends; look again soon, backing off.
		c.waiting *= 2
		if c.waiting >= c.s.cfg.PollInterval {
			c.waiting = 0
		}
	}
	return true
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
