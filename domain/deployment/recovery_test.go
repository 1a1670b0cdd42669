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

func TestRecoverReplacesTheFailedServerWithBackoffUntilRestartsAreUsedUp(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 12, 4, 10, 0, 0, 0, time.UTC)
	policy := deployment.RestartPolicy{MaxRestarts: 2, Window: 10 * time.Minute, Backoff: time.Second, MaxBackoff: 3 * time.Second}
	assert.Equal(t, []time.Duration{time.Second, 2 * time.Second, 3 * time.Second, 3 * time.Second},
		[]time.Duration{policy.Delay(1), policy.Delay(2), policy.Delay(3), policy.Delay(9)})

	d := apply(t, deployment.Deployment{}, []domain.Event{deployment.Created{DeploymentID: uuid.New(), Type: deployment.Production,
		Slug: "production", Subdomain: "math"}})
	s1, r1, r2, build := uuid.New(), uuid.New(), uuid.New(), uuid.New()
	d = apply(t, d, mustDecide(t, deployment.SwitchRoute{ServerID: s1, BuildID: build, Target: "127.0.0.1:4100", At: now}, d))

	evs := mustDecide(t, deployment.Recover{Failed: uuid.New(), Replacement: r1, Policy: policy, At: now}, d)
	assert.Empty(t, evs, "a server that does not serve the deployment changes nothing")

	evs = mustDecide(t, deployment.Recover{Failed: s1, Replacement: r1, Reason: "exited", Policy: policy, At: now}, d)
	require.Len(t, evs, 1)
	rec := evs[0].(deployment.RecoveryRequested)
	assert.Equal(t, r1, rec.Replacement)
	assert.Equal(t, build, rec.BuildID)
	assert.Equal(t, 1, rec.Restart)
	assert.Equal(t, now.Add(time.Second), rec.NotBefore)
	d = apply(t, d, evs)
	assert.Empty(t, mustDecide(t, deployment.Recover{Failed: s1, Replacement: r1, Policy: policy, At: now}, d),
		"the same failure delivered again changes nothing")

	// The replacement fails too: the next one waits twice as long.
	evs = mustDecide(t, deployment.Recover{Failed: r1, Replacement: r2, Policy: policy, At: now.Add(time.Second)}, d)
	require.Len(t, evs, 1)
	assert.Equal(t, now.Add(3*time.Second), evs[0].(deployment.RecoveryRequested).NotBefore)
	d = apply(t, d, evs)

	// And that one too: the restarts are used up.
	evs = mustDecide(t, deployment.Recover{Failed: r2, Replacement: uuid.New(), Reason: "exited", StderrTail: []string{"boom"},
		Policy: policy, At: now.Add(4 * time.Second)}, d)
	require.Len(t, evs, 1)
	loop := evs[0].(deployment.CrashLooped)
	assert.Equal(t, 3, loop.Failures)
	assert.Equal(t, []string{"boom"}, loop.StderrTail)
	d = apply(t, d, evs)
	assert.True(t, d.Serving.CrashLooped)
	_, err := deployment.Restart{At: now}.Decide(d)
	assert.Equal(t, domain.KindConflict, domain.KindOf(err), "a failed deployment is not restarted")
	start, err := deployment.Start{At: now}.Decide(d)
	require.NoError(t, err, "a failed deployment can be started again")
	require.Len(t, start, 1)

	// Once the window has passed, old restarts no longer count.
	d = apply(t, d, mustDecide(t, deployment.SwitchRoute{ServerID: uuid.New(), BuildID: build, Target: "127.0.0.1:4101", At: now}, d))
	assert.Empty(t, d.Serving.Restarts, "a start after a crash loop counts afresh")
}
