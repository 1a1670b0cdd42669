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

	_, err = s.AppendWithClaims(ctx, []eventstore.Claim{{Scope: "s", Owner: a, AllValues: true}}, one("team-c", eventstore.NoStream))
	assert.ErrorIs(t, err, eventstore.ErrInvalidAppend, "only a release frees all values")
	_, err = s.AppendWithClaims(ctx, []eventstore.Claim{{Scope: "s", Value: "x", Owner: a, Release: true, AllValues: true}}, one("team-c", eventstore.NoStream))
	assert.ErrorIs(t, err, eventstore.ErrInvalidAppend, "all values or one")
}

// TestReleaseAllValuesOfAnOwner: a release with AllValues frees every
// value its owner holds in the scope, and no one else's.
func TestReleaseAllValuesOfAnOwner(t *testing.T) {
	t.Parallel()
	s, _ := newStore(t)
	ctx := context.Background()
	a, b := uuid.New(), uuid.New()
	one := func(stream string, expected eventstore.ExpectedVersion) eventstore.StreamAppend {
		return eventstore.StreamAppend{StreamID: stream, Expected: expected, Events: []eventstore.EventData{ev("team.TeamCreated", nil)}}
	}
	now := time.Now()
	_, err := s.AppendWithClaims(ctx, []eventstore.Claim{{Scope: "base", Value: "x", Owner: a, At: now},
		{Scope: "base", Value: "y", Owner: a, At: now}, {Scope: "base", Value: "z", Owner: b, At: now},
		{Scope: "other", Value: "x", Owner: a, At: now}}, one("s-1", eventstore.NoStream))
	require.NoError(t, err)
	n, err := s.CountClaims(ctx, "base", "x", "")
	require.NoError(t, err)
	assert.Equal(t, 1, n)
	n, err = s.CountClaims(ctx, "base", "nothing", "")
	require.NoError(t, err)
	assert.Zero(t, n)
	n, err = s.CountClaims(ctx, "base", "x", "y")
	require.NoError(t, err)
	assert.Equal(t, 2, n, "x itself and y, which ends in y")

	_, err = s.AppendWithClaims(ctx, []eventstore.Claim{{Scope: "base", Owner: a, Release: true, AllValues: true}},
		one("s-1", eventstore.Exact(1)))
	require.NoError(t, err)
	for value, held := range map[string]bool{"x": false, "y": false, "z": true} {
		_, ok, err := s.ClaimOwner(ctx, "base", value)
		require.NoError(t, err)
		assert.Equal(t, held, ok, value)
	}
	_, ok, err := s.ClaimOwner(ctx, "other", "x")
	require.NoError(t, err)
	assert.True(t, ok, "another scope keeps its claims")
}

// TestMoveClaim: a move gives a value to another owner only if the owner
// it names holds it, or the whole append fails; holding needs the owner to
// hold it and changes nothing; guards still gate a move.
func TestMoveClaim(t *testing.T) {
	t.Parallel()
	s, _ := newStore(t)
	ctx := context.Background()
	a, b, c := uuid.New(), uuid.New(), uuid.New()
	one := func(stream string, expected eventstore.ExpectedVersion) eventstore.StreamAppend {
		return eventstore.StreamAppend{StreamID: stream, Expected: expected, Events: []eventstore.EventData{ev("team.TeamCreated", nil)}}
	}
	owner := func(value string) uuid.UUID {
		o, _, err := s.ClaimOwner(ctx, "base", value)
		require.NoError(t, err)
		return o
	}
	t0 := time.Now()
	_, err := s.AppendWithClaims(ctx, []eventstore.Claim{{Scope: "base", Value: "x", Owner: a, At: t0}}, one("s-1", eventstore.NoStream))
	require.NoError(t, err)

	_, err = s.AppendWithClaims(ctx, []eventstore.Claim{{Scope: "base", Value: "x", Owner: c, From: b, Move: true, At: t0},
		{Scope: "other", Value: "y", Owner: c, At: t0}}, one("s-2", eventstore.NoStream))
	assert.ErrorIs(t, err, eventstore.ErrClaimTaken, "b does not hold x")
	events, err := s.ReadStream(ctx, "s-2", 0)
	require.NoError(t, err)
	assert.Empty(t, events, "a failed move appends nothing")
	_, held, err := s.ClaimOwner(ctx, "other", "y")
	require.NoError(t, err)
	assert.False(t, held, "and takes none of its other claims")
	assert.Equal(t, a, owner("x"))

	_, err = s.AppendWithClaims(ctx, []eventstore.Claim{{Scope: "base", Value: "x", Owner: a, From: a, Move: true}}, one("s-2", eventstore.NoStream))
	require.NoError(t, err, "a holds x")
	assert.Equal(t, a, owner("x"))

	_, err = s.AppendIf(ctx, eventstore.Conditions{Claims: []eventstore.Claim{{Scope: "base", Value: "x", Owner: b, From: a, Move: true, At: t0}},
		Guards: []eventstore.Guard{{StreamID: "s-1", Version: 0}}}, one("s-3", eventstore.NoStream))
	assert.ErrorIs(t, err, eventstore.ErrVersionConflict, "a failed guard")
	assert.Equal(t, a, owner("x"), "moves nothing")

	_, err = s.AppendIf(ctx, eventstore.Conditions{Claims: []eventstore.Claim{{Scope: "base", Value: "x", Owner: b, From: a, Move: true, At: t0}},
		Guards: []eventstore.Guard{{StreamID: "s-1", Version: 1}}}, one("s-3", eventstore.NoStream))
	require.NoError(t, err)
	assert.Equal(t, b, owner("x"), "moved")

	_, err = s.AppendWithClaims(ctx, []eventstore.Claim{{Scope: "base", Value: "x", Owner: b, Move: true}}, one("s-4", eventstore.NoStream))
	assert.ErrorIs(t, err, eventstore.ErrInvalidAppend, "a move names its owner")
}
