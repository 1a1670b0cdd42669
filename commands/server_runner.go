package commands

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/mastra-admin/mastra-admin/domain"
	"github.com/mastra-admin/mastra-admin/domain/server"
)

// ServerRunnerConfig configures the server runner.
type ServerRunnerConfig struct {
	// ID names this runner in the events (e.g. the host).
	ID        string
	Servers   Servers
	Artifacts Artifacts
	// HealthTimeout bounds a new server's wait for its first health check
	// (0: 60 s); StopGrace is how long a stopping server has before it is
	// killed (0: 10 s).
	HealthTimeout time.Duration
	StopGrace     time.Duration
	// OnError reports errors of the work done after an event was handled.
	OnError func(error)
	// Usage, with Sampler, records the RSS and CPU share of the servers
	// this runner watches every UsageInterval (0: 10 s); nil: none.
	Usage         ServerUsage
	Sampler       ProcessSampler
	UsageInterval time.Duration
}

// ServerRunner is the process manager that runs servers on this host: it
// starts a scheduled server and records it started, then healthy or
// failed; it stops a server asked to stop, after its drain period, and
// records it stopped. Waiting happens after the event was handled, so the
// consumer never holds its batch for long.
type ServerRunner struct {
	a    *Admin
	cfg  ServerRunnerConfig
	done chan struct{}
	once sync.Once
	wg   sync.WaitGroup
	// busy holds the servers being started or recovered here, so that a
	// redelivered event and the recovery at start never start one twice.
	busy  sync.Map
	usage usageSampler
}

// ServerRunner returns a's server runner; Close stops its waits.
func (a *Admin) ServerRunner(cfg ServerRunnerConfig) (*ServerRunner, error) {
	if cfg.ID == "" || cfg.Servers == nil || cfg.Artifacts == nil {
		return nil, errors.New("commands: a server runner needs an ID, Servers and Artifacts")
	}
	if cfg.HealthTimeout <= 0 {
		cfg.HealthTimeout = 60 * time.Second
	}
	if cfg.StopGrace <= 0 {
		cfg.StopGrace = 10 * time.Second
	}
	if cfg.UsageInterval <= 0 {
		cfg.UsageInterval = 10 * time.Second
	}
	return &ServerRunner{a: a, cfg: cfg, done: make(chan struct{})}, nil
}

// Name implements ProcessManager.
func (*ServerRunner) Name() string { return "server-runner" }

// Handles implements ProcessManager.
func (*ServerRunner) Handles() []string {
	return []string{server.TypeScheduled, server.TypeStopRequested}
}

// Close abandons the waits in progress and returns when they have ended.
func (r *ServerRunner) Close() {
	r.once.Do(func() { close(r.done) })
	r.wg.Wait()
}

// Handle implements ProcessManager.
func (r *ServerRunner) Handle(ctx context.Context, rec Recorded) error {
	switch e := rec.Event.(type) {
	case server.Scheduled:
		return r.start(ctx, e.ServerID)
	case server.StopRequested:
		r.later(func(ctx context.Context) { r.stop(ctx, e.ServerID, e.Reason, e.Drain) })
	}
	return nil
}

// later runs f in the background until the runner closes.
func (r *ServerRunner) later(f func(ctx context.Context)) {
	r.wg.Add(1)
	go func() {
		defer r.wg.Done()
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		go func() {
			select {
			case <-r.done:
				cancel()
			case <-ctx.Done():
			}
		}()
		f(ctx)
	}()
}

func (r *ServerRunner) report(err error) {
	if err != nil && r.cfg.OnError != nil {
		r.cfg.OnError(err)
	}
}

// start starts a scheduled server (after its NotBefore, in the
// background), then waits for its health.
func (r *ServerRunner) start(ctx context.Context, id uuid.UUID) error {
	s, _, err := load(ctx, r.a.cfg.Store, server.StreamID(id), server.Evolve)
	if err != nil || s.Status != server.StatusScheduled {
		return err // started already: the event came again
	}
	if wait := time.Until(s.NotBefore); wait > 0 {
		r.later(func(ctx context.Context) {
			select {
			case <-ctx.Done():
				return // the recovery at the next start takes it up
			case <-time.After(wait):
			}
			r.report(r.startNow(ctx, id))
		})
		return nil
	}
	return r.startNow(ctx, id)
}

