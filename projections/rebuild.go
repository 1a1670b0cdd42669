package projections

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"
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
			if err := awaitOlder(ctx); err != nil {
				return done, err
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

// Rebuild builds p's read model again from position 0 and puts it in
// place of the live one, which readers of a running server keep seeing,
// whole, until then.
//
// The new read model is built in a schema of its own, batch by batch in
// short transactions (a transaction held open for the whole rebuild would
// hold back every gap-safe reader on the server), up to the head of the
// store. Then one transaction takes p's consumer lock (the live consumer
// waits), applies what came since, replaces the live rows with the new
// ones and moves the checkpoint. Only that last step holds back readers,
// for as long as copying the rows takes.
func Rebuild(ctx context.Context, store *eventstore.Store, p Projection, opts Options) (int64, error) {
	if err := eventstore.EnsureCheckpoint(ctx, store.Pool(), p.Name()); err != nil {
		return 0, err
	}
	return rebuildVia(ctx, store, p, opts, swap{checkpoint: true})
}

// swap says how a rebuilt read model is put in place: under its
// consumer's lock with its checkpoint (a projection), and after a lock
// statement (the claims, which commands write directly).
type swap struct {
	checkpoint bool
	lock       string
}

func rebuildVia(ctx context.Context, store *eventstore.Store, p Projection, opts Options, sw swap) (int64, error) {
	pool := store.Pool()
	if len(p.Tables()) == 0 {
		return 0, errors.New("projection owns no tables")
	}
	var source string
	if err := pool.QueryRow(ctx, `SELECT current_schema()`).Scan(&source); err != nil {
		return 0, fmt.Errorf("read current schema: %w", err)
	}
	shadow := "rebuild_" + strings.ReplaceAll(p.Name(), "-", "_") + "_" + strings.ReplaceAll(uuid.NewString(), "-", "")[:16]
	err := pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `CREATE SCHEMA `+pgx.Identifier{shadow}.Sanitize()); err != nil {
			return fmt.Errorf("create schema %s: %w", shadow, err)
		}
		return copyTables(ctx, tx, source, shadow, []Projection{p})
	})
	if err != nil {
		return 0, fmt.Errorf("rebuild %s: %w", p.Name(), err)
	}
	defer func() {
		_, _ = pool.Exec(context.WithoutCancel(ctx), `DROP SCHEMA IF EXISTS `+pgx.Identifier{shadow}.Sanitize()+` CASCADE`)
	}()
	done, at, err := buildShadow(ctx, store, p, shadow, opts)
	if err != nil {
		return done, fmt.Errorf("rebuild %s: %w", p.Name(), err)
	}
	for attempt := 1; ; attempt++ {
		n, err := swapIn(ctx, store, p, source, shadow, at, opts.batch(), sw)
		if errors.Is(err, errSwapWait) && attempt < swapAttempts {
			continue // rolled back: what held it up can finish; try again
		}
		done += n
		if err != nil {
			return done, fmt.Errorf("rebuild %s: %w", p.Name(), err)
		}
		return done, nil
	}
}

// swapWait bounds how long the swap, holding its locks, waits for older
// transactions to end: one of them may itself wait for those locks (a
// command taking a claim), so the swap rolls back and tries again rather
// than wait for it forever. swapAttempts bounds the tries.
const (
	swapWait     = 2 * time.Second
	swapAttempts = 20
)

var errSwapWait = errors.New("older transactions did not end while the swap waited")

