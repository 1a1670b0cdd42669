package server

import (
	"time"

	"github.com/google/uuid"
)

// View is a server as the API shows it.
type View struct {
	ID           uuid.UUID `json:"id"`
	DeploymentID uuid.UUID `json:"deploymentId"`
	BuildID      uuid.UUID `json:"buildId"`
	ArtifactID   uuid.UUID `json:"artifactId"` // a rollback's server runs an earlier build's artifact
	Status       Status    `json:"status"`
	Purpose      Purpose   `json:"purpose"`
	Port         int       `json:"port"`
	PID          int       `json:"pid,omitempty"`
	Runner       string    `json:"runner,omitempty"`
	Health       string    `json:"health"` // unknown, healthy, unhealthy
	Error        string    `json:"error,omitempty"`
	// Restarts counts the recoveries of the deployment before this
	// server (within the restart window).
	Restarts    int        `json:"restarts"`
	StderrTail  []string   `json:"stderrTail,omitempty"`
	ScheduledAt time.Time  `json:"scheduledAt"`
	StartedAt   *time.Time `json:"startedAt"`
	EndedAt     *time.Time `json:"endedAt"`
	// RSSBytes and CPUPercent are the last sample of the process (CPU
	// share of one core since the sample before), taken at SampledAt.
	RSSBytes   *int64     `json:"rssBytes"`
	CPUPercent *float64   `json:"cpuPercent"`
	SampledAt  *time.Time `json:"sampledAt"`
}

// Place is where a server belongs: its project, deployment and build,
// and whether it has ended (failed, stopped or exited), so that nothing
// writes its files any more.
type Place struct {
	ServerID     uuid.UUID
	ProjectID    uuid.UUID
	DeploymentID uuid.UUID
	BuildID      uuid.UUID
	Ended        bool
}
