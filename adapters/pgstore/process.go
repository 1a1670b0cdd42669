package pgstore

import (
	"errors"
	"fmt"

	"github.com/ThreeDotsLabs/watermill/message"

	"github.com/mastra-admin/mastra-admin/commands"
	"github.com/mastra-admin/mastra-admin/domain"
	"github.com/mastra-admin/mastra-admin/eventstore"
)

// RegisterProcessManagers adds each process manager to the router as a
// checkpointed consumer of its own (its Name), so that it sees every
// event once, in order, across replicas.
func RegisterProcessManagers(r *message.Router, sub message.Subscriber, registry *domain.Registry, pms ...commands.ProcessManager) {
	for _, pm := range pms {
		r.AddConsumerHandler(pm.Name(), pm.Name(), sub, ProcessHandler(registry, pm))
	}
}

// ProcessHandler returns the Watermill handler that gives pm the events it
// handles, decoded; it skips the others. A commands.ErrStoreUnavailable
// from pm is eventstore.ErrRetryLater: the event comes again later
// instead of parking the consumer.
func ProcessHandler(registry *domain.Registry, pm commands.ProcessManager) message.NoPublishHandlerFunc {
	handles := map[string]bool{}
	for _, t := range pm.Handles() {
		handles[t] = true
	}
	return func(msg *message.Message) error {
		ctx := msg.Context()
		e, ok := eventstore.EventFromContext(ctx)
		if !ok {
			return fmt.Errorf("%s: message %s was not delivered by the event store", pm.Name(), msg.UUID)
		}
		if !handles[e.Type] {
			return nil
		}
		if e.UpcastErr != nil {
			return fmt.Errorf("%s cannot read %s at %d: %w", pm.Name(), e.Type, e.Position.GlobalPosition, e.UpcastErr)
		}
		ev, err := registry.Decode(e.Type, e.Payload)
		if err != nil {
			return fmt.Errorf("%s: %w", pm.Name(), err)
		}
		if err := pm.Handle(ctx, commands.Recorded{ID: e.ID, StreamID: e.StreamID, StreamVersion: e.StreamVersion, Event: ev}); err != nil {
			if errors.Is(err, commands.ErrStoreUnavailable) { // not the event's fault: no park
				return fmt.Errorf("%s on %s at %d: %w: %w", pm.Name(), e.Type, e.Position.GlobalPosition, eventstore.ErrRetryLater, err)
			}
			return fmt.Errorf("%s on %s at %d: %w", pm.Name(), e.Type, e.Position.GlobalPosition, err)
		}
		return nil
	}
}
