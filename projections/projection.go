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

// Handler returns the Watermill handler that applies p live. The event is
// applied in a savepoint of the consumer's transaction, so a failed attempt
// leaves nothing behind and can be retried.
func Handler(p Projection) message.NoPublishHandlerFunc {
	return func(msg *message.Message) error {
		ctx := msg.Context()
		e, ok := eventstore.EventFromContext(ctx)
		if !ok {
			return fmt.Errorf("projection %s: message %s was not delivered by the event store", p.Name(), msg.UUID)
		}
		if !handles(p, e.Type) {
			return nil
		}
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

// Register adds one consumer per projection to the router.
func Register(r *message.Router, sub message.Subscriber, ps ...Projection) {
	for _, p := range ps {
		r.AddConsumerHandler(p.Name(), p.Name(), sub, Handler(p))
	}
}
