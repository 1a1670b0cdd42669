package eventstore_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mastra-admin/mastra-admin/eventstore"
)

func TestLimitHoldsUnderConcurrentAppends(t *testing.T) {
	t.Parallel()
	s, db := newStore(t)
	ctx := context.Background()
	// Open the connections first, so that the appends below race for real
	// instead of queueing behind connection set-up.
	var conns []interface{ Release() }
	for i := 0; i < 12; i++ {
		c, err := db.Pool.Acquire(ctx)
		require.NoError(t, err)
		conns = append(conns, c)
	}
	for _, c := range conns {
		c.Release()
	}
	limit := &eventstore.Limit{ScopePrefix: "team-slug", Max: 3}
	create := func(slug string) error {
		owner := uuid.New()
		_, err := s.AppendIf(ctx, eventstore.Conditions{
			Claims: []eventstore.Claim{{Scope: "team-slug", Value: slug, Owner: owner, At: time.Now()}},
			Limit:  limit,
		}, eventstore.StreamAppend{StreamID: "team-" + owner.String(), Expected: eventstore.NoStream,
			Events: []eventstore.EventData{ev("team.TeamCreated", map[string]string{"slug": slug})}})
		return err
	}

	var wg sync.WaitGroup
	start := make(chan struct{})
	errs := make([]error, 12)
	for i := range errs {
		wg.Add(1)
		go func(i int) { defer wg.Done(); <-start; errs[i] = create(fmt.Sprintf("team-%d", i)) }(i)
	}
	close(start)
	wg.Wait()
	won := 0
	for _, err := range errs {
		if err == nil {
			won++
			continue
		}
		assert.ErrorIs(t, err, eventstore.ErrLimitReached)
	}
	assert.Equal(t, 3, won, "12 concurrent creations under a limit of 3")

	// Freeing a claim frees a place.
	var owner uuid.UUID
	var slug string
	for i := range errs {
		if errs[i] == nil {
			slug = fmt.Sprintf("team-%d", i)
			held, ok, err := s.ClaimOwner(ctx, "team-slug", slug)
			require.NoError(t, err)
			require.True(t, ok)
			owner = held
			break
		}
	}
	_, err := s.AppendWithClaims(ctx, []eventstore.Claim{{Scope: "team-slug", Value: slug, Owner: owner, Release: true}},
		eventstore.StreamAppend{StreamID: "team-" + owner.String(), Expected: eventstore.Exact(1),
			Events: []eventstore.EventData{ev("team.TeamDeleted", nil)}})
	require.NoError(t, err)
	assert.NoError(t, create("after-delete"))
	assert.ErrorIs(t, create("one-too-many"), eventstore.ErrLimitReached)

	_, err = s.AppendIf(ctx, eventstore.Conditions{Limit: &eventstore.Limit{ScopePrefix: "", Max: 1}},
		eventstore.StreamAppend{StreamID: "x", Expected: eventstore.NoStream, Events: []eventstore.EventData{ev("x", nil)}})
	assert.ErrorIs(t, err, eventstore.ErrInvalidAppend)
}
