package commands

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/google/uuid"

	"github.com/mastra-admin/mastra-admin/domain/build"
	"github.com/mastra-admin/mastra-admin/domain/deployment"
	"github.com/mastra-admin/mastra-admin/domain/project"
)

// Marker kinds.
const (
	MarkerDeploy   = "deploy"   // a new build serves a deployment
	MarkerRollback = "rollback" // a rollback build serves a deployment
	MarkerRestart  = "restart"  // the same build serves again: restarted, started again, or recovered
	MarkerStop     = "stop"     // a deployment was stopped
	MarkerEnv      = "env"      // an env var of the project, or a deployment's override, changed
)

// Marker is a control-plane change of what runs, for metrics charts: when,
// which kind, by whom (nil when the system did it), on which deployment
// (nil for a project-wide env change) and from which build.
type Marker struct {
	Kind         string     `json:"kind"`
	At           time.Time  `json:"at"`
	By           *uuid.UUID `json:"by,omitempty"`
	DeploymentID *uuid.UUID `json:"deploymentId,omitempty"`
	BuildID      *uuid.UUID `json:"buildId,omitempty"`
	RollbackOf   *uuid.UUID `json:"rollbackOf,omitempty"`
	Key          string     `json:"key,omitempty"` // the env var of an env marker
}

func ref(id uuid.UUID) *uuid.UUID {
	if id == uuid.Nil {
		return nil
	}
	return &id
}

// markers reads the markers of a project between from and to (inclusive)
// from the event store: the project's stream (env changes) and each of
// its deployments' streams (route switches, restarts, stops, overrides),
// with the builds' triggers telling deploys from rollbacks. deploymentID
// narrows them to one deployment (project-wide env changes stay).
func (a *Admin) markers(ctx context.Context, projectID uuid.UUID, from, to time.Time, deploymentID uuid.UUID) ([]Marker, error) {
	var out []Marker
	add := func(m Marker) {
		if !m.At.Before(from) && !m.At.After(to) {
			m.At = m.At.UTC()
			out = append(out, m)
		}
	}
	events, _, err := a.cfg.Store.Load(ctx, project.StreamID(projectID))
	if err != nil {
		return nil, fmt.Errorf("load project %s: %w", projectID, err)
	}
	for _, e := range events {
		switch e := e.(type) {
		case project.EnvVarSet:
			add(Marker{Kind: MarkerEnv, At: e.At, By: ref(e.By), Key: e.Key})
		case project.EnvVarRemoved:
			add(Marker{Kind: MarkerEnv, At: e.At, By: ref(e.By), Key: e.Key})
		}
	}
	deps, err := a.cfg.Reads.DeploymentsOf(ctx, projectID)
	if err != nil {
		return nil, fmt.Errorf("read deployments: %w", err)
	}
	for _, d := range deps {
		if deploymentID != uuid.Nil && d.ID != deploymentID {
			continue
		}
		if err := a.deploymentMarkers(ctx, d.ID, add); err != nil {
			return nil, err
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].At.Before(out[j].At) })
	if out == nil {
		out = []Marker{}
	}
	return out, nil
}

func (a *Admin) deploymentMarkers(ctx context.Context, id uuid.UUID, add func(Marker)) error {
	events, _, err := a.cfg.Store.Load(ctx, deployment.StreamID(id))
	if err != nil {
		return fmt.Errorf("load deployment %s: %w", id, err)
	}
	builds, err := a.cfg.Reads.BuildsOf(ctx, id, 10000)
	if err != nil {
		return fmt.Errorf("read builds of %s: %w", id, err)
	}
	byID := make(map[uuid.UUID]build.View, len(builds))
	for _, b := range builds {
		byID[b.ID] = b
	}
	dep := ref(id)
	serving := uuid.Nil // the build the route sends to
	var asked *Marker   // a restart or start asked for, waiting for its switch
	for _, e := range events {
		switch e := e.(type) {
		case deployment.RouteSwitched:
			switch {
			case asked != nil:
				m := *asked
				m.At, m.BuildID = e.At, ref(e.BuildID)
				add(m)
			case e.BuildID == serving:
				add(Marker{Kind: MarkerRestart, At: e.At, DeploymentID: dep, BuildID: ref(e.BuildID)})
			default:
				m := Marker{Kind: MarkerDeploy, At: e.At, DeploymentID: dep, BuildID: ref(e.BuildID)}
				if b, ok := byID[e.BuildID]; ok {
					m.By = ref(b.QueuedBy)
					if b.Trigger == build.TriggerRollback {
						m.Kind, m.RollbackOf = MarkerRollback, b.RollbackOf
					}
				}
				add(m)
			}
			serving, asked = e.BuildID, nil
		case deployment.RestartRequested:
			asked = &Marker{Kind: MarkerRestart, By: ref(e.By), DeploymentID: dep}
		case deployment.StartRequested:
			asked = &Marker{Kind: MarkerRestart, By: ref(e.By), DeploymentID: dep}
		case deployment.Stopped:
			add(Marker{Kind: MarkerStop, At: e.At, By: ref(e.By), DeploymentID: dep})
			asked = nil
		case deployment.EnvOverrideSet:
			add(Marker{Kind: MarkerEnv, At: e.At, By: ref(e.By), DeploymentID: dep, Key: e.Key})
		case deployment.EnvOverrideRemoved:
			add(Marker{Kind: MarkerEnv, At: e.At, By: ref(e.By), DeploymentID: dep, Key: e.Key})
		}
	}
	return nil
}
