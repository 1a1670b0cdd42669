package build

import (
	"time"

	"github.com/google/uuid"
)

// View is a build as the API shows it.
type View struct {
	ID           uuid.UUID  `json:"id"`
	DeploymentID uuid.UUID  `json:"deploymentId"`
	ProjectID    uuid.UUID  `json:"projectId"`
	TeamID       uuid.UUID  `json:"teamId"`
	Status       Status     `json:"status"`
	Trigger      Trigger    `json:"trigger"`
	RollbackOf   *uuid.UUID `json:"rollbackOf,omitempty"`
	Branch       string     `json:"branch"`
	Error        string     `json:"error,omitempty"`
	Worker       string     `json:"worker,omitempty"`
	QueuedBy     uuid.UUID  `json:"queuedBy"`
	QueuedAt     time.Time  `json:"queuedAt"`
	StartedAt    *time.Time `json:"startedAt"`
	// ReadyAt is when the artifact was ready: the build step's end and
	// the deploy step's start (a rollback's is when it was queued).
	ReadyAt    *time.Time `json:"readyAt"`
	FinishedAt *time.Time `json:"finishedAt"`
}

// Job is what a worker needs to run a started build.
type Job struct {
	Build        View
	SourceType   string
	SourceConfig []byte
}
