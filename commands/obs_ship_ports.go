package commands

import (
	"context"

	"github.com/google/uuid"

	"github.com/mastra-admin/mastra-admin/domain/server"
)

// ServerPlaces finds servers in the servers read model.
type ServerPlaces interface {
	// ServerPlace returns where the server belongs, and false when the
	// read model does not know it (yet).
	ServerPlace(ctx context.Context, serverID uuid.UUID) (server.Place, bool, error)
}
