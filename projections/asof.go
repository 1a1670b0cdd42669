package projections

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/mastra-admin/mastra-admin/eventstore"
)

// AsOf is a past moment: events recorded at or before Time, or at or
// before global position Position. Exactly one is set.
type AsOf struct {
	Time     time.Time
	Position int64
}

func (a AsOf) includes(e eventstore.Event) bool {
	if a.Position > 0 {
		return e.Position.GlobalPosition <= a.Position
	}
	return !e.RecordedAt.After(a.Time)
}

// Validate reports whether exactly one bound is set.
func (a AsOf) Validate() error {
	if (a.Position > 0) == !a.Time.IsZero() {
		return errors.New("as-of needs exactly one of a time or a position")
	}
	return nil
}

var schemaName = regexp.MustCompile(`^[a-z_][a-z0-9_]{0,62}$`)

// BuildAsOf builds the read models of ps as they were at the moment asOf
// into schema, which must not exist yet. Events are applied in the same
// gap-safe order as live, so the tables equal what the live read models
// held once every event up to that moment had been applied. The schema
// gets an as_of table that records the moment and the count.
func BuildAsOf(ctx context.Context, store *eventstore.Store, ps []Projection, asOf AsOf, schema string, opts Options) (int64, error) {
	if err := asOf.Validate(); err != nil {
		return 0, err
	}
	if !schemaName.MatchString(schema) {
		return 0, fmt.Errorf("schema name %q: use lower-case letters, digits and underscores", schema)
	}
	pool := store.Pool()
	var source string
	if err := pool.QueryRow(ctx, `SELECT current_schema()`).Scan(&source); err != nil {
		return 0, fmt.Errorf("read current schema: %w", err)
	}
	if source == schema {
		return 0, fmt.Errorf("schema %s is the live schema", schema)
	}
	if err := createAsOfSchema(ctx, pool, source, schema, ps, asOf); err != nil {
		return 0, err
	}
	var total int64
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM events`).Scan(&total); err != nil {
		return 0, fmt.Errorf("count events: %w", err)
	}
	// The store as it stands when the build starts bounds the read, so
	// that appends made meanwhile cannot keep it going.
	head, err := store.Last(ctx)
	if err != nil {
		return 0, err
	}
	var read, applied int64
	var pos eventstore.Position
	for pos.Less(head) {
		events, err := store.ReadAll(ctx, pos, opts.batch())
		if err != nil {
			return applied, err
		}
		for len(events) > 0 && head.Less(events[len(events)-1].Position) {
			events = events[:len(events)-1]
		}
		if len(events) == 0 {
			if err := awaitOlder(ctx); err != nil { // before the head, not visible yet
				return applied, err
			}
			continue
		}
		pos = events[len(events)-1].Position
		read += int64(len(events))
		kept := events[:0:0]
		for _, e := range events {
			if asOf.includes(e) {
				kept = append(kept, e)
			}
		}
		if err := applyInSchema(ctx, store, schema, ps, kept); err != nil {
			return applied, err
		}
		applied += int64(len(kept))
		if opts.Progress != nil {
			opts.Progress(read, max(total, read))
		}
	}
	_, err = pool.Exec(ctx, fmt.Sprintf(`UPDATE %s.as_of SET events_applied = $1`, pgx.Identifier{schema}.Sanitize()), applied)
	if err != nil {
		return applied, fmt.Errorf("record as-of count: %w", err)
	}
	return applied, nil
}

func createAsOfSchema(ctx context.Context, pool *pgxpool.Pool, source, schema string, ps []Projection, asOf AsOf) error {
	s := pgx.Identifier{schema}.Sanitize()
	return pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `CREATE SCHEMA `+s); err != nil {
			return fmt.Errorf("create schema %s (it must not exist yet): %w", schema, err)
		}
		if err := copyTables(ctx, tx, source, schema, ps); err != nil {
			return err
		}
		var at any
		if !asOf.Time.IsZero() {
			at = asOf.Time
		}
		_, err := tx.Exec(ctx, `CREATE TABLE `+s+`.as_of (source_schema TEXT NOT NULL, as_of_time TIMESTAMPTZ,
			as_of_position BIGINT, built_at TIMESTAMPTZ NOT NULL DEFAULT now(), events_applied BIGINT NOT NULL DEFAULT 0)`)
		if err != nil {
			return fmt.Errorf("create as_of table: %w", err)
		}
		_, err = tx.Exec(ctx, `INSERT INTO `+s+`.as_of (source_schema, as_of_time, as_of_position) VALUES ($1, $2, $3)`,
			source, at, asOf.Position)
		return err
	})
}

// copyTables creates the projections' tables, empty, in schema, like
// those of source.
func copyTables(ctx context.Context, tx pgx.Tx, source, schema string, ps []Projection) error {
	for _, p := range ps {
		for _, t := range p.Tables() {
			q := fmt.Sprintf(`CREATE TABLE %s.%s (LIKE %s.%s INCLUDING ALL)`, pgx.Identifier{schema}.Sanitize(),
				pgx.Identifier{t}.Sanitize(), pgx.Identifier{source}.Sanitize(), pgx.Identifier{t}.Sanitize())
			if _, err := tx.Exec(ctx, q); err != nil {
				return fmt.Errorf("copy table %s into %s: %w", t, schema, err)
			}
		}
	}
	return nil
}

func applyInSchema(ctx context.Context, store *eventstore.Store, schema string, ps []Projection, events []eventstore.Event) error {
	if len(events) == 0 {
		return nil
	}
	return pgx.BeginFunc(ctx, store.Pool(), func(tx pgx.Tx) error { return applyInSchemaTx(ctx, tx, schema, ps, events) })
}

// applyInSchemaTx applies events to the projections' tables in schema,
// inside tx, and then puts tx's search path back as it was.
func applyInSchemaTx(ctx context.Context, tx pgx.Tx, schema string, ps []Projection, events []eventstore.Event) error {
	var prev string
	err := tx.QueryRow(ctx, `SELECT current_setting('search_path'), set_config('search_path', $1, true)`,
		pgx.Identifier{schema}.Sanitize()).Scan(&prev, new(string))
	if err != nil {
		return fmt.Errorf("switch to schema %s: %w", schema, err)
	}
	for _, p := range ps {
		if todo := filter(p, events); len(todo) > 0 {
			if err := p.Apply(ctx, tx, todo); err != nil {
				return fmt.Errorf("projection %s apply in %s: %w", p.Name(), schema, err)
			}
		}
	}
	if _, err := tx.Exec(ctx, `SELECT set_config('search_path', $1, true)`, prev); err != nil {
		return fmt.Errorf("switch back from schema %s: %w", schema, err)
	}
	return nil
}
