package localservers

import (
	"context"
	"errors"
	"fmt"

	"github.com/google/uuid"
	"github.com/sirupsen/logrus"

	"github.com/mastra-admin/mastra-admin/adapters/runner/local"
	"github.com/mastra-admin/mastra-admin/commands"
	"github.com/mastra-admin/mastra-admin/domain/server"
)

// Live lists the servers of a deployment that may still run, so that
// their artifacts are not pruned.
type Live interface {
	ServersOf(ctx context.Context, deploymentID uuid.UUID, limit int) ([]server.View, error)
}

// Artifacts keeps artifacts with local.Artifacts: each save prunes the
// deployment's older artifacts, keeping the newest (local.ArtifactsConfig.Keep)
// and those of its servers that have not ended.
type Artifacts struct {
	Local *local.Artifacts
	Live  Live
	Log   *logrus.Entry
}

var _ commands.Artifacts = Artifacts{}

// Save implements commands.Artifacts.
func (a Artifacts) Save(ctx context.Context, deploymentID, id uuid.UUID, dir string) error {
	if _, err := a.Local.Save(ctx, deploymentID, id, dir); err != nil {
		return err
	}
	keep := []uuid.UUID{id}
	servers, err := a.Live.ServersOf(ctx, deploymentID, 50)
	if err != nil {
		a.Log.WithError(err).Warn("artifacts not pruned: the deployment's servers cannot be read")
		return nil
	}
	for _, s := range servers {
		if !s.Status.Ended() {
			keep = append(keep, s.ArtifactID) // a rollback's is an earlier build's

		}
	}
	if _, err := a.Local.Prune(ctx, deploymentID, keep); err != nil {
		a.Log.WithError(err).Warn("artifacts not pruned")
	}
	return nil
}

// Resolve implements commands.Artifacts.
func (a Artifacts) Resolve(_ context.Context, id uuid.UUID) (string, error) {
	dir, err := a.Local.Resolve(id)
	if errors.Is(err, local.ErrArtifactNotFound) {
		return "", fmt.Errorf("resolve artifact: %w: %w", commands.ErrArtifactNotFound, err)
	}
	if err != nil {
		return "", fmt.Errorf("resolve artifact: %w", err)
	}
	return dir, nil
}
