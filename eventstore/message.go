package eventstore

import (
	"context"
	"strconv"

	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/jackc/pgx/v5"
)

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
	targets  *Targets
}

func withDelivery(ctx context.Context, d delivery) context.Context {
	return context.WithValue(ctx, deliveryKey{}, d)
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
