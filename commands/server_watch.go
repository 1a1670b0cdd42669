package commands

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/mastra-admin/mastra-admin/domain"
	"github.com/mastra-admin/mastra-admin/domain/server"
)

// watch waits for a healthy server's process to end and records that it
// exited, with how and the end of its stderr, unless it was asked to stop
// meanwhile (its stop records that). The supervisor takes it from there.
func (r *ServerRunner) watch(ctx context.Context, id uuid.UUID, p ServerProcess) {
	if r.cfg.Usage != nil && r.cfg.Sampler != nil {
		r.usage.track(p, true)
		defer r.usage.track(p, false)
		r.usage.once.Do(func() { r.later(r.sampleUsage) })
	}
	status, err := r.cfg.Servers.Wait(ctx, p)
	if err != nil || ctx.Err() != nil {
		return // the admin stops; the server runs on, and is watched again after the restart
	}
	tail := r.cfg.Servers.StderrTail(p.DeploymentID, id, 20)
	r.report(r.exited(ctx, id, status, false, tail))
}

// exited records a server's process gone, freeing its port.
func (r *ServerRunner) exited(ctx context.Context, id uuid.UUID, status string, lost bool, tail []string) error {
	return r.end(ctx, id, func(s server.Server) ([]domain.Event, error) {
		return server.MarkExited{ExitStatus: status, Lost: lost, StderrTail: tail, At: r.a.cfg.Clock.Now()}.Decide(s)
	})
}

// sampleUsage records the watched servers' usage every interval until the
// runner closes.
func (r *ServerRunner) sampleUsage(ctx context.Context) {
	t := time.NewTicker(r.cfg.UsageInterval)
	defer t.Stop()
	for {
		r.report(r.usage.sampleOnce(ctx, r.cfg.Sampler, r.cfg.Usage, r.a.cfg.Clock.Now))
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
