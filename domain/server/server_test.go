package server_test

import (
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mastra-admin/mastra-admin/domain"
	"github.com/mastra-admin/mastra-admin/domain/server"
)

func fold(t *testing.T, evs ...domain.Event) server.Server {
	t.Helper()
	var s server.Server
	for _, e := range evs {
		var err error
		s, err = server.Evolve(s, e)
		require.NoError(t, err)
	}
	return s
}

func TestServerLifecycleIsIdempotentWhereRedeliveryCanRepeatIt(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC)
	id, art := uuid.New(), uuid.New()
	sched := server.Schedule{ServerID: id, ArtifactID: art, Port: 4100, Purpose: server.PurposeDeploy, At: now}
	evs, err := sched.Decide(server.Server{})
	require.NoError(t, err)
	require.Len(t, evs, 1)
	s := fold(t, evs...)
	assert.Equal(t, server.StatusScheduled, s.Status)

	again, err := sched.Decide(s)
	require.NoError(t, err)
	assert.Empty(t, again, "the same cause delivered again schedules nothing")

	evs, err = server.MarkStarted{Runner: "r", PID: 42, StartTime: 7, At: now}.Decide(s)
	require.NoError(t, err)
	s = fold(t, append([]domain.Event{server.Scheduled{ServerID: id, ArtifactID: art, Port: 4100}}, evs...)...)
	_, err = server.MarkStarted{Runner: "r", PID: 43, At: now}.Decide(s)
	assert.Equal(t, domain.KindConflict, domain.KindOf(err), "a server starts once")

	evs, err = server.MarkHealthy{At: now}.Decide(s)
	require.NoError(t, err)
	require.Len(t, evs, 1)
	s, _ = server.Evolve(s, evs[0])
	evs, err = server.MarkHealthy{At: now}.Decide(s)
	require.NoError(t, err)
	assert.Empty(t, evs)

	evs, err = server.RequestStop{Reason: "replaced", Drain: time.Second, At: now}.Decide(s)
	require.NoError(t, err)
	require.Len(t, evs, 1)
	s, _ = server.Evolve(s, evs[0])
	evs, _ = server.RequestStop{Reason: "again", At: now}.Decide(s)
	assert.Empty(t, evs, "a stopping server is not asked again")

	evs, err = server.MarkStopped{Reason: "replaced", At: now}.Decide(s)
	require.NoError(t, err)
	require.Len(t, evs, 1)
	assert.Equal(t, 4100, evs[0].(server.Stopped).Port, "the stop names the port it frees")
	s, _ = server.Evolve(s, evs[0])
	evs, _ = server.Fail{Step: "run", Reason: "x", At: now}.Decide(s)
	assert.Empty(t, evs, "an ended server does not fail")
}

func TestScheduleRejectsBadInput(t *testing.T) {
	t.Parallel()
	_, err := server.Schedule{ServerID: uuid.New(), ArtifactID: uuid.New(), Port: 70000}.Decide(server.Server{})
	assert.Equal(t, domain.KindInvalid, domain.KindOf(err))
	_, err = server.Schedule{ServerID: uuid.New(), Port: 4100}.Decide(server.Server{})
	assert.Equal(t, domain.KindInvalid, domain.KindOf(err))
}
