package eventstore

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// Claim takes (or, with Release, frees) a unique value in a scope for an
// owner, atomically with an append.
type Claim struct {
	Scope   string
	Value   string
	Owner   uuid.UUID
	Release bool
	At      time.Time // when it was taken: the time of the events it goes with
}

// ErrClaimTaken means a claimed value is held by another owner.
var ErrClaimTaken = errors.New("eventstore: value already claimed")

// ClaimTakenError names the value.
type ClaimTakenError struct {
	Scope, Value string
}

func (e *ClaimTakenError) Error() string {
	return fmt.Sprintf("%s %q: %v", e.Scope, e.Value, ErrClaimTaken)
}

// Unwrap lets errors.Is match ErrClaimTaken.
func (e *ClaimTakenError) Unwrap() error { return ErrClaimTaken }

// Guard is a condition on a stream the append does not write to: it must
// still be at Version (0: no events). A command that decided on a cached
// state of that stream appends with a guard, so the decision holds at
// commit or the append fails with a ConflictError naming the stream.
type Guard struct {
	StreamID string
	Version  int64
}

// Conditions go with an append, in its statement: claims taken and freed,
// and guards that must hold.
type Conditions struct {
	Claims []Claim
	Guards []Guard
}

// AppendWithClaims takes and frees the claims and appends the events in
// one statement: all happen, or none.
func (s *Store) AppendWithClaims(ctx context.Context, claims []Claim, appends ...StreamAppend) ([]Event, error) {
	return s.AppendIf(ctx, Conditions{Claims: claims}, appends...)
}

// AppendIf appends the events, takes and frees the claims, if every guard
// holds, in one statement: all happen, or none. A guard that does not hold
// fails with a ConflictError naming its stream.
func (s *Store) AppendIf(ctx context.Context, cond Conditions, appends ...StreamAppend) ([]Event, error) {
	if len(cond.Claims) == 0 && len(cond.Guards) == 0 {
		return s.AppendStreams(ctx, appends...)
	}
	if err := validateAppends(appends); err != nil {
		return nil, err
	}
	for _, c := range cond.Claims {
		if c.Scope == "" || c.Value == "" || c.Owner == uuid.Nil || (!c.Release && c.At.IsZero()) {
			return nil, fmt.Errorf("%w: claim lacks a scope, value, owner or time", ErrInvalidAppend)
		}
	}
	for _, g := range cond.Guards {
		if g.StreamID == "" || g.Version < 0 {
			return nil, fmt.Errorf("%w: guard lacks a stream or has a negative version", ErrInvalidAppend)
		}
	}
	for _, a := range appends {
		if a.Expected == Any {
			return nil, fmt.Errorf("%w: appends with claims or guards need exact expectations", ErrInvalidAppend)
		}
	}
	stmt, err := buildInsert(appends, len(cond.Guards) > 0)
	if err != nil {
		return nil, err
	}
	sql, args := withConditions(stmt, cond)
	rows, err := s.pool.Query(ctx, sql, args...)
	if err != nil {
		return nil, claimError(err, cond.Claims, appends)
	}
	events, err := stmt.scan(rows)
	if err != nil {
		return nil, claimError(err, cond.Claims, appends)
	}
	if len(cond.Guards) > 0 && stmt.returned == 0 {
		return nil, guardError(ctx, s.pool, cond.Guards)
	}
	s.Notify(ctx)
	return events, nil
}

