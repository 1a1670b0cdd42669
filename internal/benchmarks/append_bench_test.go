package benchmarks

import (
	"context"
	"fmt"
	"testing"

	"github.com/google/uuid"

	"github.com/mastra-admin/mastra-admin/eventstore"
	"github.com/mastra-admin/mastra-admin/internal/pgtest"
)

// BenchmarkAppendSingle8 compares single-event appends by 8 concurrent
// writers (each to its own stream, exact expected version) with raw
// one-row INSERTs of the same row by 8 writers. Goal: ratio >= 0.8.
func BenchmarkAppendSingle8(b *testing.B) {
	db := pgtest.New(b)
	setupRaw(b, db)
	store := newStore(b, db)
	ctx := context.Background()
	const rounds, writers, each = 4, 8, 400
	for n := 0; n < b.N; n++ {
		es, raw := compare(b, rounds, writers, each,
			func(r, w, i int) error {
				_, err := db.Pool.Exec(ctx, rawInsert, uuid.Must(uuid.NewV7()), fmt.Sprintf("raw-%d-%d-%d", n, r, w), int64(i+1),
					"team.TeamCreated", 1, payload, metadata)
				return err
			},
			func(r, w, i int) error {
				_, err := store.Append(ctx, fmt.Sprintf("es-%d-%d-%d", n, r, w), eventstore.Exact(int64(i)), eventData("team.TeamCreated"))
				return err
			})
		report(b, "append 1 event, 8 writers", es, raw, "events/s", 0.8)
	}
}

// BenchmarkAppendBatch100 compares 100-event appends with raw 100-row
// INSERTs of the same rows, 4 writers each. Goal: ratio >= 0.8.
func BenchmarkAppendBatch100(b *testing.B) {
	db := pgtest.New(b)
	setupRaw(b, db)
	store := newStore(b, db)
	ctx := context.Background()
	const rounds, writers, each, size = 4, 4, 15, 100
	values := ""
	for i := 0; i < size; i++ {
		if i > 0 {
			values += ","
		}
		k := i * 7
		values += fmt.Sprintf("($%d,$%d,$%d,$%d,$%d,$%d,$%d)", k+1, k+2, k+3, k+4, k+5, k+6, k+7)
	}
	rawBatch := `INSERT INTO raw_events (event_id, stream_id, stream_version, event_type, schema_version, payload, metadata) VALUES ` + values
	for n := 0; n < b.N; n++ {
		es, raw := compare(b, rounds, writers, each,
			func(r, w, i int) error {
				args := make([]any, 0, size*7)
				for j := 0; j < size; j++ {
					args = append(args, uuid.Must(uuid.NewV7()), fmt.Sprintf("raw-%d-%d-%d", n, r, w), int64(i*size+j+1),
						"team.TeamCreated", 1, payload, metadata)
				}
				_, err := db.Pool.Exec(ctx, rawBatch, args...)
				return err
			},
			func(r, w, i int) error {
				evs := make([]eventstore.EventData, size)
				for j := range evs {
					evs[j] = eventData("team.TeamCreated")
				}
				_, err := store.Append(ctx, fmt.Sprintf("es-%d-%d-%d", n, r, w), eventstore.Exact(int64(i*size)), evs...)
				return err
			})
		report(b, "append 100-event batch, 4 writers", es*size, raw*size, "events/s", 0.8)
	}
}
