package project

import (
	"time"

	"github.com/google/uuid"

	"github.com/mastra-admin/mastra-admin/domain"
)

// StaleServer is a running server of a deployment that received an older
// version of an env var than the current one of the same layer: the
// deployment needs a restart to get the current one.
type StaleServer struct {
	DeploymentID   uuid.UUID        `json:"deploymentId"`
	ServerID       uuid.UUID        `json:"serverId"`
	Key            string           `json:"key"`
	Source         domain.EnvSource `json:"source"`
	Version        int              `json:"version"`
	CurrentVersion int              `json:"currentVersion"`
}

// VersionExposure is one version of an env var (the project's, or one
// deployment's override) and every server that received it. EndedAt is
// when it was replaced by the next version or removed.
type VersionExposure struct {
	Source       domain.EnvSource `json:"source"`
	DeploymentID *uuid.UUID       `json:"deploymentId,omitempty"` // an override's deployment
	Version      int              `json:"version"`
	Current      bool             `json:"current"`
	Secret       bool             `json:"secret"`
	SetBy        uuid.UUID        `json:"setBy"`
	SetAt        time.Time        `json:"setAt"`
	EndedAt      *time.Time       `json:"endedAt"`
	Removed      bool             `json:"removed"`
	Servers      []ServerExposure `json:"servers"`
}

// ServerExposure is a server that received a version of an env var: its
// deployment and build, when it started, when it was asked to stop (it
// drains meanwhile), and when it stopped or failed.
type ServerExposure struct {
	ServerID        uuid.UUID  `json:"serverId"`
	DeploymentID    uuid.UUID  `json:"deploymentId"`
	BuildID         uuid.UUID  `json:"buildId"`
	StartedAt       time.Time  `json:"startedAt"`
	StopRequestedAt *time.Time `json:"stopRequestedAt"`
	StoppedAt       *time.Time `json:"stoppedAt"`
	Running         bool       `json:"running"`
}

// EnvExposure is every version of one env var of a project, oldest
// first, with the servers that received each (values never).
type EnvExposure struct {
	ProjectID uuid.UUID         `json:"projectId"`
	Key       string            `json:"key"`
	Versions  []VersionExposure `json:"versions"`
}
