package commands

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/mastra-admin/mastra-admin/domain"
	"github.com/mastra-admin/mastra-admin/domain/build"
	"github.com/mastra-admin/mastra-admin/domain/deployment"
	"github.com/mastra-admin/mastra-admin/domain/server"
)

// DeploySagaConfig configures the deploy saga.
type DeploySagaConfig struct {
	// Ports are the ports servers are given (MASTRA_ADMIN_PORT_RANGE).
	Ports PortRange
	// PortFree reports whether a port is free on the host (nil: every
	// port not claimed is taken as free).
	PortFree func(port int) bool
	// Host is where servers listen, as the router reaches them (default
	// 127.0.0.1).
	Host string
	// Drain is how long a replaced or stopped server keeps serving the
	// requests it has before it is stopped (0: 10 s).
	Drain time.Duration
}

// PortRange is an inclusive range of TCP ports.
type PortRange struct{ First, Last int }

// DeploySaga is the process manager that takes a build's artifact, or a
// start or restart, to a server behind the deployment's route: it
// schedules a server on a free port, switches the route once the server is
// healthy, stops the server it replaces after a drain period, and records
// the build's success or the step that failed. Every command it gives
// derives its IDs from the event that caused it.
type DeploySaga struct {
	a   *Admin
	cfg DeploySagaConfig
}

// DeploySaga returns the deploy saga of a.
func (a *Admin) DeploySaga(cfg DeploySagaConfig) (*DeploySaga, error) {
	if cfg.Ports.First <= 0 || cfg.Ports.Last < cfg.Ports.First || cfg.Ports.Last > 65535 {
		return nil, fmt.Errorf("deploy saga: port range %d-%d is not a range of TCP ports", cfg.Ports.First, cfg.Ports.Last)
	}
	if cfg.Host == "" {
		cfg.Host = "127.0.0.1"
	}
	if cfg.Drain == 0 {
		cfg.Drain = 10 * time.Second
	}
	return &DeploySaga{a: a, cfg: cfg}, nil
}

// Name implements ProcessManager.
func (*DeploySaga) Name() string { return "deploy-saga" }

// Handles implements ProcessManager.
func (*DeploySaga) Handles() []string {
	return []string{build.TypeReady, deployment.TypeStartRequested, deployment.TypeRestartRequested, server.TypeHealthy,
		server.TypeFailed, deployment.TypeRouteSwitched, deployment.TypeStopped, deployment.TypeDeleted,
		deployment.TypeRecoveryRequested, deployment.TypeCrashLooped}
}

// sagaSpace names what the saga creates from the ID of the causing event.
var sagaSpace = uuid.MustParse("0b7e2c1a-5d3f-4f7e-8a61-3c2b9d4e5f60")

// ServerIDFor is the ID of the server scheduled because of event cause.
func ServerIDFor(cause uuid.UUID) uuid.UUID { return uuid.NewSHA1(sagaSpace, cause[:]) }

// Handle implements ProcessManager.
func (s *DeploySaga) Handle(ctx context.Context, r Recorded) error {
	switch e := r.Event.(type) {
	case build.ArtifactReady:
		return s.schedule(ctx, r.ID, scheduling{id: ServerIDFor(r.ID), deploymentID: e.DeploymentID, buildID: e.BuildID,
			artifact: e.ArtifactID, purpose: server.PurposeDeploy})
	case deployment.StartRequested:
		return s.schedule(ctx, r.ID, scheduling{id: ServerIDFor(r.ID), deploymentID: e.DeploymentID, buildID: e.BuildID,
			artifact: e.ArtifactID, purpose: server.PurposeStart})
	case deployment.RestartRequested:
		return s.schedule(ctx, r.ID, scheduling{id: ServerIDFor(r.ID), deploymentID: e.DeploymentID, buildID: e.BuildID,
			artifact: e.ArtifactID, purpose: server.PurposeRestart})
	case deployment.RecoveryRequested:
		return s.schedule(ctx, r.ID, scheduling{id: e.Replacement, deploymentID: e.DeploymentID, buildID: e.BuildID,
			artifact: e.ArtifactID, purpose: server.PurposeRecover, notBefore: e.NotBefore, restarts: e.Restart, replaces: e.ServerID})
	case deployment.CrashLooped:
		// A server failing its health checks still runs.
		return s.a.stopServer(ctx, e.ServerID, "restarts used up: "+e.Reason, 0)
	case server.Healthy:
		return s.switchTo(ctx, e.ServerID)
	case server.Failed:
		if e.Purpose != server.PurposeDeploy {
			return nil
		}
		return s.failBuild(ctx, e.BuildID, fmt.Sprintf("the server failed to %s: %s", e.Step, e.Reason))
	case deployment.RouteSwitched:
		if e.Previous == nil {
			return nil
		}
		return s.a.stopServer(ctx, *e.Previous, "replaced by server "+e.ServerID.String(), s.cfg.Drain)
	case deployment.Stopped:
		if e.ServerID == nil {
			return nil
		}
		return s.a.stopServer(ctx, *e.ServerID, "deployment stopped", s.cfg.Drain)
	case deployment.Deleted:
		d, _, err := load(ctx, s.a.cfg.Store, deployment.StreamID(e.DeploymentID), deployment.Evolve)
		if err != nil || d.Serving.ServerID == uuid.Nil {
			return err
		}
		return s.a.stopServer(ctx, d.Serving.ServerID, "deployment deleted", 0)
	}
	return nil
}

