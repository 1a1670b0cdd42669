package build

import (
	"encoding/json"
	"time"

	"github.com/google/uuid"

	"github.com/mastra-admin/mastra-admin/domain"
)

// Queued is recorded when a deploy or a rollback is asked for. It carries
// the source as it was configured then, so that the build does not change
// if the project does, and the env its servers run with: each var's
// version and ciphertext, never its value. Env is nil only in builds
// queued before builds recorded their env (their servers get the env as
// it is when they start); Trigger is empty in those too (a deploy).
// RollbackOf is the earlier build whose artifact and env a rollback
// re-uses.
type Queued struct {
	BuildID      uuid.UUID          `json:"buildId"`
	DeploymentID uuid.UUID          `json:"deploymentId"`
	ProjectID    uuid.UUID          `json:"projectId"`
	TeamID       uuid.UUID          `json:"teamId"`
	Trigger      Trigger            `json:"trigger,omitempty"`
	RollbackOf   *uuid.UUID         `json:"rollbackOf,omitempty"`
	SourceType   string             `json:"sourceType"`
	SourceConfig json.RawMessage    `json:"sourceConfig"`
	Branch       string             `json:"branch"`
	Env          []domain.SealedVar `json:"env"`
	By           uuid.UUID          `json:"by"`
	At           time.Time          `json:"at"`
}

// Trigger is why a build was queued.
type Trigger string

// The triggers.
const (
	TriggerDeploy   Trigger = "deploy"   // built from source
	TriggerRollback Trigger = "rollback" // an earlier build's artifact and env, re-used
)

// Started is recorded when a worker takes a queued build. Slot is the
// build slot it holds (its ID; empty in no event this version records).
type Started struct {
	BuildID      uuid.UUID `json:"buildId"`
	DeploymentID uuid.UUID `json:"deploymentId"`
	ProjectID    uuid.UUID `json:"projectId"`
	TeamID       uuid.UUID `json:"teamId"`
	Worker       string    `json:"worker"`
	Slot         string    `json:"slot,omitempty"`
	At           time.Time `json:"at"`
}

// ArtifactReady is recorded when the pipeline produced its artifact: the
// build frees its slot and is deploying until its server serves.
type ArtifactReady struct {
	BuildID      uuid.UUID `json:"buildId"`
	DeploymentID uuid.UUID `json:"deploymentId"`
	ProjectID    uuid.UUID `json:"projectId"`
	TeamID       uuid.UUID `json:"teamId"`
	Slot         string    `json:"slot,omitempty"`
	ArtifactID   uuid.UUID `json:"artifactId"`
	At           time.Time `json:"at"`
}

// Succeeded is recorded when the build's server answers through the edge
// router. Artifact is the artifact's ID (in builds of earlier versions, a
// folder, recorded when the pipeline ended; Slot is set only there).
type Succeeded struct {
	BuildID      uuid.UUID `json:"buildId"`
	DeploymentID uuid.UUID `json:"deploymentId"`
	ProjectID    uuid.UUID `json:"projectId"`
	TeamID       uuid.UUID `json:"teamId"`
	Slot         string    `json:"slot,omitempty"`
	Artifact     string    `json:"artifact"`
	At           time.Time `json:"at"`
}

// Failed is recorded when the pipeline failed, or its worker stopped.
type Failed struct {
	BuildID      uuid.UUID `json:"buildId"`
	DeploymentID uuid.UUID `json:"deploymentId"`
	ProjectID    uuid.UUID `json:"projectId"`
	TeamID       uuid.UUID `json:"teamId"`
	Slot         string    `json:"slot,omitempty"`
	Reason       string    `json:"reason"`
	At           time.Time `json:"at"`
}

// Cancelled is recorded when someone cancels a build that had not ended,
// or the system does (its deployment was deleted). By is the nil UUID for
// the system.
type Cancelled struct {
	BuildID      uuid.UUID `json:"buildId"`
	DeploymentID uuid.UUID `json:"deploymentId"`
	ProjectID    uuid.UUID `json:"projectId"`
	TeamID       uuid.UUID `json:"teamId"`
	Slot         string    `json:"slot,omitempty"`
	Reason       string    `json:"reason,omitempty"`
	By           uuid.UUID `json:"by"`
	At           time.Time `json:"at"`
}

// Event type names. Never change a released one.
const (
	TypeQueued    = "build.BuildQueued"
	TypeStarted   = "build.BuildStarted"
	TypeSucceeded = "build.BuildSucceeded"
	TypeReady     = "build.ArtifactReady"
	TypeFailed    = "build.BuildFailed"
	TypeCancelled = "build.BuildCancelled"
)

// EventType implements domain.Event.
func (Queued) EventType() string { return TypeQueued }

// EventType implements domain.Event.
func (Started) EventType() string { return TypeStarted }

// EventType implements domain.Event.
func (Succeeded) EventType() string { return TypeSucceeded }

// EventType implements domain.Event.
func (ArtifactReady) EventType() string { return TypeReady }

// EventType implements domain.Event.
func (Failed) EventType() string { return TypeFailed }

// EventType implements domain.Event.
func (Cancelled) EventType() string { return TypeCancelled }

// Events lists a zero value of every event of this package, for registries.
func Events() []domain.Event {
	return []domain.Event{Queued{}, Started{}, ArtifactReady{}, Succeeded{}, Failed{}, Cancelled{}}
}

// StreamID is the stream of build id.
func StreamID(id uuid.UUID) string { return "build-" + id.String() }

// SlotScope is the scope of the build slots: a running build holds one,
// named by its ID; the license's concurrent-build limit bounds how many
// exist.
const SlotScope = "build-slot"
