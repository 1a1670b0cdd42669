package eventstore

import (
	"context"
	"errors"
	"fmt"
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

// turns lets the consumers of a group that are far behind the others (a
// projection added to a big store, one a replay reset) and the others take
// turns, batch by batch: one transaction for all of them would deliver
// nothing new to the current ones until the far-behind ones caught up, and
// every read-your-writes wait would stall meanwhile.
type turns struct {
	split      bool // the last choice split the consumers
	far        bool // the last batch served the far-behind ones
	emptyTurns int  // consecutive split batches that found nothing
}

func (t *turns) done(n int) {
	if !t.split || n > 0 {
		t.emptyTurns = 0
		return
	}
	t.emptyTurns++
}

// otherMayHaveWork reports whether, the last batch having found nothing,
// the other side's turn may still find something.
func (t *turns) otherMayHaveWork() bool { return t.split && t.emptyTurns < 2 }

// nextMembers chooses whom the next batch serves: every active consumer,
// unless some are more than a batch behind the furthest: then those and the
// rest alternate until they are within a batch of each other.
func (c *consumer) nextMembers() []string {
	var front int64
	for _, m := range c.active {
		front = max(front, c.pos[m].GlobalPosition)
	}
	var near, far []string
	for _, m := range c.active {
		if front-c.pos[m].GlobalPosition > int64(c.s.cfg.BatchSize) {
			far = append(far, m)
		} else {
			near = append(near, m)
		}
	}
	c.turns.split = len(far) > 0
	if !c.turns.split {
		return c.active
	}
	c.turns.far = !c.turns.far
	if c.turns.far {
		return far
	}
	return near
}

// isolation replays the events of a batch whose writes failed one event and
// one consumer at a time, until every consumer is past them, so that the
// failing event and consumer are found.
type isolation struct {
	until    Position // the failed batch's last event
	on       bool
	failing  string // consumer and position of the last failure
	failures int    // consecutive failures of it
}

func (i *isolation) progressed() { i.failing, i.failures = "", 0 }

// isolated returns the consumer to run alone while isolating: the one
// furthest behind. It ends the isolation once all are past it.
func (c *consumer) isolated() (string, bool) {
	if !c.iso.on {
		return "", false
	}
	lowest, found := "", false
	for _, m := range c.active {
		if p := c.pos[m]; p.Less(c.iso.until) && (!found || p.Less(c.pos[lowest])) {
			lowest, found = m, true
		}
	}
	if !found {
		c.iso = isolation{}
	}
	return lowest, found
}

// flushFailed handles a batch whose deferred writes failed: a batch of
// several events or consumers is replayed one event and one consumer at a
// time; a single failing one is retried with backoff and then parked. It
// returns false to stop.
func (c *consumer) flushFailed(ctx context.Context, fe *flushError) bool {
	log := c.log.WithFields(logrus.Fields{"event_type": fe.last.Type, "position": fe.last.Position.GlobalPosition})
	if fe.size > 1 || len(fe.consumers) > 1 {
		log.WithError(fe.err).Warn("batch writes failed; replaying its events one at a time")
		c.iso = isolation{on: true, until: fe.last.Position}
		return true
	}
	if len(fe.consumers) == 0 {
		log.WithError(fe.err).Error("checkpoint write failed; retrying")
		return c.sleep(ctx, c.s.cfg.RetryInterval, nil)
	}
	key := fmt.Sprintf("%s@%d", fe.consumers[0], fe.last.Position.GlobalPosition)
	if c.iso.failing != key {
		c.iso.failing, c.iso.failures = key, 0
	}
	c.iso.failures++
	if c.iso.failures > c.s.cfg.FlushRetries && c.s.cfg.Parker != nil {
		c.parkConsumers(ctx, fe.consumers, fe.last, fe.err)
		c.iso.progressed()
		return len(c.active) > 0
	}
	wait := c.s.cfg.RetryInterval
	for k := 1; k < c.iso.failures && wait < 30*time.Second; k++ {
		wait *= 2
	}
	log.WithError(fe.err).WithField("attempt", c.iso.failures).Warn("event writes failed; retrying")
	return c.sleep(ctx, wait, nil)
}

// parkError is a handler failure that parks consumers on event, the
// index-th of a batch delivered to only.
type parkError struct {
	event     Event
	reason    error
	index     int
	consumers []string // the consumers to park
	only      []string // the batch's consumers
}

func (e *parkError) Error() string { return "consumer parked: " + e.reason.Error() }
func (e *parkError) Unwrap() error { return e.reason }

// park stops consumers on a poison event. The events before it in its
// batch were rolled back with it; they are committed first, as a batch of
// their own, so every read model stands exactly before the poison event.
// The prefix is the same events again: the read is gap-safe from unchanged
// checkpoints.
func (c *consumer) park(ctx context.Context, pe *parkError) {
	if pe.index > 0 {
		n, err := c.batch(ctx, pe.index, pe.only)
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
	c.parkConsumers(ctx, pe.consumers, pe.event, pe.reason)
}

// parkConsumers records names as parked on e and stops serving them.
func (c *consumer) parkConsumers(ctx context.Context, names []string, e Event, reason error) {
	for _, name := range names {
		if err := c.s.cfg.Parker.record(ctx, name, e, reason); err != nil {
			c.log.WithError(err).Error("could not record parked consumer")
		}
		c.log.WithFields(logrus.Fields{
			"parked": name, "event_type": e.Type, "position": e.Position.GlobalPosition, "stream_id": e.StreamID,
		}).WithError(reason).Error("consumer parked on a poison event; other consumers go on")
		c.active = slices.DeleteFunc(c.active, func(m string) bool { return m == name })
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
