package build_test

import (
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mastra-admin/mastra-admin/domain"
	"github.com/mastra-admin/mastra-admin/domain/build"
)

// succeededBuild returns the events of a build of dep that succeeded with
// env recorded (nil env: queued before builds recorded it).
func succeededBuild(t *testing.T, id, dep uuid.UUID, env []domain.SealedVar, at time.Time) []domain.Event {
	t.Helper()
	evs := []domain.Event{build.Queued{BuildID: id, DeploymentID: dep, SourceType: "local", Branch: "main", Env: env, At: at},
		build.Started{BuildID: id, DeploymentID: dep, Worker: "w", Slot: id.String(), At: at},
		build.ArtifactReady{BuildID: id, DeploymentID: dep, ArtifactID: uuid.NewSHA1(uuid.Nil, id[:]), At: at},
		build.Succeeded{BuildID: id, DeploymentID: dep, At: at}}
	return evs
}

func TestRollbackReusesTheArtifactAndTheEnvOfTheEarlierBuild(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC)
	dep, earlier, id := uuid.New(), uuid.New(), uuid.New()
	env := []domain.SealedVar{{Key: "GREETING", Source: domain.EnvFromProject, Version: 1, Nonce: []byte{1}, Ciphertext: []byte{2}}}
	to := fold(t, succeededBuild(t, earlier, dep, env, at)...)

	evs, err := build.Rollback{BuildID: id, DeploymentID: dep, ArtifactKept: true, At: at.Add(time.Hour)}.Decide(build.Build{}, to)
	require.NoError(t, err)
	require.Len(t, evs, 2)
	q := evs[0].(build.Queued)
	assert.Equal(t, build.TriggerRollback, q.Trigger)
	require.NotNil(t, q.RollbackOf)
	assert.Equal(t, earlier, *q.RollbackOf)
	assert.Equal(t, env, q.Env, "the env the earlier build ran with, versions and ciphertexts")
	assert.Equal(t, "main", q.Branch)
	ready := evs[1].(build.ArtifactReady)
	assert.Equal(t, to.ArtifactID, ready.ArtifactID, "the earlier build's artifact, not a new one")
	assert.Empty(t, ready.Slot, "a rollback holds no build slot")

	b := fold(t, evs...)
	assert.Equal(t, build.StatusDeploying, b.Status, "a rollback goes straight to deploying")
	_, err = build.Start{Worker: "w", Slot: "x", At: at}.Decide(b)
	assert.ErrorIs(t, err, domain.ErrConflict, "no worker takes a rollback")
	_, err = build.Succeed{At: at}.Decide(b)
	assert.NoError(t, err)
}

func TestRollbackRefusesBuildsItCannotRestore(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC)
	dep, other := uuid.New(), uuid.New()
	env := []domain.SealedVar{}
	ok := succeededBuild(t, uuid.New(), dep, env, at)
	failedID := uuid.New()
	failed := []domain.Event{build.Queued{BuildID: failedID, DeploymentID: dep, SourceType: "local", Env: env, At: at},
		build.Started{BuildID: failedID, DeploymentID: dep, Worker: "w", At: at},
		build.Failed{BuildID: failedID, DeploymentID: dep, Reason: "npm install failed", At: at}}
	cases := []struct {
		name  string
		to    []domain.Event
		kept  bool
		kind  domain.Kind
		words string
	}{
		{"unknown build", nil, true, domain.KindNotFound, "not found"},
		{"another deployment's build", succeededBuild(t, uuid.New(), other, env, at), true, domain.KindConflict, "roll back to a build of this deployment"},
		{"a failed build", failed, true, domain.KindConflict, "is failed; only a succeeded build"},
		{"a build that recorded no env", succeededBuild(t, uuid.New(), dep, nil, at), true, domain.KindConflict, "before builds recorded the env"},
		{"a pruned artifact", ok, false, domain.KindConflict, "was pruned"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := build.Rollback{BuildID: uuid.New(), DeploymentID: dep, ArtifactKept: c.kept, At: at}.Decide(build.Build{}, fold(t, c.to...))
			require.Error(t, err)
			assert.Equal(t, c.kind, domain.KindOf(err))
			assert.Contains(t, err.Error(), c.words)
		})
	}
	// The same build ID twice is one rollback.
	id := uuid.New()
	evs, err := build.Rollback{BuildID: id, DeploymentID: dep, ArtifactKept: true, At: at}.Decide(build.Build{}, fold(t, ok...))
	require.NoError(t, err)
	_, err = build.Rollback{BuildID: id, DeploymentID: dep, ArtifactKept: true, At: at}.Decide(fold(t, evs...), fold(t, ok...))
	assert.ErrorIs(t, err, domain.ErrConflict)
}

func TestQueueRecordsTheEnvEvenWhenEmpty(t *testing.T) {
	t.Parallel()
	evs, err := build.Queue{BuildID: uuid.New(), SourceType: "local", At: time.Now()}.Decide(build.Build{})
	require.NoError(t, err)
	q := evs[0].(build.Queued)
	assert.NotNil(t, q.Env, "an empty env is recorded as empty, not as unknown")
	assert.Equal(t, build.TriggerDeploy, q.Trigger)
}
