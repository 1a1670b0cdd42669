package commands

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/mastra-admin/mastra-admin/domain"
	"github.com/mastra-admin/mastra-admin/domain/build"
)

// WorkerConfig configures a build worker.
type WorkerConfig struct {
	// ID names the worker; it must stay the same across restarts of the
	// same worker (it is how a restarted worker finds the builds it left).
	ID string
	// Capacity bounds the builds this worker runs at once (0: 1). The
	// license bounds the builds of all workers together.
	Capacity int
	Builder  Builder
	// Artifacts keeps each built artifact under its ID for the servers
	// that run it (nil: artifacts stay in the build directory, and no
	// server can run them).
	Artifacts Artifacts
	// Wake signals that events were recorded (on any replica); the worker
	// then looks for queued and cancelled builds. Poll is the fallback
	// (0: 2 s).
	Wake <-chan struct{}
	Poll time.Duration
	// Lease is how long a worker may go unseen (it records itself at each
	// poll) before other workers fail its running builds (0: 30 s).
	Lease time.Duration
	// OnError reports errors the worker survives (nil: dropped).
	OnError func(error)
}

// errStopped is the cause of a running build's end when it was cancelled
// (or, by mistake, ended elsewhere) while it ran here.
var errStopped = errors.New("build stopped: it was cancelled")

// errLostLease is the cause of a running build's end when its worker
// could not tell the others it is alive for half its lease.
var errLostLease = errors.New("the worker lost the database")

// minGap is the least time between two looks at the queue and at the
// running builds (each look reads their streams).
const minGap = 25 * time.Millisecond

// wakeDelay is how long a woken worker waits before it looks again, its
// last look since ago: until minGap has passed since that look, so a
// wake-up after a quiet spell looks at once.
func wakeDelay(since time.Duration) time.Duration { return max(minGap-since, 0) }

// stopTimeout bounds the recording of a build's end once the worker stops.
const stopTimeout = 10 * time.Second

type running struct {
	cancel context.CancelCauseFunc
}

// RunBuildWorker runs builds until ctx ends: it first fails the builds it
// left running before a restart, then starts queued builds while it has
// capacity and slots are free, and stops the builds that get cancelled.
// When ctx ends it stops its builds, records them as failed, and returns.
func (a *Admin) RunBuildWorker(ctx context.Context, cfg WorkerConfig) error {
	if cfg.ID == "" || cfg.Builder == nil || a.cfg.LogCache == nil {
		return errors.New("commands: a build worker needs an ID, a Builder and the Admin's LogCache")
	}
	if cfg.Capacity <= 0 {
		cfg.Capacity = 1
	}
	if cfg.Poll <= 0 {
		cfg.Poll = 2 * time.Second
	}
	if cfg.Lease <= 0 {
		cfg.Lease = 30 * time.Second
	}
	report := func(err error) {
		if cfg.OnError != nil && err != nil && ctx.Err() == nil {
			cfg.OnError(err)
		}
	}
	if c, ok := cfg.Builder.(interface{ Check(context.Context) error }); ok {
		if err := c.Check(ctx); err != nil {
			report(fmt.Errorf("every build will fail until this is fixed: %w", err))
		}
	}
	var wg sync.WaitGroup
	defer wg.Wait()
	runs := map[uuid.UUID]running{}
	ended := make(chan uuid.UUID, cfg.Capacity)
	tick := time.NewTicker(cfg.Poll)
	defer tick.Stop()
	reap := true // first of all: the builds a restart left
	lastSeen := time.Now()
	for {
		if reap {
			if err := a.seen(ctx, cfg.ID); err != nil {
				report(err)
				if time.Since(lastSeen) > cfg.Lease/2 {
					// Other workers are about to fail these builds and
					// free their slots: their processes must not run on.
					for _, r := range runs {
						r.cancel(errLostLease)
					}
				}
			} else {
				lastSeen = time.Now()
			}
			if _, err := a.failInterrupted(ctx, cfg.ID, runs); err != nil {
				report(err)
			}
			if err := a.failSilentWorkers(ctx, cfg.ID, cfg.Lease); err != nil {
				report(err)
			}
			reap = false
		}
		a.stopLost(ctx, cfg.ID, runs, report)
		lastLook := time.Now()
		for len(runs) < cfg.Capacity {
			job, ok, err := a.StartNextBuild(ctx, cfg.ID)
			if err != nil {
				report(fmt.Errorf("start a build: %w", err))
			}
			if !ok {
				break
			}
			bctx, cancel := context.WithCancelCause(context.WithoutCancel(ctx))
			runs[job.Build.ID] = running{cancel: cancel}
			wg.Add(1)
			go func() {
				defer wg.Done()
				a.runBuild(ctx, bctx, cfg, job, report)
				ended <- job.Build.ID
			}()
		}
		select {
		case <-ctx.Done():
			for _, r := range runs {
				r.cancel(ctx.Err())
			}
			for range runs {
				<-ended
			}
			return nil
		case id := <-ended:
			delete(runs, id)
		case <-cfg.Wake:
			// Wake-ups come with every append and every batch the read
			// models commit: look at most every minGap.
			if d := wakeDelay(time.Since(lastLook)); d > 0 {
				select {
				case <-ctx.Done():
				case <-time.After(d):
				}
			}
		case <-tick.C:
			reap = true
		}
	}
}