// buildShadow applies every event up to the head of the store to p's
// tables in schema shadow, one batch per transaction, and returns the
// number of events read and the position reached.
func buildShadow(ctx context.Context, store *eventstore.Store, p Projection, shadow string, opts Options) (int64, eventstore.Position, error) {
	var at eventstore.Position
	target, err := store.Last(ctx)
	if err != nil {
		return 0, at, err
	}
	var total int64
	if err := store.Pool().QueryRow(ctx, `SELECT count(*) FROM events`).Scan(&total); err != nil {
		return 0, at, fmt.Errorf("count events: %w", err)
	}
	var done int64
	for {
		events, err := store.ReadAll(ctx, at, opts.batch())
		if err != nil {
			return done, at, err
		}
		if len(events) == 0 {
			if !at.Less(target) {
				return done, at, nil // caught up; what comes next is applied in the swap
			}
			if err := awaitOlder(ctx); err != nil {
				return done, at, err
			}
			continue
		}
		if err := applyInSchema(ctx, store, shadow, []Projection{p}, events); err != nil {
			return done, at, err
		}
		at = events[len(events)-1].Position
		done += int64(len(events))
		if opts.Progress != nil {
			opts.Progress(done, max(total, done))
		}
	}
}

// swapIn catches the shadow tables up from at, replaces the live rows
// with theirs and (for a projection) saves the checkpoint, in one
// transaction; it returns the number of events it applied.
func swapIn(ctx context.Context, store *eventstore.Store, p Projection, source, shadow string, at eventstore.Position,
	batch int, sw swap) (int64, error) {
	var done int64
	err := pgx.BeginFunc(ctx, store.Pool(), func(tx pgx.Tx) error {
		if sw.checkpoint {
			if _, err := eventstore.LockCheckpoint(ctx, tx, p.Name()); err != nil {
				return err
			}
		}
		if sw.lock != "" {
			if _, err := tx.Exec(ctx, sw.lock); err != nil {
				return fmt.Errorf("lock %s: %w", p.Name(), err)
			}
		}
		// The target is the last event of a transaction older than this
		// one: those younger are never visible to it, and come after the
		// checkpoint (or, for the claims, took none: the lock above makes
		// those wait).
		var target eventstore.Position
		err := tx.QueryRow(ctx, `SELECT transaction_id, global_position FROM events
			WHERE transaction_id < pg_current_xact_id()
			ORDER BY transaction_id DESC, global_position DESC LIMIT 1`).Scan(&target.TransactionID, &target.GlobalPosition)
		if err != nil && !errors.Is(err, pgx.ErrNoRows) {
			return fmt.Errorf("read the last position: %w", err)
		}
		started := time.Now()
		for at.Less(target) {
			events, err := store.ReadAllWith(ctx, tx, at, batch)
			if err != nil {
				return err
			}
			if len(events) == 0 { // an older transaction is still finishing
				if time.Since(started) > swapWait {
					return errSwapWait
				}
				if err := awaitOlder(ctx); err != nil {
					return err
				}
				continue
			}
			if err := applyInSchemaTx(ctx, tx, shadow, []Projection{p}, events); err != nil {
				return err
			}
			at = events[len(events)-1].Position
			done += int64(len(events))
		}
		tables := p.Tables()
		for i := len(tables) - 1; i >= 0; i-- { // dependents first
			if _, err := tx.Exec(ctx, "DELETE FROM "+pgx.Identifier{source, tables[i]}.Sanitize()); err != nil {
				return fmt.Errorf("empty %s: %w", tables[i], err)
			}
		}
		for _, t := range tables {
			q := fmt.Sprintf("INSERT INTO %s SELECT * FROM %s", pgx.Identifier{source, t}.Sanitize(), pgx.Identifier{shadow, t}.Sanitize())
			if _, err := tx.Exec(ctx, q); err != nil {
				return fmt.Errorf("put the rebuilt %s in place: %w", t, err)
			}
		}
		if !sw.checkpoint {
			return nil
		}
		return eventstore.SaveCheckpoint(ctx, tx, p.Name(), at)
	})
	return done, err
}

// awaitOlder pauses a reader that is short of its target because a
// transaction older than the target's is still running (so the target is
// not visible to gap-safe reads yet), before it reads again.
func awaitOlder(ctx context.Context) error {
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-time.After(2 * time.Millisecond):
		return nil
	}
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
