package eventstore

import (
	"encoding/json"
	"fmt"
)

// Upcaster turns the payload of one schema version of an event type into
// the payload of the next version. It must be pure.
type Upcaster func(payload json.RawMessage) (json.RawMessage, error)

// Upcasters holds the upcasters by event type and source schema version.
type Upcasters struct {
	byKey map[upcastKey]Upcaster
}

type upcastKey struct {
	eventType string
	from      int
}

// NewUpcasters returns an empty set.
func NewUpcasters() *Upcasters { return &Upcasters{byKey: map[upcastKey]Upcaster{}} }

// Register adds the upcaster from version from to from+1 of eventType.
func (u *Upcasters) Register(eventType string, from int, fn Upcaster) {
	u.byKey[upcastKey{eventType, from}] = fn
}

// Upcast applies every registered step to e, from its stored schema version
// up to the newest one known.
func (u *Upcasters) Upcast(e Event) (Event, error) {
	for {
		fn, ok := u.byKey[upcastKey{e.Type, e.SchemaVersion}]
		if !ok {
			return e, nil
		}
		next, err := fn(e.Payload)
		if err != nil {
			return e, fmt.Errorf("upcast %s %s from schema %d: %w", e.Type, e.ID, e.SchemaVersion, err)
		}
		e.Payload, e.SchemaVersion = next, e.SchemaVersion+1
	}
}
