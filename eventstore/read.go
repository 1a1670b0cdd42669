package eventstore

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

const eventColumns = `global_position, transaction_id, stream_id, stream_version, event_id,
	event_type, schema_version, payload, metadata, recorded_at`

// gapSafeSQL reads committed events after a position, never past the oldest
// transaction still in flight, in (transaction_id, global_position) order.
const gapSafeSQL = `SELECT ` + eventColumns + ` FROM events
WHERE (transaction_id, global_position) > ($1::xid8, $2::bigint)
  AND transaction_id < pg_snapshot_xmin(pg_current_snapshot())
ORDER BY transaction_id, global_position
LIMIT $3`

// ReadStream returns a stream's events with versions above afterVersion.
func (s *Store) ReadStream(ctx context.Context, streamID string, afterVersion int64) ([]Event, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+eventColumns+` FROM events
		WHERE stream_id = $1 AND stream_version > $2 ORDER BY stream_version`, streamID, afterVersion)
	if err != nil {
		return nil, fmt.Errorf("read stream %s: %w", streamID, err)
	}
	events, err := s.scanEvents(rows)
	if err != nil {
		return nil, fmt.Errorf("read stream %s: %w", streamID, err)
	}
	return events, nil
}

// ReadAll returns up to limit events after the given position in the
// gap-safe global order.
func (s *Store) ReadAll(ctx context.Context, after Position, limit int) ([]Event, error) {
	return s.ReadAllWith(ctx, s.pool, after, limit)
}

// ReadAllWith is ReadAll inside the caller's transaction.
func (s *Store) ReadAllWith(ctx context.Context, q DBTX, after Position, limit int) ([]Event, error) {
	rows, err := q.Query(ctx, gapSafeSQL, after.TransactionID, after.GlobalPosition, limit)
	if err != nil {
		return nil, fmt.Errorf("read all after %s: %w", after, err)
	}
	events, err := s.scanEvents(rows)
	if err != nil {
		return nil, fmt.Errorf("read all after %s: %w", after, err)
	}
	return events, nil
}

// Filter selects events for listing.
type Filter struct {
	AfterGlobal int64     // only events with a greater global position
	StreamID    string    // exact stream, or all
	Types       []string  // any of these types, or all
	Until       time.Time // recorded at or before, or no bound
	UntilGlobal int64     // global position at most, or no bound
	Limit       int       // at most this many; 0 means 1000
}

// List returns committed events matching f in global position order. It is
// meant for people and exports; consumers use the gap-safe ReadAll.
func (s *Store) List(ctx context.Context, f Filter) ([]Event, error) {
	if f.Limit <= 0 {
		f.Limit = 1000
	}
	q := `SELECT ` + eventColumns + ` FROM events WHERE global_position > $1`
	args := []any{f.AfterGlobal}
	if f.StreamID != "" {
		args = append(args, f.StreamID)
		q += fmt.Sprintf(` AND stream_id = $%d`, len(args))
	}
	if len(f.Types) > 0 {
		args = append(args, f.Types)
		q += fmt.Sprintf(` AND event_type = ANY($%d)`, len(args))
	}
	if !f.Until.IsZero() {
		args = append(args, f.Until)
		q += fmt.Sprintf(` AND recorded_at <= $%d`, len(args))
	}
	if f.UntilGlobal > 0 {
		args = append(args, f.UntilGlobal)
		q += fmt.Sprintf(` AND global_position <= $%d`, len(args))
	}
	args = append(args, f.Limit)
	q += fmt.Sprintf(` ORDER BY global_position LIMIT $%d`, len(args))
	rows, err := s.pool.Query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("list events: %w", err)
	}
	events, err := s.scanEvents(rows)
	if err != nil {
		return nil, fmt.Errorf("list events: %w", err)
	}
	return events, nil
}

// Head returns the greatest global position recorded, 0 for an empty store.
func (s *Store) Head(ctx context.Context) (int64, error) {
	var head int64
	err := s.pool.QueryRow(ctx, `SELECT COALESCE(max(global_position), 0) FROM events`).Scan(&head)
	if err != nil {
		return 0, fmt.Errorf("read head position: %w", err)
	}
	return head, nil
}

func (s *Store) scanEvents(rows pgx.Rows) ([]Event, error) {
	return s.scanEventsKeeping(rows, false)
}

// scanEventsKeeping scans events; with keepFailed, an event whose upcaster
// fails is returned as stored with UpcastErr set, instead of failing the
// read (see Event.UpcastErr).
func (s *Store) scanEventsKeeping(rows pgx.Rows, keepFailed bool) ([]Event, error) {
	defer rows.Close()
	var out []Event
	for rows.Next() {
		var e Event
		if err := rows.Scan(&e.Position.GlobalPosition, &e.Position.TransactionID, &e.StreamID,
			&e.StreamVersion, &e.ID, &e.Type, &e.SchemaVersion, &e.Payload, &e.Metadata, &e.RecordedAt); err != nil {
			return nil, fmt.Errorf("scan event: %w", err)
		}
		up, err := s.upcasters.Upcast(e)
		if err != nil && !keepFailed {
			return nil, err
		}
		if err != nil {
			up, up.UpcastErr = e, err
		}
		out = append(out, up)
	}
	return out, rows.Err()
}

// Horizon returns the oldest transaction id still in flight: every event
// of an older transaction is already committed (or never will be).
func (s *Store) Horizon(ctx context.Context) (uint64, error) {
	var x uint64
	if err := s.pool.QueryRow(ctx, `SELECT pg_snapshot_xmin(pg_current_snapshot())`).Scan(&x); err != nil {
		return 0, fmt.Errorf("read transaction horizon: %w", err)
	}
	return x, nil
}

// Last returns the position of the last committed event in the gap-safe
// order, visible to consumers yet or not (zero for an empty store). A
// consumer whose checkpoint reaches it has applied everything committed
// before the call.
func (s *Store) Last(ctx context.Context) (Position, error) {
	var p Position
	err := s.pool.QueryRow(ctx, `SELECT transaction_id, global_position FROM events
		ORDER BY transaction_id DESC, global_position DESC LIMIT 1`).Scan(&p.TransactionID, &p.GlobalPosition)
	if errors.Is(err, pgx.ErrNoRows) {
		return Position{}, nil
	}
	if err != nil {
		return Position{}, fmt.Errorf("read last position: %w", err)
	}
	return p, nil
}
