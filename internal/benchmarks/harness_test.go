package benchmarks

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/sirupsen/logrus"
	"github.com/stretchr/testify/require"

	"github.com/mastra-admin/mastra-admin/eventstore"
	"github.com/mastra-admin/mastra-admin/internal/pgtest"
)

// payload is a typical event payload (~200 bytes).
var payload = json.RawMessage(`{"teamId":"0192f000-0000-7000-8000-000000000001","name":"Job Agents","slug":"job-agents",` +
	`"createdBy":"0192f000-0000-7000-8000-0000000000a1","at":"2026-11-22T10:00:00.000001Z"}`)

var metadata = json.RawMessage(`{"actor":"user:0192f000-0000-7000-8000-0000000000a1","requestId":"01a2059a-520d-78d6-8540-a000b7536bf3"}`)

// setupRaw creates raw_events with the events table's columns, defaults,
// constraints and indexes, but none of the event store's triggers: the
// baseline is the same row written by a plain INSERT.
func setupRaw(b testing.TB, db *pgtest.DB) {
	_, err := db.Pool.Exec(context.Background(), `CREATE TABLE raw_events (LIKE events INCLUDING ALL)`)
	require.NoError(b, err)
}

const rawInsert = `INSERT INTO raw_events (event_id, stream_id, stream_version, event_type, schema_version, payload, metadata)
	VALUES ($1, $2, $3, $4, $5, $6, $7)`

// parallel runs op perWorker times on each of workers goroutines and
// returns the operations per second.
func parallel(b testing.TB, workers, perWorker int, op func(w, i int) error) float64 {
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	start := time.Now()
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; i < perWorker; i++ {
				if err := op(w, i); err != nil {
					errs <- fmt.Errorf("worker %d op %d: %w", w, i, err)
					return
				}
			}
		}(w)
	}
	wg.Wait()
	took := time.Since(start)
	close(errs)
	for err := range errs {
		require.NoError(b, err)
	}
	return float64(workers*perWorker) / took.Seconds()
}

// compare runs baseline and target alternately for rounds rounds (so that
// neither always runs on a warmer or busier server) and returns the total
// throughput of each in operations per second.
func compare(b testing.TB, rounds, workers, perWorker int, baseline, target func(round, w, i int) error) (float64, float64) {
	var tb, tt float64 // seconds per op, summed as time
	for r := 0; r < rounds; r++ {
		tb += float64(workers*perWorker) / parallel(b, workers, perWorker, func(w, i int) error { return baseline(r, w, i) })
		tt += float64(workers*perWorker) / parallel(b, workers, perWorker, func(w, i int) error { return target(r, w, i) })
	}
	n := float64(rounds * workers * perWorker)
	return n / tt, n / tb
}

// report prints one line and records the metrics.
func report(b *testing.B, what string, target, baseline float64, unit string, goal float64) {
	ratio := target / baseline
	verdict := "meets"
	if ratio < goal {
		verdict = "MISSES"
	}
	fmt.Printf("%-48s %10.0f %s vs baseline %10.0f %s  ratio %.2f (goal >= %.2f: %s)\n",
		what, target, unit, baseline, unit, ratio, goal, verdict)
	b.ReportMetric(target, unit)
	b.ReportMetric(baseline, "baseline-"+unit)
	b.ReportMetric(ratio, "ratio")
}

// newStore returns a store wired as serve wires it: with a running Notifier.
func newStore(b testing.TB, db *pgtest.DB) *eventstore.Store {
	l := logrus.New()
	l.SetLevel(logrus.WarnLevel)
	n := eventstore.NewNotifier(db.Pool, logrus.NewEntry(l))
	ctx, cancel := context.WithCancel(context.Background())
	b.Cleanup(cancel)
	go n.Run(ctx)
	s, err := eventstore.New(eventstore.Config{Pool: db.Pool, Notifier: n})
	require.NoError(b, err)
	return s
}

func eventData(typ string) eventstore.EventData {
	return eventstore.EventData{ID: uuid.Must(uuid.NewV7()), Type: typ, Payload: payload,
		Metadata: eventstore.Metadata{Actor: "user:0192f000-0000-7000-8000-0000000000a1", RequestID: "r"}}
}

// percentile returns the p-th percentile (0..100) of sorted durations.
func percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := int(float64(len(sorted)-1) * p / 100)
	return sorted[i]
}

func sortDurations(d []time.Duration) { sort.Slice(d, func(i, j int) bool { return d[i] < d[j] }) }

// againstRawInserts measures target against raw one-row INSERTs of
// eventType, clients × each operations per round, in rounds that
// alternate the two after one untimed warm-up round of each (pool
// connections opened, statements prepared). Each target round is timed
// until settle returns (projections caught up); warmedUp runs after the
// warm-up round. target gets a tag unique to its round, for unique names.
// It returns the operations per second of target and of the baseline.
func againstRawInserts(b *testing.B, db *pgtest.DB, eventType string, rounds, clients, each int,
	target func(tag string, w, i int) error, settle func() error, warmedUp func()) (float64, float64) {
	ctx := context.Background()
	var targetTime, rawTime time.Duration
	for r := -1; r < rounds; r++ {
		tag := uuid.NewString()[:8]
		t0 := time.Now()
		parallel(b, clients, each, func(w, i int) error {
			_, err := db.Pool.Exec(ctx, rawInsert, uuid.Must(uuid.NewV7()), fmt.Sprintf("raw-%s-%d", tag, w), int64(i+1),
				eventType, 1, payload, metadata)
			return err
		})
		if r >= 0 {
			rawTime += time.Since(t0)
		}
		t0 = time.Now()
		parallel(b, clients, each, func(w, i int) error { return target(tag, w, i) })
		require.NoError(b, settle(), "projections catch up")
		if r >= 0 {
			targetTime += time.Since(t0)
		} else if warmedUp != nil {
			warmedUp()
		}
	}
	total := float64(rounds * clients * each)
	return total / targetTime.Seconds(), total / rawTime.Seconds()
}