// scheduling is a server to schedule.
type scheduling struct {
	id, deploymentID, buildID, artifact uuid.UUID
	purpose                             server.Purpose
	notBefore                           time.Time
	restarts                            int
	replaces                            uuid.UUID
}

// schedule gives a new server of the artifact a free port, unless the
// deployment is gone or (for a deploy) the build no longer deploys.
func (s *DeploySaga) schedule(ctx context.Context, cause uuid.UUID, sc scheduling) error {
	id, deploymentID, buildID, artifact, purpose := sc.id, sc.deploymentID, sc.buildID, sc.artifact, sc.purpose
	d, _, err := load(ctx, s.a.cfg.Store, deployment.StreamID(deploymentID), deployment.Evolve)
	if err != nil || !d.Live() {
		return err
	}
	if purpose == server.PurposeDeploy {
		b, _, err := load(ctx, s.a.cfg.Store, build.StreamID(buildID), build.Evolve)
		if err != nil || b.Status != build.StatusDeploying {
			return err
		}
	}
	for attempt := 0; ; attempt++ {
		srv, version, err := load(ctx, s.a.cfg.Store, server.StreamID(id), server.Evolve)
		if err != nil || srv.Exists() {
			return err
		}
		port, err := s.freePort(ctx, id)
		if err != nil {
			if purpose == server.PurposeDeploy {
				return s.failBuild(ctx, buildID, err.Error())
			}
			return nil // a start or restart finds the deployment as it was
		}
		now := s.a.cfg.Clock.Now()
		evs, err := server.Schedule{ServerID: id, DeploymentID: d.ID, ProjectID: d.ProjectID, TeamID: d.TeamID, BuildID: buildID,
			ArtifactID: artifact, Port: port, Purpose: purpose, Cause: cause, NotBefore: sc.notBefore, Restarts: sc.restarts, Replaces: sc.replaces,
			At: now}.Decide(srv)
		if err != nil {
			return err
		}
		claim := Claim{Scope: server.PortScope, Value: server.PortClaimValue(port), Owner: id, At: now}
		_, err = s.a.cfg.Store.Append(ctx, Meta{Actor: "saga:" + s.Name(), CausationID: cause.String()}, Conditions{Claims: []Claim{claim}},
			Append{StreamID: server.StreamID(id), Expected: version, Events: s.a.events(evs...)})
		if (errors.Is(err, ErrClaimTaken) || errors.Is(err, ErrConcurrency)) && attempt < 20 {
			continue // another server took the port meanwhile
		}
		if err != nil {
			return fmt.Errorf("schedule server %s: %w", id, err)
		}
		return nil
	}
}

// errNoPort is the failure of a deploy that finds every port taken.
var errNoPort = errors.New("no free port is left in the server port range")

// freePort returns a port of the range that no server holds and nothing
// on the host listens on, starting at a place derived from id so that
// concurrent schedules rarely try the same one.
func (s *DeploySaga) freePort(ctx context.Context, id uuid.UUID) (int, error) {
	held, err := s.a.cfg.Store.ClaimedValues(ctx, server.PortScope)
	if err != nil {
		return 0, err
	}
	taken := make(map[string]bool, len(held))
	for _, v := range held {
		taken[v] = true
	}
	n := s.cfg.Ports.Last - s.cfg.Ports.First + 1
	start := int(id[0])<<8 | int(id[1])
	for i := 0; i < n; i++ {
		p := s.cfg.Ports.First + (start+i)%n
		if taken[server.PortClaimValue(p)] || (s.cfg.PortFree != nil && !s.cfg.PortFree(p)) {
			continue
		}
		return p, nil
	}
	return 0, fmt.Errorf("%w (%d-%d)", errNoPort, s.cfg.Ports.First, s.cfg.Ports.Last)
}

