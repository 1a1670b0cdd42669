package eventstore_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mastra-admin/mastra-admin/eventstore"
)

func TestAppendWithClaims(t *testing.T) {
	t.Parallel()
	s, _ := newStore(t)
	ctx := context.Background()
	a, b := uuid.New(), uuid.New()
	one := func(stream string, expected eventstore.ExpectedVersion) eventstore.StreamAppend {
		return eventstore.StreamAppend{StreamID: stream, Expected: expected, Events: []eventstore.EventData{ev("team.TeamCreated", nil)}}
	}
	_, err := s.AppendWithClaims(ctx, []eventstore.Claim{{Scope: "team-slug", Value: "acme", Owner: a, At: time.Now()}}, one("team-a", eventstore.NoStream))
	require.NoError(t, err)
	owner, ok, err := s.ClaimOwner(ctx, "team-slug", "acme")
	require.NoError(t, err)
	assert.True(t, ok)
	assert.Equal(t, a, owner)

	_, err = s.AppendWithClaims(ctx, []eventstore.Claim{{Scope: "team-slug", Value: "acme", Owner: b, At: time.Now()}}, one("team-b", eventstore.NoStream))
	var taken *eventstore.ClaimTakenError
	require.True(t, errors.As(err, &taken), "%v", err)
	assert.Equal(t, "acme", taken.Value)
	events, err := s.ReadStream(ctx, "team-b", 0)
	require.NoError(t, err)
	assert.Empty(t, events, "a taken claim appends nothing")

	_, err = s.AppendWithClaims(ctx, []eventstore.Claim{{Scope: "team-slug", Value: "other", Owner: b, At: time.Now()}}, one("team-a", eventstore.NoStream))
	assert.ErrorIs(t, err, eventstore.ErrVersionConflict)
	_, ok, err = s.ClaimOwner(ctx, "team-slug", "other")
	require.NoError(t, err)
	assert.False(t, ok, "a failed append takes no claim")

	_, err = s.AppendWithClaims(ctx, []eventstore.Claim{{Scope: "team-slug", Value: "acme", Owner: a, Release: true}}, one("team-a", eventstore.Exact(1)))
	require.NoError(t, err)
	_, ok, err = s.ClaimOwner(ctx, "team-slug", "acme")
	require.NoError(t, err)
	assert.False(t, ok, "released")
	_, err = s.AppendWithClaims(ctx, []eventstore.Claim{{Scope: "team-slug", Value: "acme", Owner: b, At: time.Now()}}, one("team-b", eventstore.NoStream))
	assert.NoError(t, err, "a released value can be taken again")

	_, err = s.AppendWithClaims(ctx, []eventstore.Claim{{Scope: "", Value: "x", Owner: a, At: time.Now()}}, one("team-c", eventstore.NoStream))
	assert.ErrorIs(t, err, eventstore.ErrInvalidAppend)
	_, err = s.AppendWithClaims(ctx, []eventstore.Claim{{Scope: "s", Value: "x", Owner: a}}, one("team-c", eventstore.NoStream))
	assert.ErrorIs(t, err, eventstore.ErrInvalidAppend)
	_, err = s.AppendWithClaims(ctx, []eventstore.Claim{{Scope: "s", Value: "x", Owner: a, At: time.Now()}}, one("team-c", eventstore.Any))
	assert.ErrorIs(t, err, eventstore.ErrInvalidAppend)
}