// startNow starts a scheduled server's process (or adopts the one a
// stopped admin left unrecorded) and records it started.
func (r *ServerRunner) startNow(ctx context.Context, id uuid.UUID) error {
	if _, held := r.busy.LoadOrStore(id, true); held {
		return nil
	}
	defer r.busy.Delete(id)
	s, _, err := load(ctx, r.a.cfg.Store, server.StreamID(id), server.Evolve)
	if err != nil || s.Status != server.StatusScheduled {
		return err
	}
	spec := ServerSpec{ServerID: id, DeploymentID: s.DeploymentID, BuildID: s.BuildID, Port: s.Port}
	if spec.ArtifactDir, err = r.cfg.Artifacts.Resolve(ctx, s.ArtifactID); err != nil {
		return r.fail(ctx, id, "start", fmt.Sprintf("artifact %s: %v", s.ArtifactID, err))
	}
	// The versions of the env it gets are recorded with its start. A
	// server adopted after a restart of the admin was given the env this
	// gives now (exactly for a deploy or a rollback: its build's; for
	// others, unless the env changed in between); unknown when that
	// cannot be read.
	var versions map[string]domain.EnvVersion
	p, adopted := r.cfg.Servers.Find(id, s.DeploymentID)
	if adopted {
		_, versions, _ = r.a.serverEnv(ctx, s)
	} else {
		if spec.Env, versions, err = r.a.serverEnv(ctx, s); err != nil {
			if domain.KindOf(err) == "" {
				return err // the store: try again
			}
			return r.fail(ctx, id, "start", err.Error())
		}
		if p, err = r.cfg.Servers.Start(ctx, spec); err != nil {
			return r.fail(ctx, id, "start", err.Error())
		}
	}
	err = onStream(ctx, r.a, "runner:"+r.cfg.ID, server.StreamID(id), server.Evolve, func(s server.Server) ([]domain.Event, error) {
		return server.MarkStarted{Runner: r.cfg.ID, PID: p.PID, StartTime: p.StartTime, EnvVersions: versions, At: r.a.cfg.Clock.Now()}.Decide(s)
	})
	if err != nil {
		_ = r.cfg.Servers.Stop(context.WithoutCancel(ctx), p, 0) // not recorded: it must not run on
		return fmt.Errorf("record server %s started: %w", id, err)
	}
	r.later(func(ctx context.Context) { r.awaitHealth(ctx, id, p, s.Port) })
	return nil
}

// awaitHealth records the server healthy, or stops it and records why not.
func (r *ServerRunner) awaitHealth(ctx context.Context, id uuid.UUID, p ServerProcess, port int) {
	err := r.cfg.Servers.WaitHealthy(ctx, p, port, r.cfg.HealthTimeout)
	if ctx.Err() != nil {
		return // the admin stops; the server runs on
	}
	if err != nil {
		r.report(r.cfg.Servers.Stop(ctx, p, r.cfg.StopGrace))
		r.report(r.fail(ctx, id, "become healthy", err.Error()))
		return
	}
	err = onStream(ctx, r.a, "runner:"+r.cfg.ID, server.StreamID(id), server.Evolve, func(s server.Server) ([]domain.Event, error) {
		return server.MarkHealthy{At: r.a.cfg.Clock.Now()}.Decide(s)
	})
	r.report(err)
	if err == nil {
		r.watch(ctx, id, p)
	}
}

// stop waits out the drain, stops the server's process and records it.
func (r *ServerRunner) stop(ctx context.Context, id uuid.UUID, reason string, drain time.Duration) {
	select {
	case <-ctx.Done():
		return
	case <-time.After(drain):
	}
	s, _, err := load(ctx, r.a.cfg.Store, server.StreamID(id), server.Evolve)
	if err != nil || s.Status.Ended() {
		r.report(err)
		return
	}
	if s.PID != 0 {
		if err := r.cfg.Servers.Stop(ctx, ServerProcess{ServerID: id, DeploymentID: s.DeploymentID, PID: s.PID, StartTime: s.StartTime}, r.cfg.StopGrace); err != nil {
			r.report(fmt.Errorf("stop server %s: %w", id, err))
			return
		}
	}
	r.report(r.end(ctx, id, func(s server.Server) ([]domain.Event, error) {
		return server.MarkStopped{Reason: reason, At: r.a.cfg.Clock.Now()}.Decide(s)
	}))
}

// fail records a server's failure at step.
func (r *ServerRunner) fail(ctx context.Context, id uuid.UUID, step, reason string) error {
	return r.end(ctx, id, func(s server.Server) ([]domain.Event, error) {
		return server.Fail{Step: step, Reason: reason, At: r.a.cfg.Clock.Now()}.Decide(s)
	})
}

// end records a server's end with the release of its port.
func (r *ServerRunner) end(ctx context.Context, id uuid.UUID, decide func(server.Server) ([]domain.Event, error)) error {
	return onStreamWith(ctx, r.a, "runner:"+r.cfg.ID, server.StreamID(id), server.Evolve, decide, func(s server.Server) []Claim {
		return []Claim{{Scope: server.PortScope, Value: server.PortClaimValue(s.Port), Owner: id, Release: true}}
	})
}
