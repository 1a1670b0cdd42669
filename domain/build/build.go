package build

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/mastra-admin/mastra-admin/domain"
)

// Status is where a build stands.
type Status string

// The statuses. A build is deploying from its artifact's readiness until
// its server serves (succeeded) or fails to (failed).
const (
	StatusQueued    Status = "queued"
	StatusBuilding  Status = "building"
	StatusDeploying Status = "deploying"
	StatusSucceeded Status = "succeeded"
	StatusFailed    Status = "failed"
	StatusCancelled Status = "cancelled"
)

// Ended reports whether s is final.
func (s Status) Ended() bool {
	return s == StatusSucceeded || s == StatusFailed || s == StatusCancelled
}

// Build is the state of one build, folded from its events.
type Build struct {
	ID           uuid.UUID
	DeploymentID uuid.UUID
	ProjectID    uuid.UUID
	TeamID       uuid.UUID
	SourceType   string
	SourceConfig json.RawMessage
	Status       Status
	Worker       string
	Slot         string
	QueuedAt     time.Time
	ArtifactID   uuid.UUID
	Branch       string
	Trigger      Trigger
	RollbackOf   uuid.UUID          // a rollback's earlier build
	Env          []domain.SealedVar // nil: queued before builds recorded their env
}

// Exists reports whether the build was queued.
func (b Build) Exists() bool { return b.Status != "" }

// Evolve returns b with e applied.
func Evolve(b Build, e domain.Event) (Build, error) {
	switch e := e.(type) {
	case Queued:
		b = Build{ID: e.BuildID, DeploymentID: e.DeploymentID, ProjectID: e.ProjectID, TeamID: e.TeamID,
			SourceType: e.SourceType, SourceConfig: e.SourceConfig, Status: StatusQueued, QueuedAt: e.At,
			Branch: e.Branch, Trigger: e.Trigger, Env: e.Env}
		if b.Trigger == "" {
			b.Trigger = TriggerDeploy
		}
		if e.RollbackOf != nil {
			b.RollbackOf = *e.RollbackOf
		}
	case Started:
		b.Status, b.Worker, b.Slot = StatusBuilding, e.Worker, e.Slot
	case ArtifactReady:
		b.Status, b.Slot, b.ArtifactID = StatusDeploying, "", e.ArtifactID
	case Succeeded:
		b.Status, b.Slot = StatusSucceeded, ""
	case Failed:
		b.Status = StatusFailed
	case Cancelled:
		b.Status = StatusCancelled
	default:
		return b, fmt.Errorf("build: %w %s", domain.ErrUnknownEvent, e.EventType())
	}
	return b, nil
}

// Queue is the command to queue a build of a live deployment.
type Queue struct {
	BuildID      uuid.UUID
	DeploymentID uuid.UUID
	ProjectID    uuid.UUID
	TeamID       uuid.UUID
	SourceType   string
	SourceConfig json.RawMessage
	Branch       string
	// Env is the env the build's servers will run with (RunEnv of the
	// deployment when it is queued).
	Env []domain.SealedVar
	By  uuid.UUID
	At  time.Time
}

// Decide returns the queueing.
func (cmd Queue) Decide(b Build) ([]domain.Event, error) {
	if b.Exists() {
		return nil, domain.Errorf(domain.KindConflict, "build %s already exists", cmd.BuildID)
	}
	if cmd.SourceType == "" {
		return nil, domain.Errorf(domain.KindInvalid, "project %s has no source to build", cmd.ProjectID)
	}
	return []domain.Event{Queued{BuildID: cmd.BuildID, DeploymentID: cmd.DeploymentID, ProjectID: cmd.ProjectID,
		TeamID: cmd.TeamID, Trigger: TriggerDeploy, SourceType: cmd.SourceType, SourceConfig: cmd.SourceConfig, Branch: cmd.Branch,
		Env: recorded(cmd.Env), By: cmd.By, At: cmd.At}}, nil
}

// recorded returns env as a Queued event records it: never nil, so that
// an empty env is told from one not recorded.
func recorded(env []domain.SealedVar) []domain.SealedVar {
	if env == nil {
		return []domain.SealedVar{}
	}
	return env
}

