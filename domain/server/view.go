package server

import (
	"time"

	"github.com/google/uuid"
)

// View is a server as the API shows it.
type View struct {
	ID           uuid.UUID  `json:"id"`
	DeploymentID uuid.UUID  `json:"deploymentId"`
	BuildID      uuid.UUID  `json:"buildId"`
	ArtifactID   uuid.UUID  `json:"artifactId"` // a rollback's server runs an earlier build's artifact
	Status       Status     `json:"status"`
	Purpose      Purpose    `json:"purpose"`
	Port         int        `json:"port"`
	PID          int        `json:"pid,omitempty"`
	Runner       string     `json:"runner,omitempty"`
	Health       string     `json:"health"` // unknown, healthy, unhealthy
	Error        string     `json:"error,omitempty"`
	StderrTail   []string   `json:"stderrTail,omitempty"`
	ScheduledAt  time.Time  `json:"scheduledAt"`
	StartedAt    *time.Time `json:"startedAt"`
	EndedAt      *time.Time `json:"endedAt"`
}