// withConditions prefixes the event INSERT with a CTE that checks the
// guards and one data-modifying CTE per claim: a single statement, atomic
// without BEGIN and COMMIT. Postgres runs every data-modifying CTE whether
// or not the main query reads it, so with guards each one (and the INSERT)
// is itself conditional on them.
func withConditions(stmt insertStmt, cond Conditions) (string, []any) {
	var b strings.Builder
	args := make([]any, 0, len(cond.Claims)*4+len(cond.Guards)*2+len(stmt.args))
	b.WriteString("WITH ")
	guarded := ""
	if len(cond.Guards) > 0 {
		b.WriteString("g AS (SELECT ")
		for i, g := range cond.Guards {
			if i > 0 {
				b.WriteString(" AND ")
			}
			fmt.Fprintf(&b, "NOT EXISTS (SELECT 1 FROM events WHERE stream_id = $%d AND stream_version > $%d)", len(args)+1, len(args)+2)
			args = append(args, g.StreamID, g.Version)
		}
		b.WriteString(" AS ok), ")
		guarded = " AND (SELECT ok FROM g)"
	}
	for i, c := range cond.Claims {
		if i > 0 {
			b.WriteString(", ")
		}
		k := len(args)
		if c.Release {
			fmt.Fprintf(&b, "c%d AS (DELETE FROM unique_claims WHERE scope = $%d AND value = $%d AND owner = $%d%s)",
				i, k+1, k+2, k+3, guarded)
			args = append(args, c.Scope, c.Value, c.Owner)
			continue
		}
		if guarded != "" {
			fmt.Fprintf(&b, "c%d AS (INSERT INTO unique_claims (scope, value, owner, claimed_at) SELECT $%d::text, $%d::text, $%d::uuid, $%d::timestamptz WHERE (SELECT ok FROM g))",
				i, k+1, k+2, k+3, k+4)
		} else {
			fmt.Fprintf(&b, "c%d AS (INSERT INTO unique_claims (scope, value, owner, claimed_at) VALUES ($%d, $%d, $%d, $%d))",
				i, k+1, k+2, k+3, k+4)
		}
		args = append(args, c.Scope, c.Value, c.Owner, c.At)
	}
	sql := b.String()
	if len(cond.Claims) == 0 {
		sql = strings.TrimSuffix(sql, ", ")
	}
	return sql + " " + renumber(stmt.sql, len(args)), append(args, stmt.args...)
}

// guardError names a guard that does not hold.
func guardError(ctx context.Context, q DBTX, guards []Guard) error {
	for _, g := range guards {
		var v int64
		err := q.QueryRow(ctx, `SELECT coalesce(max(stream_version), 0) FROM events WHERE stream_id = $1`, g.StreamID).Scan(&v)
		if err != nil {
			return fmt.Errorf("append events: %w (a guard failed; reading %s: %v)", ErrVersionConflict, g.StreamID, err)
		}
		if v != g.Version {
			return &ConflictError{StreamID: g.StreamID, Expected: Exact(g.Version)}
		}
	}
	return fmt.Errorf("append events: %w (a guard failed)", ErrVersionConflict)
}

// renumber shifts every $n placeholder in sql by offset.
func renumber(sql string, offset int) string {
	var b strings.Builder
	for i := 0; i < len(sql); i++ {
		if sql[i] != '$' {
			b.WriteByte(sql[i])
			continue
		}
		j := i + 1
		for j < len(sql) && sql[j] >= '0' && sql[j] <= '9' {
			j++
		}
		n, err := strconv.Atoi(sql[i+1 : j])
		if err != nil {
			b.WriteByte(sql[i])
			continue
		}
		fmt.Fprintf(&b, "$%d", n+offset)
		i = j - 1
	}
	return b.String()
}

// claimError names the claim a unique violation on unique_claims is about.
func claimError(err error, claims []Claim, appends []StreamAppend) error {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && pgErr.Code == "23505" && pgErr.ConstraintName == "unique_claims_pkey" {
		for _, c := range claims {
			if !c.Release && strings.Contains(pgErr.Detail, "=("+c.Scope+", "+c.Value+")") {
				return &ClaimTakenError{Scope: c.Scope, Value: c.Value}
			}
		}
		return fmt.Errorf("%w: %s", ErrClaimTaken, pgErr.Detail)
	}
	return appendError(err, appends)
}

// ClaimOwner returns who holds a value, if anyone.
func (s *Store) ClaimOwner(ctx context.Context, scope, value string) (uuid.UUID, bool, error) {
	var owner uuid.UUID
	err := s.pool.QueryRow(ctx, `SELECT owner FROM unique_claims WHERE scope = $1 AND value = $2`, scope, value).Scan(&owner)
	if errors.Is(err, pgx.ErrNoRows) {
		return uuid.Nil, false, nil
	}
	if err != nil {
		return uuid.Nil, false, fmt.Errorf("read claim %s %q: %w", scope, value, err)
	}
	return owner, true, nil
}
