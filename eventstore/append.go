package eventstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// appendSQL inserts any number of events of any number of streams in one
// statement, so a batch is atomic without an explicit transaction.
const appendSQL = `
INSERT INTO events (event_id, stream_id, stream_version, event_type, schema_version, payload, metadata)
SELECT * FROM unnest($1::uuid[], $2::text[], $3::bigint[], $4::text[], $5::int[], $6::jsonb[], $7::jsonb[])
RETURNING event_id, global_position, transaction_id, recorded_at`

// maxValuesRows is the largest append written as a multi-row VALUES list
// (one prepared statement per row count); larger ones use unnest, whose
// array encoding costs more per call but does not grow the statement.
const maxValuesRows = 16

// appendValuesSQL holds the VALUES statement for 1..maxValuesRows events;
// appendGuardedValuesSQL the same, inserting only if the guards of a CTE g
// (see withConditions) hold.
var appendValuesSQL, appendGuardedValuesSQL = valuesStatements(false), valuesStatements(true)

func valuesStatements(guarded bool) []string {
	out := make([]string, maxValuesRows+1)
	for n := 1; n <= maxValuesRows; n++ {
		var b strings.Builder
		b.WriteString(`INSERT INTO events (event_id, stream_id, stream_version, event_type, schema_version, payload, metadata) `)
		if guarded {
			b.WriteString(`SELECT * FROM (`)
		}
		b.WriteString(`VALUES `)
		for i := 0; i < n; i++ {
			if i > 0 {
				b.WriteString(", ")
			}
			k := i * 7
			if guarded { // a VALUES list in a subquery does not take the target's types
				fmt.Fprintf(&b, "($%d::uuid, $%d::text, $%d::bigint, $%d::text, $%d::int, $%d::jsonb, $%d::jsonb)", k+1, k+2, k+3, k+4, k+5, k+6, k+7)
			} else {
				fmt.Fprintf(&b, "($%d, $%d, $%d, $%d, $%d, $%d, $%d)", k+1, k+2, k+3, k+4, k+5, k+6, k+7)
			}
		}
		if guarded {
			b.WriteString(`) v WHERE (SELECT ok FROM g)`)
		}
		b.WriteString(` RETURNING event_id, global_position, transaction_id, recorded_at`)
		out[n] = b.String()
	}
	return out
}

// appendGuardedSQL is appendSQL inserting only if the guards of g hold.
const appendGuardedSQL = `
INSERT INTO events (event_id, stream_id, stream_version, event_type, schema_version, payload, metadata)
SELECT * FROM unnest($1::uuid[], $2::text[], $3::bigint[], $4::text[], $5::int[], $6::jsonb[], $7::jsonb[])
WHERE (SELECT ok FROM g)
RETURNING event_id, global_position, transaction_id, recorded_at`

// Tx is what a consumer's handler and a projection write through: the
// consumer's open transaction (a *pgx.Conn inside BEGIN … COMMIT) or a
// pgx.Tx. Both *pgx.Conn and pgx.Tx implement it.
type Tx interface {
	DBTX
	SendBatch(ctx context.Context, b *pgx.Batch) pgx.BatchResults
	CopyFrom(ctx context.Context, table pgx.Identifier, columns []string, src pgx.CopyFromSource) (int64, error)
}

// DBTX runs statements; *pgxpool.Pool, *pgx.Conn and pgx.Tx all are DBTX.
type DBTX interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// Append appends events to one stream.
func (s *Store) Append(ctx context.Context, streamID string, expected ExpectedVersion, events ...EventData) ([]Event, error) {
	return s.AppendStreams(ctx, StreamAppend{StreamID: streamID, Expected: expected, Events: events})
}

// AppendStreams appends to several streams atomically: all events are
// recorded, or none is. Each stream's expectation is checked.
func (s *Store) AppendStreams(ctx context.Context, appends ...StreamAppend) ([]Event, error) {
	if s.commits != nil && !hasAny(appends) {
		return s.AppendIf(ctx, Conditions{}, appends...)
	}
	events, err := s.AppendStreamsWith(ctx, s.pool, appends...)
	if err == nil {
		s.Notify(ctx)
	}
	return events, err
}

