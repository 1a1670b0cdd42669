package eventstore

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// ResetCheckpoint moves a consumer back to before the first event and
// clears its park, so that it goes over every event again. It waits for
// the consumer's batch in progress, in any process, to commit first;
// consumers read their checkpoint at every batch, so running ones start
// over without a restart. Meant for consumers whose writes are keyed on
// the event (a projection into another store), not for read models
// (projections.Rebuild) or for process managers that send commands.
func ResetCheckpoint(ctx context.Context, pool *pgxpool.Pool, consumer string) error {
	if err := EnsureCheckpoint(ctx, pool, consumer); err != nil {
		return err
	}
	return pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		if _, err := LockCheckpoint(ctx, tx, consumer); err != nil {
			return err
		}
		if err := SaveCheckpoint(ctx, tx, consumer, Position{}); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM consumer_parks WHERE consumer = $1`, consumer); err != nil {
			return fmt.Errorf("clear park of %s: %w", consumer, err)
		}
		return nil
	})
}
