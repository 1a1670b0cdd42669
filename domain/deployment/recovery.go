package deployment

import (
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/mastra-admin/mastra-admin/domain"
)

// Event type names of supervision. Never change a released one.
const (
	TypeRecoveryRequested = "deployment.RecoveryRequested"
	TypeCrashLooped       = "deployment.CrashLooped"
)

// RecoveryRequested is recorded when the server serving a deployment
// crashed, was lost or failed its health checks, and a new server of the
// same build is to replace it, not before NotBefore (the backoff).
type RecoveryRequested struct {
	DeploymentID uuid.UUID `json:"deploymentId"`
	ProjectID    uuid.UUID `json:"projectId"`
	TeamID       uuid.UUID `json:"teamId"`
	ServerID     uuid.UUID `json:"serverId"`    // the server that failed
	Replacement  uuid.UUID `json:"replacement"` // the server to schedule
	BuildID      uuid.UUID `json:"buildId"`
	ArtifactID   uuid.UUID `json:"artifactId"`
	Restart      int       `json:"restart"` // 1 for the first recovery in the window
	NotBefore    time.Time `json:"notBefore"`
	Reason       string    `json:"reason"`
	At           time.Time `json:"at"`
}

// CrashLooped is recorded when a deployment's servers failed more often
// than allowed within the window: it is failed, its route answers 503, and
// nothing restarts it until someone starts or deploys it.
type CrashLooped struct {
	DeploymentID uuid.UUID `json:"deploymentId"`
	ProjectID    uuid.UUID `json:"projectId"`
	TeamID       uuid.UUID `json:"teamId"`
	Subdomain    string    `json:"subdomain"`
	ServerID     uuid.UUID `json:"serverId"`
	Failures     int       `json:"failures"`
	Reason       string    `json:"reason"`
	StderrTail   []string  `json:"stderrTail,omitempty"`
	At           time.Time `json:"at"`
}

// EventType implements domain.Event.
func (RecoveryRequested) EventType() string { return TypeRecoveryRequested }

// EventType implements domain.Event.
func (CrashLooped) EventType() string { return TypeCrashLooped }

// RestartPolicy bounds crash restarts: at most MaxRestarts within Window,
// the n-th waiting Backoff·2ⁿ⁻¹, at most MaxBackoff.
type RestartPolicy struct {
	MaxRestarts int
	Window      time.Duration
	Backoff     time.Duration
	MaxBackoff  time.Duration
}

// Delay is the wait before the n-th restart.
func (p RestartPolicy) Delay(n int) time.Duration {
	d := p.Backoff
	for i := 1; i < n && d < p.MaxBackoff; i++ {
		d *= 2
	}
	return min(d, p.MaxBackoff)
}

// Recover is the command to replace the deployment's server that failed
// (Failed: the serving server, or the replacement of an earlier recovery
// that failed in turn) with the server Replacement.
type Recover struct {
	Failed      uuid.UUID
	Replacement uuid.UUID
	Reason      string
	StderrTail  []string
	Policy      RestartPolicy
	At          time.Time
}

// Decide returns the recovery, or the crash loop when the policy's
// restarts within its window are used up. The failure of a server that no
// longer matters (replaced, stopped, deleted), or one handled already,
// records nothing.
func (cmd Recover) Decide(d Deployment) ([]domain.Event, error) {
	s := d.Serving
	if !d.Live() || s.Stopped || s.ServerID == uuid.Nil {
		return nil, nil
	}
	switch {
	case cmd.Failed == s.ServerID && s.Replacement == uuid.Nil: // the serving server failed
	case cmd.Failed == s.Replacement && s.Replacement != uuid.Nil: // its replacement failed too
	default:
		return nil, nil
	}
	since := cmd.At.Add(-cmd.Policy.Window)
	n := 1
	for _, t := range s.Restarts {
		if t.After(since) {
			n++
		}
	}
	if n > cmd.Policy.MaxRestarts {
		return []domain.Event{CrashLooped{DeploymentID: d.ID, ProjectID: d.ProjectID, TeamID: d.TeamID, Subdomain: d.Subdomain,
			ServerID: cmd.Failed, Failures: n, Reason: fmt.Sprintf("%s (failure %d within %s; restarts stopped)", cmd.Reason, n, cmd.Policy.Window),
			StderrTail: cmd.StderrTail, At: cmd.At}}, nil
	}
	return []domain.Event{RecoveryRequested{DeploymentID: d.ID, ProjectID: d.ProjectID, TeamID: d.TeamID, ServerID: cmd.Failed,
		Replacement: cmd.Replacement, BuildID: s.BuildID, ArtifactID: s.ArtifactID, Restart: n, NotBefore: cmd.At.Add(cmd.Policy.Delay(n)), Reason: cmd.Reason,
		At: cmd.At}}, nil
}