// AppendStreamsWith is AppendStreams inside the caller's transaction (or
// pool). It does not notify consumers: call Notify after committing.
func (s *Store) AppendStreamsWith(ctx context.Context, q DBTX, appends ...StreamAppend) ([]Event, error) {
	if err := validateAppends(appends); err != nil {
		return nil, err
	}
	hasAny := hasAny(appends)
	for attempt := 0; ; attempt++ {
		resolved := appends
		if hasAny {
			var err error
			if resolved, err = s.resolveAny(ctx, q, appends); err != nil {
				return nil, err
			}
		}
		events, err := insert(ctx, q, resolved)
		if hasAny && errors.Is(err, ErrVersionConflict) && attempt < s.cfg.AnyRetries {
			if isAnyConflict(err, appends) {
				continue
			}
		}
		return events, err
	}
}

func hasAny(appends []StreamAppend) bool {
	for _, a := range appends {
		if a.Expected == Any {
			return true
		}
	}
	return false
}

func isAnyConflict(err error, appends []StreamAppend) bool {
	var ce *ConflictError
	if !errors.As(err, &ce) {
		return true // the store could not tell which stream: retrying is safe
	}
	for _, a := range appends {
		if a.StreamID == ce.StreamID {
			return a.Expected == Any
		}
	}
	return false
}

func validateAppends(appends []StreamAppend) error {
	if len(appends) == 0 {
		return fmt.Errorf("%w: no streams", ErrInvalidAppend)
	}
	seen := map[string]bool{}
	for _, a := range appends {
		switch {
		case a.StreamID == "":
			return fmt.Errorf("%w: empty stream id", ErrInvalidAppend)
		case seen[a.StreamID]:
			return fmt.Errorf("%w: stream %s named twice", ErrInvalidAppend, a.StreamID)
		case len(a.Events) == 0:
			return fmt.Errorf("%w: no events for stream %s", ErrInvalidAppend, a.StreamID)
		case a.Expected < Any:
			return fmt.Errorf("%w: expected version %d for stream %s", ErrInvalidAppend, a.Expected, a.StreamID)
		}
		seen[a.StreamID] = true
		for _, e := range a.Events {
			if e.ID == uuid.Nil || e.Type == "" {
				return fmt.Errorf("%w: event of stream %s lacks an id or a type", ErrInvalidAppend, a.StreamID)
			}
			if !json.Valid(e.Payload) {
				return fmt.Errorf("%w: payload of %s %s is not valid JSON", ErrInvalidAppend, e.Type, e.ID)
			}
		}
	}
	return nil
}

// resolveAny replaces Any expectations with the streams' current versions.
func (s *Store) resolveAny(ctx context.Context, q DBTX, appends []StreamAppend) ([]StreamAppend, error) {
	var ids []string
	for _, a := range appends {
		if a.Expected == Any {
			ids = append(ids, a.StreamID)
		}
	}
	rows, err := q.Query(ctx, `SELECT stream_id, max(stream_version) FROM events WHERE stream_id = ANY($1) GROUP BY stream_id`, ids)
	if err != nil {
		return nil, fmt.Errorf("read stream versions: %w", err)
	}
	current := map[string]int64{}
	for rows.Next() {
		var id string
		var v int64
		if err := rows.Scan(&id, &v); err != nil {
			rows.Close()
			return nil, fmt.Errorf("scan stream version: %w", err)
		}
		current[id] = v
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read stream versions: %w", err)
	}
	out := make([]StreamAppend, len(appends))
	for i, a := range appends {
		if a.Expected == Any {
			a.Expected = Exact(current[a.StreamID])
		}
		out[i] = a
	}
	return out, nil
}

// insertStmt is the INSERT of a set of appends, and what it will return.
type insertStmt struct {
	sql      string
	args     []any
	out      []Event
	index    map[uuid.UUID]int
	returned int // rows the statement returned (set by scan)
}

func insert(ctx context.Context, q DBTX, appends []StreamAppend) ([]Event, error) {
	stmt, err := buildInsert(appends, false)
	if err != nil {
		return nil, err
	}
	rows, err := q.Query(ctx, stmt.sql, stmt.args...)
	if err != nil {
		return nil, appendError(err, appends)
	}
	events, err := stmt.scan(rows)
	if err != nil {
		return nil, appendError(err, appends)
	}
	return events, nil
}

