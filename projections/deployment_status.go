package projections

import (
	"github.com/jackc/pgx/v5"

	"github.com/mastra-admin/mastra-admin/domain/build"
	"github.com/mastra-admin/mastra-admin/domain/deployment"
	"github.com/mastra-admin/mastra-admin/eventstore"
)

// deploymentStatus derives a deployment's status from what serves it and
// its builds: stopped, else running while a server serves, else building
// while a build is on its way, else failed when its last build failed or
// its servers crashed more often than allowed, else pending.
const deploymentStatus = `UPDATE deployments SET status = CASE
		WHEN stopped THEN 'stopped'
		WHEN current_server_id IS NOT NULL THEN 'running'
		WHEN building_build_id IS NOT NULL THEN 'building'
		WHEN last_build_failed THEN 'failed'
		ELSE 'pending' END
	WHERE id = $1`

// servingEvents are the events that move a deployment's status.
var servingEvents = []string{build.TypeQueued, build.TypeFailed, build.TypeCancelled,
	deployment.TypeRouteSwitched, deployment.TypeStopped, deployment.TypeCrashLooped}

// queueServing queues the updates of a serving event, then the status.
func queueServing(b *pgx.Batch, e eventstore.Event) (bool, error) {
	var id any
	switch e.Type {
	case build.TypeQueued:
		v, err := decode[build.Queued](e)
		if err != nil {
			return true, err
		}
		b.Queue(`UPDATE deployments SET building_build_id = $2, last_build_failed = false WHERE id = $1`, v.DeploymentID, v.BuildID)
		id = v.DeploymentID
	case build.TypeFailed, build.TypeCancelled:
		v, err := decode[build.Failed](e) // Cancelled has the same IDs
		if err != nil {
			return true, err
		}
		b.Queue(`UPDATE deployments SET building_build_id = NULL, last_build_failed = $3
			WHERE id = $1 AND building_build_id = $2`, v.DeploymentID, v.BuildID, e.Type == build.TypeFailed)
		id = v.DeploymentID
	case deployment.TypeRouteSwitched:
		v, err := decode[deployment.RouteSwitched](e)
		if err != nil {
			return true, err
		}
		b.Queue(`UPDATE deployments SET current_server_id = $2, current_build_id = $3, stopped = false,
			building_build_id = CASE WHEN building_build_id = $3 THEN NULL ELSE building_build_id END,
			last_build_failed = false, updated_at = $4 WHERE id = $1`, v.DeploymentID, v.ServerID, v.BuildID, v.At)
		id = v.DeploymentID
	case deployment.TypeStopped:
		v, err := decode[deployment.Stopped](e)
		if err != nil {
			return true, err
		}
		b.Queue(`UPDATE deployments SET current_server_id = NULL, stopped = true, updated_at = $2 WHERE id = $1`, v.DeploymentID, v.At)
		id = v.DeploymentID
	case deployment.TypeCrashLooped:
		v, err := decode[deployment.CrashLooped](e)
		if err != nil {
			return true, err
		}
		b.Queue(`UPDATE deployments SET current_server_id = NULL, last_build_failed = true, updated_at = $2 WHERE id = $1`, v.DeploymentID, v.At)
		id = v.DeploymentID
	default:
		return false, nil
	}
	b.Queue(deploymentStatus, id)
	return true, nil
}
