package eventstore

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"net"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/sirupsen/logrus"
)

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
	if !poisonous(fe.err) {
		// The database, not the event: the connection, a deadlock, a
		// shutdown. Retried as long as it lasts; nothing is parked for it.
		log.WithError(fe.err).Warn("batch writes failed for a reason that passes; retrying")
		return c.sleep(ctx, c.s.cfg.RetryInterval, nil)
	}
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

// poisonous reports whether a write error can come from the event itself
// (bad data, a broken constraint, a statement the projection got wrong),
// so that retrying the same event will fail the same way. Errors of the
// connection, transaction conflicts (serialization, deadlock), resources,
// shutdowns and cancellations are not: they pass.
func poisonous(err error) bool {
	var pgErr *pgconn.PgError
	if !errors.As(err, &pgErr) || len(pgErr.Code) < 2 {
		return false // no answer from the server: the connection failed
	}
	return !transientCode(pgErr.Code)
}

// transientCode reports whether a SQLSTATE is the database's passing
// trouble rather than the statement's.
func transientCode(code string) bool {
	switch code[:2] {
	case "08", // connection exception
		"40", // transaction rollback: serialization failure, deadlock
		"53", // insufficient resources
		"55", // object not in prerequisite state: lock not available
		"57", // operator intervention: shutdown, query canceled
		"58": // system error
		return true
	}
	return false
}

// transient reports whether a handler's error is the database's passing
// trouble (a transient SQLSTATE, a lost connection) or says ErrRetryLater,
// rather than the event's. A handler's own errors are not: they park.
func transient(err error) bool {
	if errors.Is(err, ErrRetryLater) {
		return true
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return len(pgErr.Code) >= 2 && transientCode(pgErr.Code)
	}
	var netErr net.Error
	return pgconn.SafeToRetry(err) || errors.As(err, &netErr) || errors.Is(err, net.ErrClosed)
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
