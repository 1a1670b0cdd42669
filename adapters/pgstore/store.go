package pgstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/google/uuid"
	"github.com/sirupsen/logrus"

	"github.com/mastra-admin/mastra-admin/commands"
	"github.com/mastra-admin/mastra-admin/domain"
	"github.com/mastra-admin/mastra-admin/domain/build"
	"github.com/mastra-admin/mastra-admin/domain/deployment"
	"github.com/mastra-admin/mastra-admin/domain/project"
	"github.com/mastra-admin/mastra-admin/domain/server"
	"github.com/mastra-admin/mastra-admin/domain/team"
	"github.com/mastra-admin/mastra-admin/domain/user"
	"github.com/mastra-admin/mastra-admin/eventstore"
	"github.com/mastra-admin/mastra-admin/projections"
)

// Registry knows every domain event type.
func Registry() *domain.Registry {
	return domain.NewRegistry(team.Events(), user.Events(), project.Events(), deployment.Events(), build.Events(), server.Events())
}

// EventStore implements commands.EventStore.
type EventStore struct {
	store    *eventstore.Store
	registry *domain.Registry
}

// NewEventStore returns an EventStore over store.
func NewEventStore(store *eventstore.Store, registry *domain.Registry) *EventStore {
	return &EventStore{store: store, registry: registry}
}

// Load implements commands.EventStore.
func (s *EventStore) Load(ctx context.Context, streamID string) ([]domain.Event, int64, error) {
	recorded, err := s.store.ReadStream(ctx, streamID, 0)
	if err != nil {
		return nil, 0, err
	}
	out := make([]domain.Event, len(recorded))
	for i, r := range recorded {
		if out[i], err = s.registry.Decode(r.Type, r.Payload); err != nil {
			return nil, 0, err
		}
	}
	var version int64
	if n := len(recorded); n > 0 {
		version = recorded[n-1].StreamVersion
	}
	return out, version, nil
}

// ClaimOwner implements commands.EventStore.
func (s *EventStore) ClaimOwner(ctx context.Context, scope, value string) (uuid.UUID, bool, error) {
	return s.store.ClaimOwner(ctx, scope, value)
}

// ClaimedValues implements commands.EventStore.
func (s *EventStore) ClaimedValues(ctx context.Context, scope string) ([]string, error) {
	return s.store.ClaimedValues(ctx, scope)
}

// CountClaims implements commands.EventStore.
func (s *EventStore) CountClaims(ctx context.Context, scope, value, suffix string) (int, error) {
	return s.store.CountClaims(ctx, scope, value, suffix)
}

// Append implements commands.EventStore.
func (s *EventStore) Append(ctx context.Context, meta commands.Meta, cond commands.Conditions, appends ...commands.Append) (commands.Position, error) {
	batch := make([]eventstore.StreamAppend, len(appends))
	md := eventstore.Metadata{Actor: meta.Actor, CorrelationID: meta.CorrelationID, CausationID: meta.CausationID, RequestID: meta.RequestID}
	for i, a := range appends {
		batch[i] = eventstore.StreamAppend{StreamID: a.StreamID, Expected: eventstore.ExpectedVersion(a.Expected)}
		for _, e := range a.Events {
			payload, err := json.Marshal(e.Event)
			if err != nil {
				return commands.Position{}, fmt.Errorf("encode %s: %w", e.Event.EventType(), err)
			}
			batch[i].Events = append(batch[i].Events, eventstore.EventData{
				ID: e.ID, Type: e.Event.EventType(), Payload: payload, Metadata: md,
			})
		}
	}
	ec := eventstore.Conditions{Claims: make([]eventstore.Claim, len(cond.Claims)), Guards: make([]eventstore.Guard, len(cond.Guards))}
	for i, c := range cond.Claims {
		ec.Claims[i] = eventstore.Claim(c)
	}
	for i, g := range cond.Guards {
		ec.Guards[i] = eventstore.Guard(g)
	}
	if cond.Limit != nil {
		ec.Limit = &eventstore.Limit{ScopePrefix: cond.Limit.ScopePrefix, Max: cond.Limit.Max}
	}
	recorded, err := s.store.AppendIf(ctx, ec, batch...)
	if errors.Is(err, eventstore.ErrVersionConflict) {
		return commands.Position{}, fmt.Errorf("%w: %w", commands.ErrConcurrency, err)
	}
	if errors.Is(err, eventstore.ErrLimitReached) {
		return commands.Position{}, fmt.Errorf("%w: %w", commands.ErrLimitReached, err)
	}
	if errors.Is(err, eventstore.ErrClaimTaken) {
		return commands.Position{}, fmt.Errorf("%w: %w", commands.ErrClaimTaken, err)
	}
	if err != nil {
		return commands.Position{}, err
	}
	var last eventstore.Position
	for _, r := range recorded {
		if last.Less(r.Position) {
			last = r.Position
		}
	}
	return commands.Position(last), nil
}

// Waiter implements commands.Consistency over projections.Waiter.
type Waiter struct {
	W   *projections.Waiter
	Log *logrus.Entry
}

// WaitFor implements commands.Consistency. A read model that lags past the
// timeout (or a failed check) is logged and the query goes on: a read a
// little stale beats a failed one.
func (w Waiter) WaitFor(ctx context.Context, pos commands.Position) error {
	if err := w.W.WaitFor(ctx, eventstore.Position(pos)); err != nil {
		w.Log.WithError(err).WithField("position", pos.GlobalPosition).Warn("read models lag behind a recorded command")
	}
	return nil
}

// WaitForHead implements commands.Consistency.
func (w Waiter) WaitForHead(ctx context.Context) error {
	if err := w.W.WaitForHead(ctx); err != nil {
		w.Log.WithError(err).Warn("read models lag behind the event store")
	}
	return nil
}

// EventLog implements commands.EventLog.
type EventLog struct{ Store *eventstore.Store }

// List implements commands.EventLog.
func (l EventLog) List(ctx context.Context, f commands.EventFilter) ([]commands.RawEvent, error) {
	events, err := l.Store.List(ctx, eventstore.Filter{AfterGlobal: f.After, StreamID: f.StreamID, Types: f.Types, Limit: f.Limit})
	if err != nil {
		return nil, err
	}
	out := make([]commands.RawEvent, len(events))
	for i, e := range events {
		out[i] = RawEvent(e)
	}
	return out, nil
}

// RawEvent converts a recorded event for the raw feed.
func RawEvent(e eventstore.Event) commands.RawEvent {
	return commands.RawEvent{
		Position: e.Position.GlobalPosition, TransactionID: e.Position.TransactionID, StreamID: e.StreamID,
		StreamVersion: e.StreamVersion, ID: e.ID, Type: e.Type, SchemaVersion: e.SchemaVersion, Payload: e.Payload,
		Metadata: commands.Meta{Actor: e.Metadata.Actor, CorrelationID: e.Metadata.CorrelationID,
			CausationID: e.Metadata.CausationID, RequestID: e.Metadata.RequestID},
		RecordedAt: e.RecordedAt,
	}
}