// stopLost stops the running builds that are no longer building here:
// cancelled, or failed by another worker. It reads the event store, not a
// read model, so that a lagging projection cannot keep them running.
func (a *Admin) stopLost(ctx context.Context, worker string, runs map[uuid.UUID]running, report func(error)) {
	for id, r := range runs {
		b, _, err := load(ctx, a.cfg.Store, build.StreamID(id), build.Evolve)
		if err != nil {
			report(fmt.Errorf("read build %s: %w", id, err))
			continue
		}
		if b.Status != build.StatusBuilding || b.Worker != worker {
			r.cancel(errStopped)
		}
	}
}

// runBuild runs one build's pipeline and records its end. bctx ends when
// the build is cancelled or the worker stops (ctx).
func (a *Admin) runBuild(ctx, bctx context.Context, cfg WorkerConfig, job build.Job, report func(error)) {
	id := job.Build.ID
	dir, failure := "", ""
	artifact := ArtifactID(id)
	// The log outlives bctx: the last lines of a cancelled build are
	// written after bctx ended.
	log := a.newLogWriter(context.WithoutCancel(ctx), id, report)
	fmt.Fprintf(log, "build %s of deployment %s started on worker %s\n", id, job.Build.DeploymentID, cfg.ID)
	dir, err := cfg.Builder.Build(bctx, job, log)
	if err == nil && cfg.Artifacts != nil {
		if err = cfg.Artifacts.Save(bctx, job.Build.DeploymentID, artifact, dir); err != nil {
			err = fmt.Errorf("keep the artifact: %w", err)
		}
	}
	cause := context.Cause(bctx)
	switch {
	case errors.Is(cause, errStopped):
		fmt.Fprintln(log, errStopped.Error())
	case err == nil:
		fmt.Fprintf(log, "artifact %s ready; deploying\n", artifact)
	case errors.Is(cause, errLostLease):
		failure = "interrupted: the worker " + cfg.ID + " lost the database; deploy again"
	case cause != nil:
		failure = "interrupted: the worker " + cfg.ID + " stopped before the build ended; deploy again"
	default:
		failure = err.Error()
	}
	if failure != "" {
		fmt.Fprintf(log, "build failed: %s\n", failure)
	}
	closeLog(log, report)
	if errors.Is(context.Cause(bctx), errStopped) {
		return // recorded by the cancellation
	}
	// Recording the end is retried for a while: a lost end would later be
	// recorded as an interruption, losing the artifact.
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), stopTimeout)
	defer cancel()
	for {
		err = a.FinishBuild(rctx, cfg.ID, id, artifact, failure)
		if err == nil || domain.KindOf(err) == domain.KindConflict {
			return
		}
		select {
		case <-rctx.Done():
			report(fmt.Errorf("record the end of build %s: %w", id, err))
			return
		case <-time.After(time.Second):
		}
	}
}

func closeLog(c io.Closer, report func(error)) {
	if err := c.Close(); err != nil {
		report(fmt.Errorf("close build log: %w", err))
	}
}
