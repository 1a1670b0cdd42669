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

	"github.com/mastra-admin/mastra-admin/eventstore"
	"github.com/mastra-admin/mastra-admin/internal/pgtest"
)

func newStore(t *testing.T) (*eventstore.Store, *pgtest.DB) {
	t.Helper()
	db := pgtest.New(t)
	s, err := eventstore.New(eventstore.Config{Pool: db.Pool})
	require.NoError(t, err)
	return s, db
}

func ev(typ string, payload any) eventstore.EventData {
	b, _ := json.Marshal(payload)
	return eventstore.EventData{ID: uuid.Must(uuid.NewV7()), Type: typ, Payload: b,
		Metadata: eventstore.Metadata{Actor: "user-1", CorrelationID: "c-1", RequestID: "r-1"}}
}

func TestAppendAndReadStream(t *testing.T) {
	t.Parallel()
	s, _ := newStore(t)
	ctx := context.Background()

	got, err := s.Append(ctx, "team-1", eventstore.NoStream, ev("team.Created", map[string]string{"name": "a"}), ev("team.Renamed", map[string]string{"name": "b"}))
	require.NoError(t, err)
	require.Len(t, got, 2)
	assert.Equal(t, int64(1), got[0].StreamVersion)
	assert.Equal(t, int64(2), got[1].StreamVersion)
	assert.True(t, got[0].Position.Less(got[1].Position))
	assert.False(t, got[0].RecordedAt.IsZero())

	_, err = s.Append(ctx, "team-1", eventstore.NoStream, ev("team.Created", nil))
	assert.ErrorIs(t, err, eventstore.ErrVersionConflict, "NoStream on an existing stream")
	_, err = s.Append(ctx, "team-1", eventstore.Exact(1), ev("team.Renamed", nil))
	assert.ErrorIs(t, err, eventstore.ErrVersionConflict, "stale exact version")
	var ce *eventstore.ConflictError
	require.True(t, errors.As(err, &ce))
	assert.Equal(t, "team-1", ce.StreamID)

	_, err = s.Append(ctx, "team-1", eventstore.Exact(2), ev("team.Renamed", map[string]string{"name": "c"}))
	require.NoError(t, err)
	_, err = s.Append(ctx, "team-1", eventstore.Any, ev("team.Renamed", map[string]string{"name": "d"}))
	require.NoError(t, err)

	events, err := s.ReadStream(ctx, "team-1", 0)
	require.NoError(t, err)
	require.Len(t, events, 4)
	for i, e := range events {
		assert.Equal(t, int64(i+1), e.StreamVersion)
		assert.Equal(t, "user-1", e.Metadata.Actor)
		assert.Equal(t, "c-1", e.Metadata.CorrelationID)
	}
	assert.JSONEq(t, `{"name":"d"}`, string(events[3].Payload))

	tail, err := s.ReadStream(ctx, "team-1", 2)
	require.NoError(t, err)
	assert.Len(t, tail, 2)
}

func TestAppendStreamsIsAtomic(t *testing.T) {
	t.Parallel()
	s, _ := newStore(t)
	ctx := context.Background()
	_, err := s.Append(ctx, "slug-acme", eventstore.NoStream, ev("slug.Reserved", nil))
	require.NoError(t, err)

	// The second stream's expectation fails, so neither stream changes.
	_, err = s.AppendStreams(ctx,
		eventstore.StreamAppend{StreamID: "team-2", Expected: eventstore.NoStream, Events: []eventstore.EventData{ev("team.Created", nil)}},
		eventstore.StreamAppend{StreamID: "slug-acme", Expected: eventstore.NoStream, Events: []eventstore.EventData{ev("slug.Reserved", nil)}},
	)
	require.ErrorIs(t, err, eventstore.ErrVersionConflict)
	var ce *eventstore.ConflictError
	require.True(t, errors.As(err, &ce))
	assert.Equal(t, "slug-acme", ce.StreamID)
	events, err := s.ReadStream(ctx, "team-2", 0)
	require.NoError(t, err)
	assert.Empty(t, events)
}

func TestAppendRejectsBadInput(t *testing.T) {
	t.Parallel()
	s, _ := newStore(t)
	ctx := context.Background()
	good := ev("x.Happened", nil)
	cases := map[string][]eventstore.StreamAppend{
		"no streams":   {},
		"empty stream": {{StreamID: "", Events: []eventstore.EventData{good}}},
		"no events":    {{StreamID: "s"}},
		"bad version":  {{StreamID: "s", Expected: -5, Events: []eventstore.EventData{good}}},
		"no id":        {{StreamID: "s", Events: []eventstore.EventData{{Type: "x", Payload: []byte(`{}`)}}}},
		"bad json":     {{StreamID: "s", Events: []eventstore.EventData{{ID: uuid.New(), Type: "x", Payload: []byte(`{`)}}}},
		"stream twice": {{StreamID: "s", Events: []eventstore.EventData{good}}, {StreamID: "s", Events: []eventstore.EventData{ev("y", nil)}}},
	}
	for name, appends := range cases {
		_, err := s.AppendStreams(ctx, appends...)
		assert.ErrorIs(t, err, eventstore.ErrInvalidAppend, name)
	}
	e := ev("x.Happened", nil)
	_, err := s.Append(ctx, "a", eventstore.NoStream, e)
	require.NoError(t, err)
	_, err = s.Append(ctx, "b", eventstore.NoStream, e)
	assert.ErrorIs(t, err, eventstore.ErrDuplicateEvent, "an event id is recorded once")
}

