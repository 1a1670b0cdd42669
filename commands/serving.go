package commands

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/mastra-admin/mastra-admin/domain"
	"github.com/mastra-admin/mastra-admin/domain/deployment"
	"github.com/mastra-admin/mastra-admin/domain/project"
	"github.com/mastra-admin/mastra-admin/domain/server"
)

// ServingReads answers queries on servers and routes.
type ServingReads interface {
	// ServersOf lists a deployment's servers: the one serving first, then the others newest first.
	ServersOf(ctx context.Context, deploymentID uuid.UUID, limit int) ([]server.View, error)
	RoutesOf(ctx context.Context, projectID uuid.UUID) ([]deployment.RouteView, error)
}

// ServerLogs reads what a server printed.
type ServerLogs interface {
	StderrTail(deploymentID, serverID uuid.UUID, lines int) []string
}

// StopDeployment stops a deployment (developers and up): its route answers
// 503 at once and its server stops after the drain period.
func (a *Admin) StopDeployment(ctx context.Context, p Principal, id uuid.UUID) (deployment.View, error) {
	return a.serve(ctx, p, id, func(d deployment.Deployment, now time.Time) ([]domain.Event, error) {
		return deployment.Stop{By: p.UserID, At: now}.Decide(d)
	})
}

// StartDeployment runs a stopped deployment's current build again,
// without a rebuild (developers and up).
func (a *Admin) StartDeployment(ctx context.Context, p Principal, id uuid.UUID) (deployment.View, error) {
	return a.serve(ctx, p, id, func(d deployment.Deployment, now time.Time) ([]domain.Event, error) {
		return deployment.Start{By: p.UserID, At: now}.Decide(d)
	})
}

// RestartDeployment replaces a running deployment's server with a new one
// of the same build and the env as it is now, without downtime
// (developers and up).
func (a *Admin) RestartDeployment(ctx context.Context, p Principal, id uuid.UUID) (deployment.View, error) {
	return a.serve(ctx, p, id, func(d deployment.Deployment, now time.Time) ([]domain.Event, error) {
		return deployment.Restart{By: p.UserID, At: now}.Decide(d)
	})
}

// serve authorizes a serving command on a deployment and records it.
func (a *Admin) serve(ctx context.Context, p Principal, id uuid.UUID,
	decide func(deployment.Deployment, time.Time) ([]domain.Event, error)) (deployment.View, error) {
	_, err := a.execute(ctx, p, func() (write, error) {
		sc, err := a.liveDeployment(ctx, p, id, domain.ActionBuildWrite)
		if err != nil {
			return write{}, err
		}
		d, version, pr, pversion, guard := sc.d, sc.version, sc.project, sc.projectVersion, sc.guard
		evs, err := decide(d, a.cfg.Clock.Now())
		if err != nil {
			return write{}, err
		}
		return write{guards: []Guard{guard, {StreamID: project.StreamID(pr.ID), Version: pversion}},
			appends: []Append{{StreamID: deployment.StreamID(id), Expected: version, Events: a.events(evs...)}}}, nil
	})
	if err != nil {
		return deployment.View{}, err
	}
	return a.GetDeployment(ctx, p, id)
}

// GetServer returns the deployment's server: the one serving, else the
// last one tried, with the end of its stderr when it failed.
func (a *Admin) GetServer(ctx context.Context, p Principal, id uuid.UUID) (server.View, error) {
	if _, err := a.deploymentOf(ctx, p, id); err != nil {
		return server.View{}, err
	}
	if a.cfg.Serving == nil {
		return server.View{}, domain.Errorf(domain.KindUnavailable, "servers are not known to this process")
	}
	views, err := a.cfg.Serving.ServersOf(ctx, id, 1)
	if err != nil {
		return server.View{}, fmt.Errorf("read servers: %w", err)
	}
	if len(views) == 0 {
		return server.View{}, domain.Errorf(domain.KindNotFound, "deployment %s has no server; deploy it", id)
	}
	v := views[0]
	if (v.Status == server.StatusFailed || v.Status == server.StatusExited) && a.cfg.ServerLogs != nil {
		v.StderrTail = a.cfg.ServerLogs.StderrTail(id, v.ID, 20)
	}
	return v, nil
}

// ListRoutes returns a project's routes.
func (a *Admin) ListRoutes(ctx context.Context, p Principal, projectID uuid.UUID) ([]deployment.RouteView, error) {
	if _, err := a.GetProject(ctx, p, projectID); err != nil {
		return nil, err
	}
	if a.cfg.Serving == nil {
		return nil, domain.Errorf(domain.KindUnavailable, "routes are not known to this process")
	}
	routes, err := a.cfg.Serving.RoutesOf(ctx, projectID)
	if err != nil {
		return nil, fmt.Errorf("read routes: %w", err)
	}
	for i, r := range routes {
		routes[i].PublicURL = a.deploymentView(deployment.View{Subdomain: r.Subdomain}).PublicURL
	}
	return routes, nil
}
