package deployment_test

import (
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mastra-admin/mastra-admin/domain"
	"github.com/mastra-admin/mastra-admin/domain/deployment"
)

func apply(t *testing.T, d deployment.Deployment, evs []domain.Event) deployment.Deployment {
	t.Helper()
	for _, e := range evs {
		var err error
		d, err = deployment.Evolve(d, e)
		require.NoError(t, err)
	}
	return d
}

func TestServingSwitchesStopsStartsAndRestarts(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC)
	d := apply(t, deployment.Deployment{}, []domain.Event{deployment.Created{DeploymentID: uuid.New(), Type: deployment.Production,
		Slug: "production", Subdomain: "math"}})

	_, err := deployment.Stop{At: now}.Decide(d)
	assert.Equal(t, domain.KindConflict, domain.KindOf(err), "a deployment that never ran cannot stop")
	_, err = deployment.Restart{At: now}.Decide(d)
	assert.Equal(t, domain.KindConflict, domain.KindOf(err))

	s1, b1, b2 := uuid.New(), uuid.New(), uuid.New()
	evs, err := deployment.SwitchRoute{ServerID: s1, BuildID: b1, ArtifactID: uuid.New(), BuildQueuedAt: now, Target: "127.0.0.1:4100", At: now}.Decide(d)
	require.NoError(t, err)
	assert.Nil(t, evs[0].(deployment.RouteSwitched).Previous)
	d = apply(t, d, evs)
	again, err := deployment.SwitchRoute{ServerID: s1, BuildID: b1}.Decide(d)
	require.NoError(t, err)
	assert.Empty(t, again, "a switch delivered again changes nothing")

	_, err = deployment.SwitchRoute{ServerID: uuid.New(), BuildID: b2, BuildQueuedAt: now.Add(-time.Minute)}.Decide(d)
	assert.ErrorIs(t, err, deployment.ErrSuperseded, "an older build never replaces a newer one")

	s2 := uuid.New()
	evs, err = deployment.SwitchRoute{ServerID: s2, BuildID: b2, BuildQueuedAt: now.Add(time.Minute), Target: "127.0.0.1:4101"}.Decide(d)
	require.NoError(t, err)
	require.NotNil(t, evs[0].(deployment.RouteSwitched).Previous)
	assert.Equal(t, s1, *evs[0].(deployment.RouteSwitched).Previous)
	d = apply(t, d, evs)

	evs, err = deployment.Stop{At: now}.Decide(d)
	require.NoError(t, err)
	assert.Equal(t, s2, *evs[0].(deployment.Stopped).ServerID)
	d = apply(t, d, evs)
	_, err = deployment.Stop{At: now}.Decide(d)
	assert.Equal(t, domain.KindConflict, domain.KindOf(err))
	_, err = deployment.Restart{At: now}.Decide(d)
	assert.Equal(t, domain.KindConflict, domain.KindOf(err), "a stopped deployment starts, it does not restart")
	_, err = deployment.SwitchRoute{ServerID: uuid.New(), BuildID: b2, BuildQueuedAt: now.Add(time.Minute), Restart: true}.Decide(d)
	assert.Equal(t, domain.KindConflict, domain.KindOf(err), "a restart that finishes after a stop does not bring it back")

	evs, err = deployment.Start{At: now}.Decide(d)
	require.NoError(t, err)
	assert.Equal(t, b2, evs[0].(deployment.StartRequested).BuildID, "start runs the current build again")
}
