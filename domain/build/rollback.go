package build

import (
	"time"

	"github.com/google/uuid"

	"github.com/mastra-admin/mastra-admin/domain"
)

// Rollback is the command to queue a build that runs an earlier build of
// the same deployment again: its artifact and the env it ran with, with
// no install and no build. The caller has checked that the artifact is
// still kept (ArtifactKept).
type Rollback struct {
	BuildID      uuid.UUID
	DeploymentID uuid.UUID
	ArtifactKept bool
	By           uuid.UUID
	At           time.Time
}

// Decide returns the rollback build, queued and at once deploying the
// earlier build's artifact (it takes no build slot), or a conflict when
// to may not be rolled back to: it did not succeed, is another
// deployment's, recorded no env, or its artifact is gone.
func (cmd Rollback) Decide(b Build, to Build) ([]domain.Event, error) {
	if b.Exists() {
		return nil, domain.Errorf(domain.KindConflict, "build %s already exists", cmd.BuildID)
	}
	if err := CheckRollbackTo(to, cmd.DeploymentID); err != nil {
		return nil, err
	}
	if !cmd.ArtifactKept {
		return nil, domain.Errorf(domain.KindConflict, "the artifact of build %s was pruned (only a deployment's newest artifacts are kept); deploy again instead", to.ID)
	}
	of := to.ID
	return []domain.Event{
		Queued{BuildID: cmd.BuildID, DeploymentID: to.DeploymentID, ProjectID: to.ProjectID, TeamID: to.TeamID,
			Trigger: TriggerRollback, RollbackOf: &of, SourceType: to.SourceType, SourceConfig: to.SourceConfig,
			Branch: to.Branch, Env: recorded(to.Env), By: cmd.By, At: cmd.At},
		ArtifactReady{BuildID: cmd.BuildID, DeploymentID: to.DeploymentID, ProjectID: to.ProjectID, TeamID: to.TeamID,
			ArtifactID: to.ArtifactID, At: cmd.At},
	}, nil
}

// CheckRollbackTo returns the conflict that keeps deployment from rolling
// back to build to, if any; whether its artifact is still kept is
// checked apart (it is not in the events).
func CheckRollbackTo(to Build, deploymentID uuid.UUID) error {
	if !to.Exists() {
		return domain.Errorf(domain.KindNotFound, "the build to roll back to was not found")
	}
	if to.DeploymentID != deploymentID {
		return domain.Errorf(domain.KindConflict, "build %s is deployment %s's, not %s's; roll back to a build of this deployment",
			to.ID, to.DeploymentID, deploymentID)
	}
	if to.Status != StatusSucceeded {
		return domain.Errorf(domain.KindConflict, "build %s is %s; only a succeeded build can be rolled back to", to.ID, to.Status)
	}
	if to.ArtifactID == uuid.Nil {
		return domain.Errorf(domain.KindConflict, "build %s recorded no artifact; deploy again instead", to.ID)
	}
	if to.Env == nil {
		return domain.Errorf(domain.KindConflict, "build %s was queued before builds recorded the env they run with, so its env cannot be restored; deploy again instead", to.ID)
	}
	return nil
}
