package projections

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/jackc/pgx/v5"

	"github.com/mastra-admin/mastra-admin/eventstore"
)

// Projection builds one read model.
type Projection interface {
	// Name is the consumer name; it never changes once released.
	Name() string
	// Handles lists the event types the projection applies; others are
	// skipped. nil means every event.
	Handles() []string
	// Tables lists the tables the projection owns, in an order in which they
	// can be truncated and copied.
	Tables() []string
	// Apply applies events, all of handled types, in order, through tx.
	Apply(ctx context.Context, tx eventstore.Tx, events []eventstore.Event) error
}

// Queuer is implemented by projections whose writes are plain statements.
// Live, they are queued on the batch's deferred pipeline and sent with the
// consumer's checkpoint in one round trip.
type Queuer interface {
	Queue(b *pgx.Batch, e eventstore.Event) error
}

// handles reports whether p applies events of type t.
func handles(p Projection, t string) bool {
	hs := p.Handles()
	return hs == nil || slices.Contains(hs, t)
}

// filter keeps the events p handles.
func filter(p Projection, events []eventstore.Event) []eventstore.Event {
	out := events[:0:0]
	for _, e := range events {
		if handles(p, e.Type) {
			out = append(out, e)
		}
	}
	return out
}

// Handler returns the Watermill handler that applies p live.
func Handler(p Projection) message.NoPublishHandlerFunc { return GroupHandler(p) }

// GroupHandler returns the Watermill handler that applies ps live, for a
// consumer group (eventstore.GroupTopic) or a single consumer. Each
// projection the event is still pending for applies it; a failure is
// attributed to its projection (eventstore.ConsumerError), so that only that
// projection parks, and a retry skips the projections already done.
func GroupHandler(ps ...Projection) message.NoPublishHandlerFunc {
	return func(msg *message.Message) error {
		ctx := msg.Context()
		e, ok := eventstore.EventFromContext(ctx)
		if !ok {
			return fmt.Errorf("projections: message %s was not delivered by the event store", msg.UUID)
		}
		targets, grouped := eventstore.TargetsFromContext(ctx)
		for _, p := range ps {
			if grouped && !targets.Pending(p.Name()) {
				continue
			}
			if err := applyLive(ctx, p, e); err != nil {
				return &eventstore.ConsumerError{Consumer: p.Name(), Err: err}
			}
			if grouped {
				targets.Done(p.Name())
			}
		}
		return nil
	}
}

// applyLive applies one event for p in the consumer's transaction: queued
// on the deferred pipeline when p can, otherwise in a savepoint, so that a
// failed attempt leaves nothing behind and can be retried. A panic is p's
// failure.
func applyLive(ctx context.Context, p Projection, e eventstore.Event) (err error) {
	if !handles(p, e.Type) {
		return nil
	}
	if e.UpcastErr != nil { // its payload is not in the shape p expects
		return fmt.Errorf("projection %s cannot read %s at %d: %w", p.Name(), e.Type, e.Position.GlobalPosition, e.UpcastErr)
	}
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("projection %s panicked on %s at %d: %v", p.Name(), e.Type, e.Position.GlobalPosition, r)
		}
	}()
	tx, ok := eventstore.TxFromContext(ctx)
	if !ok {
		return fmt.Errorf("projection %s: no consumer transaction", p.Name())
	}
	if q, ok := p.(Queuer); ok {
		if deferred, ok := eventstore.DeferredFromContext(ctx); ok {
			return q.Queue(deferred, e) // sent with the checkpoint, before the commit
		}
	}
	if err := applyInSavepoint(ctx, tx, p, e); err != nil {
		return fmt.Errorf("projection %s apply %s at %d: %w", p.Name(), e.Type, e.Position.GlobalPosition, err)
	}
	return nil
}

// applyInSavepoint applies one event inside a savepoint, rolled back on
// failure so that the consumer's transaction stays usable for a retry.
func applyInSavepoint(ctx context.Context, tx eventstore.Tx, p Projection, e eventstore.Event) error {
	if _, err := tx.Exec(ctx, `SAVEPOINT live_apply`); err != nil {
		return err
	}
	if err := p.Apply(ctx, tx, []eventstore.Event{e}); err != nil {
		if _, rerr := tx.Exec(ctx, `ROLLBACK TO SAVEPOINT live_apply`); rerr != nil {
			return errors.Join(err, fmt.Errorf("roll back to savepoint: %w", rerr))
		}
		return err
	}
	_, err := tx.Exec(ctx, `RELEASE SAVEPOINT live_apply`)
	return err
}

// Register adds the projections to the router as one consumer group
// (eventstore.GroupTopic): one transaction per batch serves them all, each
// with its own checkpoint, and a projection that fails parks alone.
func Register(r *message.Router, sub message.Subscriber, ps ...Projection) {
	if len(ps) == 0 {
		return
	}
	names := make([]string, len(ps))
	for i, p := range ps {
		names[i] = p.Name()
	}
	topic := eventstore.GroupTopic(names...)
	r.AddConsumerHandler(topic, topic, sub, GroupHandler(ps...))
}
