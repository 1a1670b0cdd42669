package commands

import (
	"context"
	"fmt"

	"github.com/google/uuid"

	"github.com/mastra-admin/mastra-admin/domain/server"
)

// RecoverableServers lists the servers a runner must take up again after
// a restart of the admin.
type RecoverableServers interface {
	// ServersToRecover lists the servers that have not ended and either
	// ran on runner or were never started.
	ServersToRecover(ctx context.Context, runner string) ([]uuid.UUID, error)
}

// Recover takes up, after a restart of the admin, the servers this runner
// ran and those scheduled but never started: a server still running (its
// PID alive, with its start time and a command line naming its artifact)
// is watched again, or waited for if it was not healthy yet; one that is
// gone is recorded exited (lost), which frees its port and has the
// supervisor start the deployment again; a scheduled one is started (or
// adopted, if the admin stopped between its start and its record); one
// being stopped is stopped. Call it once the servers read model has caught
// up.
func (r *ServerRunner) Recover(ctx context.Context, servers RecoverableServers) error {
	ids, err := servers.ServersToRecover(ctx, r.cfg.ID)
	if err != nil {
		return fmt.Errorf("recover servers: %w", err)
	}
	for _, id := range ids {
		if err := r.recoverOne(ctx, id); err != nil {
			r.report(fmt.Errorf("recover server %s: %w", id, err))
		}
	}
	return nil
}

func (r *ServerRunner) recoverOne(ctx context.Context, id uuid.UUID) error {
	s, _, err := load(ctx, r.a.cfg.Store, server.StreamID(id), server.Evolve)
	if err != nil {
		return err
	}
	p := ServerProcess{ServerID: id, DeploymentID: s.DeploymentID, PID: s.PID, StartTime: s.StartTime}
	switch s.Status {
	case server.StatusScheduled:
		return r.start(ctx, id)
	case server.StatusStarted, server.StatusHealthy:
		if s.Runner != r.cfg.ID {
			return nil
		}
		if err := r.cfg.Servers.Reattach(ctx, p, s.ArtifactID); err != nil {
			if s.Status == server.StatusStarted {
				return r.fail(ctx, id, "become healthy", "lost while the admin restarted: "+err.Error())
			}
			return r.exited(ctx, id, err.Error(), true, r.cfg.Servers.StderrTail(s.DeploymentID, id, 20))
		}
		if s.Status == server.StatusStarted {
			r.later(func(ctx context.Context) { r.awaitHealth(ctx, id, p, s.Port) })
		} else {
			r.later(func(ctx context.Context) { r.watch(ctx, id, p) })
		}
	case server.StatusStopping:
		if s.Runner == r.cfg.ID || s.Runner == "" {
			r.later(func(ctx context.Context) { r.stop(ctx, id, "stopped after a restart of the admin", 0) })
		}
	}
	return nil
}
