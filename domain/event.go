package domain

import (
	"encoding/json"
	"fmt"
)

// Event is a fact recorded in the event store. EventType returns a
// hand-written constant that never changes once released.
type Event interface {
	EventType() string
}

// Registry decodes stored payloads into events by type.
type Registry struct {
	factories map[string]func() Event
}

// NewRegistry returns a registry of the given event prototypes. Each
// prototype is a zero value; its type is copied for every decode.
func NewRegistry(prototypes ...[]Event) *Registry {
	r := &Registry{factories: map[string]func() Event{}}
	for _, group := range prototypes {
		for _, p := range group {
			r.factories[p.EventType()] = factoryOf(p)
		}
	}
	return r
}

// Decode returns the event of type t in payload.
func (r *Registry) Decode(t string, payload []byte) (Event, error) {
	f, ok := r.factories[t]
	if !ok {
		return nil, fmt.Errorf("decode event: %w %q", ErrUnknownEvent, t)
	}
	ptr := f()
	if err := json.Unmarshal(payload, ptr); err != nil {
		return nil, fmt.Errorf("decode %s: %w", t, err)
	}
	return deref(ptr), nil
}

// Types lists every registered event type.
func (r *Registry) Types() []string {
	out := make([]string, 0, len(r.factories))
	for t := range r.factories {
		out = append(out, t)
	}
	return out
}
