package projections

import (
	"encoding/json"
	"fmt"

	"github.com/mastra-admin/mastra-admin/eventstore"
)

// decode unmarshals an event's payload into T.
func decode[T any](e eventstore.Event) (T, error) {
	var v T
	if err := json.Unmarshal(e.Payload, &v); err != nil {
		return v, fmt.Errorf("decode %s at %d: %w", e.Type, e.Position.GlobalPosition, err)
	}
	return v, nil
}
