package eventstore_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	es "github.com/mastra-admin/mastra-admin/eventstore"
	"github.com/mastra-admin/mastra-admin/internal/pgtest"
)

func commitEvent() es.EventData {
	return es.EventData{ID: uuid.Must(uuid.NewV7()), Type: "test.Happened", Payload: json.RawMessage(`{}`)}
}

func queued(t *testing.T, ctx context.Context, s *es.Store, cond es.Conditions, streamID string) *es.Queued {
	t.Helper()
	q, err := s.Queue(ctx, cond, es.StreamAppend{StreamID: streamID, Expected: es.NoStream, Events: []es.EventData{commitEvent()}})
	require.NoError(t, err)
	return q
}

func streamLen(t *testing.T, s *es.Store, stream string) int {
	t.Helper()
	events, err := s.ReadStream(context.Background(), stream, 0)
	require.NoError(t, err)
	return len(events)
}

// TestGroupCommitGivesEachAppendItsOwnOutcome sends, in one batch, appends
// that hold next to one whose version is stale, one whose value is
// claimed, and one whose guard does not hold: those that hold commit
// together, once; the others get their own errors and write nothing.
func TestGroupCommitGivesEachAppendItsOwnOutcome(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	s, err := es.New(es.Config{Pool: db.Pool})
	require.NoError(t, err)
	ctx := context.Background()
	now := time.Now()
	_, err = s.AppendIf(ctx, es.Conditions{Claims: []es.Claim{{Scope: "slug", Value: "taken", Owner: uuid.New(), At: now}}},
		es.StreamAppend{StreamID: "existing", Expected: es.NoStream, Events: []es.EventData{commitEvent()}})
	require.NoError(t, err)

	owner := uuid.New()
	good1 := queued(t, ctx, s, es.Conditions{Claims: []es.Claim{{Scope: "slug", Value: "free-1", Owner: owner, At: now}}}, "good-1")
	stale := queued(t, ctx, s, es.Conditions{}, "existing")
	claimed := queued(t, ctx, s, es.Conditions{Claims: []es.Claim{{Scope: "slug", Value: "taken", Owner: uuid.New(), At: now}}}, "claimer")
	guarded := queued(t, ctx, s, es.Conditions{Guards: []es.Guard{{StreamID: "existing", Version: 0}}}, "guarded")
	good2 := queued(t, ctx, s, es.Conditions{Guards: []es.Guard{{StreamID: "existing", Version: 1}}}, "good-2")
	s.RunQueued(good1, stale, claimed, guarded, good2)

	ev1, err := good1.Result()
	require.NoError(t, err)
	ev2, err := good2.Result()
	require.NoError(t, err)
	require.Len(t, ev1, 1)
	require.Len(t, ev2, 1)
	assert.Equal(t, ev1[0].Position.TransactionID, ev2[0].Position.TransactionID,
		"the appends that hold were committed in one transaction")

	var ce *es.ConflictError
	_, err = stale.Result()
	require.True(t, errors.As(err, &ce), "stale version: %v", err)
	assert.Equal(t, "existing", ce.StreamID)
	var taken *es.ClaimTakenError
	_, err = claimed.Result()
	require.True(t, errors.As(err, &taken), "claimed value: %v", err)
	assert.Equal(t, "taken", taken.Value)
	_, err = guarded.Result()
	require.True(t, errors.As(err, &ce), "guard: %v", err)
	assert.Equal(t, "existing", ce.StreamID)

	for stream, want := range map[string]int{"good-1": 1, "good-2": 1, "existing": 1, "claimer": 0, "guarded": 0} {
		assert.Equal(t, want, streamLen(t, s, stream), stream)
	}
	stored, err := s.ReadStream(ctx, "good-1", 0)
	require.NoError(t, err)
	assert.Equal(t, stored[0].Position, ev1[0].Position, "the position returned is the one stored")
	held, ok, err := s.ClaimOwner(ctx, "slug", "free-1")
	require.NoError(t, err)
	assert.True(t, ok)
	assert.Equal(t, owner, held)
	assert.True(t, s.CommitterIdle())
}

// TestGroupCommitSkipsAbandonedAppends: an append whose caller gave up
// before it was sent is not written.
func TestGroupCommitSkipsAbandonedAppends(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	s, err := es.New(es.Config{Pool: db.Pool})
	require.NoError(t, err)
	ctx := context.Background()
	gone, cancel := context.WithCancel(ctx)
	cancel()
	abandoned := queued(t, gone, s, es.Conditions{}, "abandoned")
	kept := queued(t, ctx, s, es.Conditions{}, "kept")
	s.RunQueued(abandoned, kept)
	_, err = abandoned.Result()
	assert.ErrorIs(t, err, context.Canceled)
	_, err = kept.Result()
	require.NoError(t, err)
	assert.Zero(t, streamLen(t, s, "abandoned"))
	assert.Equal(t, 1, streamLen(t, s, "kept"))
}

// TestGroupCommitFallsBackWhenTheBatchFails: a batch that fails as a whole
// (here, by its timeout) is retried append by append, so nothing is lost
// and nothing is written twice.
func TestGroupCommitFallsBackWhenTheBatchFails(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	s, err := es.New(es.Config{Pool: db.Pool, GroupCommitTimeout: time.Nanosecond})
	require.NoError(t, err)
	ctx := context.Background()
	a := queued(t, ctx, s, es.Conditions{}, "a")
	b := queued(t, ctx, s, es.Conditions{}, "b")
	s.RunQueued(a, b)
	_, err = a.Result()
	require.NoError(t, err)
	_, err = b.Result()
	require.NoError(t, err)
	assert.Equal(t, 1, streamLen(t, s, "a"))
	assert.Equal(t, 1, streamLen(t, s, "b"))
}

// TestGroupCommitUnderContention: 32 concurrent appends, in groups of four
// that claim the same value, go through the group committer: exactly one
// of each group is recorded, the others learn the value is taken, and no
// event is lost or written twice.
func TestGroupCommitUnderContention(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	s, err := es.New(es.Config{Pool: db.Pool})
	require.NoError(t, err)
	ctx := context.Background()
	const n, group = 32, 4
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			claim := es.Claim{Scope: "slug", Value: fmt.Sprintf("v-%d", i/group), Owner: uuid.New(), At: time.Now()}
			_, errs[i] = s.AppendIf(ctx, es.Conditions{Claims: []es.Claim{claim}},
				es.StreamAppend{StreamID: fmt.Sprintf("s-%d", i), Expected: es.NoStream, Events: []es.EventData{commitEvent()}})
		}()
	}
	wg.Wait()
	for g := 0; g < n/group; g++ {
		won := 0
		for i := g * group; i < (g+1)*group; i++ {
			if errs[i] == nil {
				won++
				assert.Equal(t, 1, streamLen(t, s, fmt.Sprintf("s-%d", i)))
				continue
			}
			assert.ErrorIs(t, errs[i], es.ErrClaimTaken)
			assert.Zero(t, streamLen(t, s, fmt.Sprintf("s-%d", i)))
		}
		assert.Equal(t, 1, won, "group %d", g)
	}
	assert.True(t, s.CommitterIdle())
}
