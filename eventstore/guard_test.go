package eventstore_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mastra-admin/mastra-admin/eventstore"
)

func TestAppendIfGuardsHold(t *testing.T) {
	t.Parallel()
	s, db := newStore(t)
	ctx := context.Background()
	_, err := s.Append(ctx, "team-1", eventstore.NoStream, ev("team.TeamCreated", nil), ev("team.MemberAdded", nil))
	require.NoError(t, err)
	owner := uuid.New()
	project := func(id string, n int) eventstore.StreamAppend {
		a := eventstore.StreamAppend{StreamID: id, Expected: eventstore.NoStream}
		for i := 0; i < n; i++ {
			a.Events = append(a.Events, ev("project.ProjectCreated", map[string]int{"i": i}))
		}
		return a
	}
	claim := func(v string) eventstore.Claim {
		return eventstore.Claim{Scope: "project-slug/team-1", Value: v, Owner: owner, At: time.Now()}
	}

	got, err := s.AppendIf(ctx, eventstore.Conditions{Guards: []eventstore.Guard{{StreamID: "team-1", Version: 2}}}, project("project-a", 1))
	require.NoError(t, err, "the team is still at version 2")
	require.Len(t, got, 1)
	assert.NotZero(t, got[0].Position.GlobalPosition)

	got, err = s.AppendIf(ctx, eventstore.Conditions{
		Claims: []eventstore.Claim{claim("b")},
		Guards: []eventstore.Guard{{StreamID: "team-1", Version: 2}, {StreamID: "nothing-yet", Version: 0}},
	}, project("project-b", 20)) // more than a VALUES list: the unnest form
	require.NoError(t, err)
	assert.Len(t, got, 20)
	_, held, err := s.ClaimOwner(ctx, "project-slug/team-1", "b")
	require.NoError(t, err)
	assert.True(t, held)

	var n int
	require.NoError(t, db.Pool.QueryRow(ctx, `SELECT count(*) FROM events WHERE stream_id LIKE 'project-%'`).Scan(&n))
	assert.Equal(t, 21, n)
}

func TestAppendIfAGuardFailsNothingIsWritten(t *testing.T) {
	t.Parallel()
	s, db := newStore(t)
	ctx := context.Background()
	_, err := s.Append(ctx, "team-1", eventstore.NoStream, ev("team.TeamCreated", nil), ev("team.MemberAdded", nil))
	require.NoError(t, err)
	owner := uuid.New()
	_, err = s.AppendWithClaims(ctx, []eventstore.Claim{{Scope: "s", Value: "old", Owner: owner, At: time.Now()}},
		eventstore.StreamAppend{StreamID: "project-0", Expected: eventstore.NoStream, Events: []eventstore.EventData{ev("project.ProjectCreated", nil)}})
	require.NoError(t, err)

	for _, events := range []int{1, 20} {
		t.Run(fmt.Sprintf("%d events", events), func(t *testing.T) {
			a := eventstore.StreamAppend{StreamID: fmt.Sprintf("project-%d", events), Expected: eventstore.NoStream}
			for i := 0; i < events; i++ {
				a.Events = append(a.Events, ev("project.ProjectCreated", nil))
			}
			_, err := s.AppendIf(ctx, eventstore.Conditions{
				Claims: []eventstore.Claim{{Scope: "s", Value: "new", Owner: owner, At: time.Now()}, {Scope: "s", Value: "old", Owner: owner, Release: true}},
				Guards: []eventstore.Guard{{StreamID: "team-1", Version: 1}}, // the team moved on to 2
			}, a)
			require.Error(t, err)
			assert.True(t, errors.Is(err, eventstore.ErrVersionConflict), "%v", err)
			var ce *eventstore.ConflictError
			require.True(t, errors.As(err, &ce))
			assert.Equal(t, "team-1", ce.StreamID, "the error names the guarded stream")

			var written int
			require.NoError(t, db.Pool.QueryRow(ctx, `SELECT count(*) FROM events WHERE stream_id = $1`, a.StreamID).Scan(&written))
			assert.Zero(t, written, "no event")
			_, held, err := s.ClaimOwner(ctx, "s", "new")
			require.NoError(t, err)
			assert.False(t, held, "no claim taken")
			_, held, err = s.ClaimOwner(ctx, "s", "old")
			require.NoError(t, err)
			assert.True(t, held, "no claim freed")
		})
	}

	_, err = s.AppendIf(ctx, eventstore.Conditions{Guards: []eventstore.Guard{{StreamID: "", Version: 1}}},
		eventstore.StreamAppend{StreamID: "p", Expected: eventstore.NoStream, Events: []eventstore.EventData{ev("x", nil)}})
	assert.ErrorIs(t, err, eventstore.ErrInvalidAppend)
	_, err = s.AppendIf(ctx, eventstore.Conditions{Guards: []eventstore.Guard{{StreamID: "team-1", Version: 2}}},
		eventstore.StreamAppend{StreamID: "p", Expected: eventstore.Any, Events: []eventstore.EventData{ev("x", nil)}})
	assert.ErrorIs(t, err, eventstore.ErrInvalidAppend, "guards need exact expectations")
}