// buildInsert writes the INSERT of appends; guarded, it inserts only if
// the guards of a CTE g hold.
func buildInsert(appends []StreamAppend, guarded bool) (insertStmt, error) {
	n := 0
	for _, a := range appends {
		n += len(a.Events)
	}
	var (
		ids      = make([]uuid.UUID, 0, n)
		streams  = make([]string, 0, n)
		versions = make([]int64, 0, n)
		types    = make([]string, 0, n)
		schemas  = make([]int32, 0, n)
		payloads = make([]json.RawMessage, 0, n)
		metas    = make([]json.RawMessage, 0, n)
		st       = insertStmt{out: make([]Event, 0, n), index: make(map[uuid.UUID]int, n)}
	)
	for _, a := range appends {
		for i, e := range a.Events {
			meta, err := json.Marshal(e.Metadata)
			if err != nil {
				return st, fmt.Errorf("encode metadata of %s: %w", e.ID, err)
			}
			sv := e.SchemaVersion
			if sv == 0 {
				sv = 1
			}
			version := int64(a.Expected) + int64(i) + 1
			st.index[e.ID] = len(st.out)
			ids, streams, versions = append(ids, e.ID), append(streams, a.StreamID), append(versions, version)
			types, schemas = append(types, e.Type), append(schemas, int32(sv))
			payloads, metas = append(payloads, e.Payload), append(metas, meta)
			st.out = append(st.out, Event{
				StreamID: a.StreamID, StreamVersion: version, ID: e.ID, Type: e.Type,
				SchemaVersion: sv, Payload: e.Payload, Metadata: e.Metadata,
			})
		}
	}
	if n <= maxValuesRows {
		st.sql = appendValuesSQL[n]
		if guarded {
			st.sql = appendGuardedValuesSQL[n]
		}
		st.args = make([]any, 0, n*7)
		for i := 0; i < n; i++ {
			st.args = append(st.args, ids[i], streams[i], versions[i], types[i], schemas[i], payloads[i], metas[i])
		}
	} else {
		st.sql = appendSQL
		if guarded {
			st.sql = appendGuardedSQL
		}
		st.args = []any{ids, streams, versions, types, schemas, payloads, metas}
	}
	return st, nil
}

// scan reads the RETURNING rows into the recorded events.
func (st *insertStmt) scan(rows pgx.Rows) ([]Event, error) {
	defer rows.Close()
	for rows.Next() {
		var (
			id  uuid.UUID
			pos Position
			at  time.Time
		)
		if err := rows.Scan(&id, &pos.GlobalPosition, &pos.TransactionID, &at); err != nil {
			return nil, fmt.Errorf("scan appended event: %w", err)
		}
		i, ok := st.index[id]
		if !ok {
			return nil, fmt.Errorf("append returned unknown event %s", id)
		}
		st.out[i].Position, st.out[i].RecordedAt = pos, at
		st.returned++
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return st.out, nil
}

func appendError(err error, appends []StreamAppend) error {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && pgErr.Code == "23505" { // unique_violation
		switch pgErr.ConstraintName {
		case "events_stream_id_stream_version_key":
			return conflictFor(pgErr.Detail, appends)
		case "events_event_id_key":
			return fmt.Errorf("%w: %s", ErrDuplicateEvent, pgErr.Detail)
		}
	}
	return fmt.Errorf("append events: %w", err)
}

// conflictFor names the stream in a unique-violation detail such as
// "Key (stream_id, stream_version)=(team-1, 3) already exists."
func conflictFor(detail string, appends []StreamAppend) error {
	for _, a := range appends {
		if len(appends) == 1 || containsKey(detail, a.StreamID) {
			return &ConflictError{StreamID: a.StreamID, Expected: a.Expected}
		}
	}
	return fmt.Errorf("append events: %w (%s)", ErrVersionConflict, detail)
}

func containsKey(detail, streamID string) bool {
	return strings.Contains(detail, "=("+streamID+", ")
}
