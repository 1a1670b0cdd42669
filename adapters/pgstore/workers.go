package pgstore

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/mastra-admin/mastra-admin/eventstore"
)

// Workers implements commands.Workers over the build_workers table. Times
// are the database's, so that replicas' clocks never compare.
type Workers struct{ DB eventstore.DBTX }

// Seen implements commands.Workers.
func (w Workers) Seen(ctx context.Context, worker string) error {
	_, err := w.DB.Exec(ctx, `INSERT INTO build_workers (worker, seen_at) VALUES ($1, now())
		ON CONFLICT (worker) DO UPDATE SET seen_at = excluded.seen_at`, worker)
	if err != nil {
		return fmt.Errorf("record build worker %s: %w", worker, err)
	}
	return nil
}

// NotSeenFor implements commands.Workers.
func (w Workers) NotSeenFor(ctx context.Context, lease time.Duration) ([]string, error) {
	rows, err := w.DB.Query(ctx, `SELECT worker FROM build_workers
		WHERE seen_at < now() - make_interval(secs => $1) ORDER BY worker`, lease.Seconds())
	if err != nil {
		return nil, fmt.Errorf("list silent build workers: %w", err)
	}
	return pgx.CollectRows(rows, pgx.RowTo[string])
}

// Forget implements commands.Workers: a worker that comes back is seen
// again.
func (w Workers) Forget(ctx context.Context, worker string) error {
	if _, err := w.DB.Exec(ctx, `DELETE FROM build_workers WHERE worker = $1`, worker); err != nil {
		return fmt.Errorf("forget build worker %s: %w", worker, err)
	}
	return nil
}