// failBuild records that a deploying build failed.
func (s *DeploySaga) failBuild(ctx context.Context, buildID uuid.UUID, reason string) error {
	return onStream(ctx, s.a, "saga:"+s.Name(), build.StreamID(buildID), build.Evolve, func(b build.Build) ([]domain.Event, error) {
		return build.FailDeploy{Reason: reason, At: s.a.cfg.Clock.Now()}.Decide(b)
	})
}

// switchTo sends the deployment's traffic to a healthy server, recording
// the build's success with it for a deploy. A switch that must not happen
// (deployment gone or stopped, build cancelled or superseded) stops the
// server instead, and fails its build with the reason.
func (s *DeploySaga) switchTo(ctx context.Context, id uuid.UUID) error {
	for attempt := 0; ; attempt++ {
		srv, _, err := load(ctx, s.a.cfg.Store, server.StreamID(id), server.Evolve)
		if err != nil || srv.Status != server.StatusHealthy {
			return err
		}
		d, dv, err := load(ctx, s.a.cfg.Store, deployment.StreamID(srv.DeploymentID), deployment.Evolve)
		if err != nil {
			return err
		}
		b, bv, err := load(ctx, s.a.cfg.Store, build.StreamID(srv.BuildID), build.Evolve)
		if err != nil {
			return err
		}
		deploy := srv.Purpose == server.PurposeDeploy
		if deploy && b.Status != build.StatusDeploying {
			return s.a.stopServer(ctx, id, "its build is "+string(b.Status), 0)
		}
		now := s.a.cfg.Clock.Now()
		evs, err := deployment.SwitchRoute{ServerID: id, BuildID: srv.BuildID, ArtifactID: srv.ArtifactID, BuildQueuedAt: b.QueuedAt,
			Target: fmt.Sprintf("%s:%d", s.cfg.Host, srv.Port), Restart: srv.Purpose == server.PurposeRestart || srv.Purpose == server.PurposeRecover, At: now}.Decide(d)
		if k := domain.KindOf(err); k == domain.KindNotFound || k == domain.KindConflict {
			if deploy {
				if ferr := s.failBuild(ctx, srv.BuildID, "not deployed: "+err.Error()); ferr != nil {
					return ferr
				}
			}
			return s.a.stopServer(ctx, id, "not switched to: "+err.Error(), 0)
		}
		if err != nil || len(evs) == 0 {
			return err
		}
		appends := []Append{{StreamID: deployment.StreamID(d.ID), Expected: dv, Events: s.a.events(evs...)}}
		if deploy {
			done, err := build.Succeed{At: now}.Decide(b)
			if err != nil {
				return err
			}
			appends = append(appends, Append{StreamID: build.StreamID(b.ID), Expected: bv, Events: s.a.events(done...)})
		}
		_, err = s.a.cfg.Store.Append(ctx, Meta{Actor: "saga:" + s.Name()}, Conditions{}, appends...)
		if errors.Is(err, ErrConcurrency) && attempt < s.a.cfg.Retries {
			continue
		}
		return err
	}
}

// stopServer asks for a server to stop after drain.
func (a *Admin) stopServer(ctx context.Context, id uuid.UUID, reason string, drain time.Duration) error {
	return onStream(ctx, a, "system", server.StreamID(id), server.Evolve, func(s server.Server) ([]domain.Event, error) {
		return server.RequestStop{Reason: reason, Drain: drain, At: a.cfg.Clock.Now()}.Decide(s)
	})
}

// onStream loads a stream, decides on its state and appends what the
// decision returns, again after a concurrent change.
func onStream[S any](ctx context.Context, a *Admin, actor, stream string, evolve func(S, domain.Event) (S, error),
	decide func(S) ([]domain.Event, error)) error {
	return onStreamWith(ctx, a, actor, stream, evolve, decide, func(S) []Claim { return nil })
}

// onStreamWith is onStream with claims taken or freed, as claims says of
// the loaded state, in the same append.
func onStreamWith[S any](ctx context.Context, a *Admin, actor, stream string, evolve func(S, domain.Event) (S, error),
	decide func(S) ([]domain.Event, error), claims func(S) []Claim) error {
	for attempt := 0; ; attempt++ {
		st, version, err := load(ctx, a.cfg.Store, stream, evolve)
		if err != nil {
			return err
		}
		evs, err := decide(st)
		if err != nil || len(evs) == 0 {
			return err
		}
		_, err = a.cfg.Store.Append(ctx, Meta{Actor: actor}, Conditions{Claims: claims(st)},
			Append{StreamID: stream, Expected: version, Events: a.events(evs...)})
		if errors.Is(err, ErrConcurrency) && attempt < a.cfg.Retries {
			continue
		}
		return err
	}
}