// Start is the command a worker gives to take a queued build into a slot.
type Start struct {
	Worker string
	Slot   string
	At     time.Time
}

// Decide returns the start, or a conflict when the build is not queued.
func (cmd Start) Decide(b Build) ([]domain.Event, error) {
	if b.Status != StatusQueued {
		return nil, domain.Errorf(domain.KindConflict, "build %s is %s, not queued", b.ID, b.Status)
	}
	if cmd.Worker == "" {
		return nil, domain.Errorf(domain.KindInvalid, "a build needs a worker")
	}
	return []domain.Event{Started{BuildID: b.ID, DeploymentID: b.DeploymentID, ProjectID: b.ProjectID, TeamID: b.TeamID,
		Worker: cmd.Worker, Slot: cmd.Slot, At: cmd.At}}, nil
}

// Finish is the command a worker gives when its pipeline ends: the
// artifact it saved, or failure with a reason.
type Finish struct {
	Worker     string
	ArtifactID uuid.UUID
	Err        string // empty: the artifact is ready
	At         time.Time
}

// Decide returns the end, or a conflict when the build is not running on
// that worker (it was cancelled meanwhile).
func (cmd Finish) Decide(b Build) ([]domain.Event, error) {
	if b.Status != StatusBuilding || b.Worker != cmd.Worker {
		return nil, domain.Errorf(domain.KindConflict, "build %s is %s, not building on %s", b.ID, b.Status, cmd.Worker)
	}
	if cmd.Err != "" {
		return []domain.Event{Failed{BuildID: b.ID, DeploymentID: b.DeploymentID, ProjectID: b.ProjectID, TeamID: b.TeamID,
			Slot: b.Slot, Reason: cmd.Err, At: cmd.At}}, nil
	}
	return []domain.Event{ArtifactReady{BuildID: b.ID, DeploymentID: b.DeploymentID, ProjectID: b.ProjectID, TeamID: b.TeamID,
		Slot: b.Slot, ArtifactID: cmd.ArtifactID, At: cmd.At}}, nil
}

// Succeed is the command the deploy saga gives when the build's server
// serves.
type Succeed struct{ At time.Time }

// Decide returns the success, or a conflict when the build is not
// deploying (it was cancelled meanwhile).
func (cmd Succeed) Decide(b Build) ([]domain.Event, error) {
	if b.Status != StatusDeploying {
		return nil, domain.Errorf(domain.KindConflict, "build %s is %s, not deploying", b.ID, b.Status)
	}
	return []domain.Event{Succeeded{BuildID: b.ID, DeploymentID: b.DeploymentID, ProjectID: b.ProjectID, TeamID: b.TeamID,
		Artifact: b.ArtifactID.String(), At: cmd.At}}, nil
}

// FailDeploy is the command the deploy saga gives when the build's server
// failed before it served; an ended build records nothing.
type FailDeploy struct {
	Reason string
	At     time.Time
}

// Decide returns the failure.
func (cmd FailDeploy) Decide(b Build) ([]domain.Event, error) {
	if b.Status != StatusDeploying {
		return nil, nil
	}
	return []domain.Event{Failed{BuildID: b.ID, DeploymentID: b.DeploymentID, ProjectID: b.ProjectID, TeamID: b.TeamID,
		Reason: cmd.Reason, At: cmd.At}}, nil
}

// Cancel is the command to cancel a build that has not ended.
type Cancel struct {
	Reason string
	By     uuid.UUID
	At     time.Time
}

// Decide returns the cancellation, or a conflict when the build ended.
func (cmd Cancel) Decide(b Build) ([]domain.Event, error) {
	if !b.Exists() {
		return nil, domain.Errorf(domain.KindNotFound, "build %s not found", b.ID)
	}
	if b.Status.Ended() {
		return nil, domain.Errorf(domain.KindConflict, "build %s already %s", b.ID, b.Status)
	}
	return []domain.Event{Cancelled{BuildID: b.ID, DeploymentID: b.DeploymentID, ProjectID: b.ProjectID, TeamID: b.TeamID,
		Slot: b.Slot, Reason: cmd.Reason, By: cmd.By, At: cmd.At}}, nil
}
