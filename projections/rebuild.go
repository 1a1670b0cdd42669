package projections

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/mastra-admin/mastra-admin/eventstore"
)

// Progress is told how many events were read out of about how many.
type Progress func(done, total int64)

// Options tunes CatchUp and Rebuild.
type Options struct {
	BatchSize int      // events per transaction; 0 means 2000
	Progress  Progress // nil: silent
}

func (o Options) batch() int {
	if o.BatchSize <= 0 {
		return 2000
	}
	return o.BatchSize
}

// CatchUp applies every event committed before the call that p has not
// applied yet, in batches, each in one transaction that also moves p's
// checkpoint. It cooperates with a live consumer of the same name: both
// take the consumer's lock per batch. It returns the number of events read.
func CatchUp(ctx context.Context, store *eventstore.Store, p Projection, opts Options) (int64, error) {
	pool := store.Pool()
	if err := eventstore.EnsureCheckpoint(ctx, pool, p.Name()); err != nil {
		return 0, err
	}
	target, err := store.Last(ctx)
	if err != nil {
		return 0, err
	}
	total, err := remaining(ctx, pool, p.Name())
	if err != nil {
		return 0, err
	}
	var done int64
	for {
		n, at, err := catchUpBatch(ctx, store, p, opts.batch())
		if err != nil {
			return done, err
		}
		done += int64(n)
		if opts.Progress != nil {
			opts.Progress(done, max(total, done))
		}
		if !at.Less(target) {
			return done, nil
		}
		if n == 0 {
			// The target is committed but an older transaction still runs,
			// so it is not visible to consumers yet: wait for it to end.
			select {
			case <-ctx.Done():
				return done, ctx.Err()
			case <-time.After(2 * time.Millisecond):
			}
		}
	}
}

// catchUpBatch applies one batch and returns its size and the checkpoint
// after it.
func catchUpBatch(ctx context.Context, store *eventstore.Store, p Projection, size int) (n int, at eventstore.Position, err error) {
	err = pgx.BeginFunc(ctx, store.Pool(), func(tx pgx.Tx) error {
		pos, err := eventstore.LockCheckpoint(ctx, tx, p.Name())
		if err != nil {
			return err
		}
		at = pos
		events, err := store.ReadAllWith(ctx, tx, pos, size)
		if err != nil || len(events) == 0 {
			return err
		}
		at = events[len(events)-1].Position
		n = len(events)
		if todo := filter(p, events); len(todo) > 0 {
			if err := p.Apply(ctx, tx, todo); err != nil {
				return fmt.Errorf("projection %s apply batch ending at %d: %w", p.Name(), events[n-1].Position.GlobalPosition, err)
			}
		}
		return eventstore.SaveCheckpoint(ctx, tx, p.Name(), events[n-1].Position)
	})
	return n, at, err
}

// Rebuild empties p's tables and applies every event again, up to the
// last one recorded when it starts, in one transaction that also moves p's
// checkpoint: readers of a running server see the old read model until the
// rebuilt one commits, never an empty or half-built one. The rows are
// deleted, not truncated, so that readers are not locked out meanwhile.
// A live consumer of p skips it while the rebuild holds its lock, and
// applies what came after once it commits.
func Rebuild(ctx context.Context, store *eventstore.Store, p Projection, opts Options) (int64, error) {
	pool := store.Pool()
	if err := eventstore.EnsureCheckpoint(ctx, pool, p.Name()); err != nil {
		return 0, err
	}
	target, err := store.Last(ctx)
	if err != nil {
		return 0, err
	}
	var total int64
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM events`).Scan(&total); err != nil {
		return 0, fmt.Errorf("count events: %w", err)
	}
	var done int64
	err = pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		if _, err := eventstore.LockCheckpoint(ctx, tx, p.Name()); err != nil {
			return err
		}
		if err := deleteRows(ctx, tx, p.Tables()); err != nil {
			return err
		}
		var at eventstore.Position
		for at.Less(target) {
			events, err := store.ReadAllWith(ctx, tx, at, opts.batch())
			if err != nil {
				return err
			}
			if len(events) == 0 {
				// The target is committed but an older transaction still
				// runs, so it is not visible yet: wait for it to end.
				select {
				case <-ctx.Done():
					return ctx.Err()
				case <-time.After(2 * time.Millisecond):
				}
				continue
			}
			n := len(events)
			if todo := filter(p, events); len(todo) > 0 {
				if err := p.Apply(ctx, tx, todo); err != nil {
					return fmt.Errorf("projection %s apply batch ending at %d: %w", p.Name(), events[n-1].Position.GlobalPosition, err)
				}
			}
			at = events[n-1].Position
			done += int64(n)
			if opts.Progress != nil {
				opts.Progress(done, max(total, done))
			}
		}
		return eventstore.SaveCheckpoint(ctx, tx, p.Name(), at)
	})
	if err != nil {
		return done, fmt.Errorf("rebuild projection %s: %w", p.Name(), err)
	}
	return done, nil
}

// deleteRows empties tables inside tx, in reverse order (dependents
// first), leaving the old rows visible to other transactions until tx
// commits.
func deleteRows(ctx context.Context, tx pgx.Tx, tables []string) error {
	if len(tables) == 0 {
		return errors.New("projection owns no tables")
	}
	for i := len(tables) - 1; i >= 0; i-- {
		if _, err := tx.Exec(ctx, "DELETE FROM "+pgx.Identifier{tables[i]}.Sanitize()); err != nil {
			return fmt.Errorf("empty %s: %w", tables[i], err)
		}
	}
	return nil
}

// remaining estimates how many events a consumer has not read yet.
func remaining(ctx context.Context, q eventstore.DBTX, consumer string) (int64, error) {
	var n int64
	err := q.QueryRow(ctx, `SELECT count(*) FROM events e, consumer_checkpoints c
		WHERE c.consumer = $1 AND e.global_position > c.global_position`, consumer).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("count events left for %s: %w", consumer, err)
	}
	return n, nil
}