func TestEventsAreAppendOnly(t *testing.T) {
	t.Parallel()
	s, db := newStore(t)
	ctx := context.Background()
	_, err := s.Append(ctx, "a", eventstore.NoStream, ev("x.Happened", nil))
	require.NoError(t, err)
	_, err = db.Pool.Exec(ctx, `UPDATE events SET event_type = 'forged'`)
	assert.ErrorContains(t, err, "append-only")
	_, err = db.Pool.Exec(ctx, `DELETE FROM events`)
	assert.ErrorContains(t, err, "append-only")
	_, err = db.Pool.Exec(ctx, `TRUNCATE events`)
	assert.ErrorContains(t, err, "append-only")
}

func TestConcurrentAppendsToOneStream(t *testing.T) {
	t.Parallel()
	s, _ := newStore(t)
	ctx := context.Background()
	const writers, rounds = 16, 5
	var (
		mu        sync.Mutex
		wins      = map[int64]string{}
		conflicts int
		wg        sync.WaitGroup
	)
	for round := 0; round < rounds; round++ {
		for w := 0; w < writers; w++ {
			wg.Add(1)
			go func(w int) {
				defer wg.Done()
				_, err := s.Append(ctx, "hot", eventstore.Exact(int64(round)), ev("x.Happened", map[string]int{"writer": w}))
				mu.Lock()
				defer mu.Unlock()
				switch {
				case err == nil:
					wins[int64(round+1)] = fmt.Sprint(w)
				case errors.Is(err, eventstore.ErrVersionConflict):
					conflicts++
				default:
					t.Errorf("writer %d: %v", w, err)
				}
			}(w)
		}
		wg.Wait()
	}
	assert.Len(t, wins, rounds, "exactly one append wins per version")
	assert.Equal(t, rounds*(writers-1), conflicts, "every other append gets ErrVersionConflict")
	events, err := s.ReadStream(ctx, "hot", 0)
	require.NoError(t, err)
	require.Len(t, events, rounds, "nothing lost, nothing extra")
	for _, e := range events {
		var p map[string]int
		require.NoError(t, json.Unmarshal(e.Payload, &p))
		assert.Equal(t, wins[e.StreamVersion], fmt.Sprint(p["writer"]), "the recorded event is the winner's")
	}
}

func TestUpcasters(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	up := eventstore.NewUpcasters()
	up.Register("team.Created", 1, func(p json.RawMessage) (json.RawMessage, error) {
		var v map[string]any
		if err := json.Unmarshal(p, &v); err != nil {
			return nil, err
		}
		v["slug"] = v["name"]
		return json.Marshal(v)
	})
	s, err := eventstore.New(eventstore.Config{Pool: db.Pool, Upcasters: up})
	require.NoError(t, err)
	ctx := context.Background()
	_, err = s.Append(ctx, "t", eventstore.NoStream, ev("team.Created", map[string]string{"name": "acme"}))
	require.NoError(t, err)
	events, err := s.ReadStream(ctx, "t", 0)
	require.NoError(t, err)
	require.Len(t, events, 1)
	assert.Equal(t, 2, events[0].SchemaVersion)
	assert.JSONEq(t, `{"name":"acme","slug":"acme"}`, string(events[0].Payload))
}

// TestReadAllIsGapSafe: while a transaction that started earlier is open,
// ReadAll does not return the events committed after it began, so a reader
// that moves its position past them cannot skip the earlier one; once it
// commits, both come, the earlier first.
func TestReadAllIsGapSafe(t *testing.T) {
	t.Parallel()
	s, db := newStore(t)
	ctx := context.Background()
	early, err := db.Pool.Begin(ctx)
	require.NoError(t, err)
	defer func() { _ = early.Rollback(ctx) }()
	_, err = s.AppendStreamsWith(ctx, early, eventstore.StreamAppend{StreamID: "early", Expected: eventstore.NoStream,
		Events: []eventstore.EventData{ev("x.Happened", nil)}})
	require.NoError(t, err)
	_, err = s.Append(ctx, "late", eventstore.NoStream, ev("x.Happened", nil))
	require.NoError(t, err)

	got, err := s.ReadAll(ctx, eventstore.Position{}, 100)
	require.NoError(t, err)
	assert.Empty(t, got, "the later commit is held back while the earlier transaction is open")

	require.NoError(t, early.Commit(ctx))
	// The horizon is the whole server's: other tests' transactions may
	// hold it back a moment longer.
	require.Eventually(t, func() bool {
		got, err = s.ReadAll(ctx, eventstore.Position{}, 100)
		require.NoError(t, err)
		return len(got) == 2
	}, 10*time.Second, 5*time.Millisecond)
	assert.Equal(t, "early", got[0].StreamID)
	assert.Equal(t, "late", got[1].StreamID)
}
