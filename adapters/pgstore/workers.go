package pgstore

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/mastra-admin/mastra-admin/eventstore"
)

// Workers implements commands.Workers over the build_workers table.
type Workers struct{ DB eventstore.DBTX }

// Seen implements commands.Workers.
func (w Workers) Seen(ctx context.Context, worker string, at time.Time) error {
	_, err := w.DB.Exec(ctx, `INSERT INTO build_workers (worker, seen_at) VALUES ($1, $2)
		ON CONFLICT (worker) DO UPDATE SET seen_at = greatest(build_workers.seen_at, excluded.seen_at)`, worker, at)
	if err != nil {
		return fmt.Errorf("record build worker %s: %w", worker, err)
	}
	return nil
}

// NotSeenSince implements commands.Workers.
func (w Workers) NotSeenSince(ctx context.Context, since time.Time) ([]string, error) {
	rows, err := w.DB.Query(ctx, `SELECT worker FROM build_workers WHERE seen_at < $1 ORDER BY worker`, since)
	if err != nil {
		return nil, fmt.Errorf("list silent build workers: %w", err)
	}
	return pgx.CollectRows(rows, pgx.RowTo[string])
}
