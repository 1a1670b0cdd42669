package commands

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/mastra-admin/mastra-admin/domain/build"
	"github.com/mastra-admin/mastra-admin/domain/deployment"
	"github.com/mastra-admin/mastra-admin/domain/project"
)

// MarkerStore keeps the markers the MarkerProjector projects (ClickHouse).
type MarkerStore interface {
	// InsertMarkers stores markers; one already stored (same EventID) is
	// stored once.
	InsertMarkers(ctx context.Context, rows []MarkerRow) error
}

// MarkerProjector is the process manager that projects the control-plane
// events that change what runs (deploys, rollbacks, restarts, stops, env
// changes) into the observability store as markers for the metrics
// charts. Each marker is computed from its event and, for a route switch,
// from the deployment's stream up to that event and its build's stream
// (never from a read model), and stored under the event's ID, so that an
// event delivered again changes nothing. While the store is down, its
// events wait (ErrStoreUnavailable) and nothing is lost.
type MarkerProjector struct {
	a     *Admin
	store MarkerStore
	// retry is the first pause between inserts while the store is down;
	// it doubles up to 5 s within one delivery.
	retry time.Duration
}

// MarkerProjector returns the projector of a's markers into store.
func (a *Admin) MarkerProjector(store MarkerStore) *MarkerProjector {
	return &MarkerProjector{a: a, store: store, retry: 100 * time.Millisecond}
}

// MarkersConsumer is the MarkerProjector's consumer name. Resetting its
// checkpoint (replay --markers) projects every marker again.
const MarkersConsumer = "observability-markers"

// Name implements ProcessManager.
func (*MarkerProjector) Name() string { return MarkersConsumer }

// Handles implements ProcessManager.
func (*MarkerProjector) Handles() []string {
	return []string{project.TypeEnvVarSet, project.TypeEnvVarRemoved, deployment.TypeEnvOverrideSet, deployment.TypeEnvOverrideRemoved,
		deployment.TypeStopped, deployment.TypeRouteSwitched}
}

// Handle implements ProcessManager.
func (p *MarkerProjector) Handle(ctx context.Context, r Recorded) error {
	projectID, m, ok := markerOfEvent(r.Event)
	if sw, isSwitch := r.Event.(deployment.RouteSwitched); isSwitch {
		var err error
		projectID = sw.ProjectID
		if m, err = p.switchMarker(ctx, r, sw); err != nil {
			return err
		}
		ok = true
	}
	if !ok {
		return nil
	}
	return p.insert(ctx, markerRow(r.ID, projectID, m))
}

// switchMarker reads the deployment's stream up to the switch, and the
// build's stream when the switch is a deploy.
func (p *MarkerProjector) switchMarker(ctx context.Context, r Recorded, sw deployment.RouteSwitched) (Marker, error) {
	events, _, err := p.a.cfg.Store.Load(ctx, r.StreamID)
	if err != nil {
		return Marker{}, fmt.Errorf("load %s: %w", r.StreamID, err)
	}
	if r.StreamVersion < 1 || r.StreamVersion > int64(len(events)) {
		return Marker{}, fmt.Errorf("%s has %d events: the switch at version %d is not among them", r.StreamID, len(events), r.StreamVersion)
	}
	m, ok := switchMarker(events[:r.StreamVersion])
	if !ok {
		return Marker{}, fmt.Errorf("%s: the event at version %d is no route switch", r.StreamID, r.StreamVersion)
	}
	if m.Kind != MarkerDeploy {
		return m, nil
	}
	built, _, err := p.a.cfg.Store.Load(ctx, build.StreamID(sw.BuildID))
	if err != nil {
		return Marker{}, fmt.Errorf("load build %s: %w", sw.BuildID, err)
	}
	if len(built) > 0 {
		if q, isQueued := built[0].(build.Queued); isQueued {
			m = withTrigger(m, q)
		}
	}
	return m, nil
}

// insert stores row, waiting while the store is down for as long as ctx
// lets it (then the event comes again later).
func (p *MarkerProjector) insert(ctx context.Context, row MarkerRow) error {
	wait := p.retry
	for {
		err := p.store.InsertMarkers(ctx, []MarkerRow{row})
		if err == nil {
			return nil
		}
		if !errors.Is(err, ErrStoreUnavailable) {
			return fmt.Errorf("store marker of event %s: %w", row.EventID, err)
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("store marker of event %s: %w", row.EventID, err)
		case <-time.After(wait):
		}
		wait = min(2*wait, 5*time.Second)
	}
}
