package commands

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/mastra-admin/mastra-admin/domain"
	"github.com/mastra-admin/mastra-admin/domain/deployment"
	"github.com/mastra-admin/mastra-admin/domain/server"
)

// SupervisorConfig is the restart policy of crashed servers.
type SupervisorConfig struct {
	// MaxRestarts within Window (0: 5 within 10 minutes); the n-th restart
	// waits Backoff·2ⁿ⁻¹ (0: 1 s), at most MaxBackoff (0: 1 minute).
	MaxRestarts int
	Window      time.Duration
	Backoff     time.Duration
	MaxBackoff  time.Duration
}

func (c SupervisorConfig) policy() deployment.RestartPolicy {
	p := deployment.RestartPolicy{MaxRestarts: c.MaxRestarts, Window: c.Window, Backoff: c.Backoff, MaxBackoff: c.MaxBackoff}
	if p.MaxRestarts <= 0 {
		p.MaxRestarts = 5
	}
	if p.Window <= 0 {
		p.Window = 10 * time.Minute
	}
	if p.Backoff <= 0 {
		p.Backoff = time.Second
	}
	if p.MaxBackoff < p.Backoff {
		p.MaxBackoff = max(time.Minute, p.Backoff)
	}
	return p
}

// Supervisor is the process manager that keeps deployments running: when
// the server serving a deployment exits on its own, is found lost after a
// restart of the admin, or fails the routers' health checks, it asks for a
// replacement of the same build after a backoff (the deploy saga
// schedules it); when that happens more often than the policy allows, the
// deployment is failed and its route answers 503.
type Supervisor struct {
	a      *Admin
	policy deployment.RestartPolicy
}

// Supervisor returns the supervisor of a.
func (a *Admin) Supervisor(cfg SupervisorConfig) *Supervisor {
	return &Supervisor{a: a, policy: cfg.policy()}
}

// Name implements ProcessManager.
func (*Supervisor) Name() string { return "supervisor" }

// Handles implements ProcessManager.
func (*Supervisor) Handles() []string {
	return []string{server.TypeExited, server.TypeFailed, deployment.TypeRouteHealthChanged}
}

// supervisorSpace names replacement servers from the server they replace.
var supervisorSpace = uuid.MustParse("5b0f7d2e-8c4a-4f21-9e36-7a1d2c3b4e5f")

// ReplacementFor is the ID of the server that replaces failed server id.
func ReplacementFor(id uuid.UUID) uuid.UUID { return uuid.NewSHA1(supervisorSpace, id[:]) }

// Handle implements ProcessManager.
func (s *Supervisor) Handle(ctx context.Context, r Recorded) error {
	switch e := r.Event.(type) {
	case server.Exited:
		reason := "the server exited (" + e.ExitStatus + ")"
		if e.Lost {
			reason = "the server was lost: " + e.ExitStatus
		}
		return s.recover(ctx, e.DeploymentID, e.ServerID, reason, e.StderrTail)
	case server.Failed:
		if e.Purpose != server.PurposeRecover {
			return nil
		}
		var tail []string
		if s.a.cfg.ServerLogs != nil {
			tail = s.a.cfg.ServerLogs.StderrTail(e.DeploymentID, e.ServerID, 20)
		}
		return s.recover(ctx, e.DeploymentID, e.ServerID, fmt.Sprintf("its replacement failed to %s: %s", e.Step, e.Reason), tail)
	case deployment.RouteHealthChanged:
		if e.Healthy {
			return nil
		}
		return s.recover(ctx, e.DeploymentID, e.ServerID, "the server failed its health checks: "+e.Reason, nil)
	}
	return nil
}

// recover records the replacement of a failed server, or the crash loop.
func (s *Supervisor) recover(ctx context.Context, deploymentID, failed uuid.UUID, reason string, tail []string) error {
	return onStream(ctx, s.a, "supervisor", deployment.StreamID(deploymentID), deployment.Evolve,
		func(d deployment.Deployment) ([]domain.Event, error) {
			return deployment.Recover{Failed: failed, Replacement: ReplacementFor(failed), Reason: reason, StderrTail: tail,
				Policy: s.policy, At: s.a.cfg.Clock.Now()}.Decide(d)
		})
}
