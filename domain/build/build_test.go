package build_test

import (
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/mastra-admin/mastra-admin/domain"
	"github.com/mastra-admin/mastra-admin/domain/build"
)

func fold(t *testing.T, events ...domain.Event) build.Build {
	t.Helper()
	var b build.Build
	for _, e := range events {
		var err error
		b, err = build.Evolve(b, e)
		require.NoError(t, err)
	}
	return b
}

func TestLifecycle(t *testing.T) {
	at := time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)
	q, err := build.Queue{BuildID: uuid.New(), DeploymentID: uuid.New(), SourceType: "local", SourceConfig: []byte(`{"path":"/p"}`), At: at}.Decide(build.Build{})
	require.NoError(t, err)
	b := fold(t, q...)
	require.Equal(t, build.StatusQueued, b.Status)

	_, err = build.Finish{Worker: "w1", At: at}.Decide(b)
	require.ErrorIs(t, err, domain.ErrConflict, "a queued build cannot finish")

	s, err := build.Start{Worker: "w1", Slot: "0", At: at}.Decide(b)
	require.NoError(t, err)
	b = fold(t, append(q, s...)...)
	require.Equal(t, build.StatusBuilding, b.Status)
	_, err = build.Start{Worker: "w2", Slot: "1", At: at}.Decide(b)
	require.ErrorIs(t, err, domain.ErrConflict, "a build starts once")
	_, err = build.Finish{Worker: "w2", At: at}.Decide(b)
	require.ErrorIs(t, err, domain.ErrConflict, "only its worker finishes a build")

	f, err := build.Finish{Worker: "w1", Err: "npm install failed", At: at}.Decide(b)
	require.NoError(t, err)
	require.Equal(t, build.Failed{BuildID: b.ID, DeploymentID: b.DeploymentID, Slot: "0", Reason: "npm install failed", At: at}, f[0])
	b = fold(t, append(append(q, s...), f...)...)
	_, err = build.Cancel{At: at}.Decide(b)
	require.ErrorIs(t, err, domain.ErrConflict, "an ended build cannot be cancelled")
}

func TestCancelFreesTheSlot(t *testing.T) {
	at := time.Now()
	q, _ := build.Queue{BuildID: uuid.New(), SourceType: "local", At: at}.Decide(build.Build{})
	s, _ := build.Start{Worker: "w", Slot: "3", At: at}.Decide(fold(t, q...))
	c, err := build.Cancel{At: at}.Decide(fold(t, append(q, s...)...))
	require.NoError(t, err)
	require.Equal(t, "3", c[0].(build.Cancelled).Slot)
	_, err = build.Start{Worker: "w", At: at}.Decide(fold(t, append(append(q, s...), c...)...))
	require.ErrorIs(t, err, domain.ErrConflict)
}

func TestQueueNeedsASource(t *testing.T) {
	_, err := build.Queue{BuildID: uuid.New()}.Decide(build.Build{})
	require.ErrorIs(t, err, domain.ErrInvalid)
}
