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
// owner, atomically with an append. With Release and AllValues (and no
// Value), it frees every value the owner holds in the scope. With Move, it
// gives the value From holds to Owner, and the append fails with
// ErrClaimTaken unless From holds it; From equal to Owner holds the value:
// the append needs Owner to hold it, and a concurrent move of it waits.
type Claim struct {
	Scope     string
	Value     string
	Owner     uuid.UUID
	Release   bool
	AllValues bool
	Move      bool
	From      uuid.UUID
	At        time.Time // when it was taken: the time of the events it goes with
}

// holds reports whether c only holds its value.
func (c Claim) holds() bool { return c.Move && c.From == c.Owner }

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
// and guards that must hold; and, with a Limit, a bound on the claims of
// a kind.
type Conditions struct {
	Claims []Claim
	Guards []Guard
	Limit  *Limit
}

// Limit bounds how many claims may exist in the scopes that start with
// ScopePrefix once the append is done (a license's number of teams, say).
// Appends with the same limit are serialized, and the claims counted after
// the previous one committed, so concurrent appends cannot overshoot it.
type Limit struct {
	ScopePrefix string
	Max         int
}

// ErrLimitReached means an append would pass its Limit.
var ErrLimitReached = errors.New("eventstore: limit reached")

// AppendWithClaims takes and frees the claims and appends the events in
// one statement: all happen, or none.
func (s *Store) AppendWithClaims(ctx context.Context, claims []Claim, appends ...StreamAppend) ([]Event, error) {
	return s.AppendIf(ctx, Conditions{Claims: claims}, appends...)
}

// AppendIf appends the events, takes and frees the claims, if every guard
// holds, in one statement: all happen, or none. A guard that does not hold
// fails with a ConflictError naming its stream.
func (s *Store) AppendIf(ctx context.Context, cond Conditions, appends ...StreamAppend) ([]Event, error) {
	if len(cond.Claims) == 0 && len(cond.Guards) == 0 && cond.Limit == nil && (s.commits == nil || hasAny(appends)) {
		return s.AppendStreams(ctx, appends...)
	}
	if err := validateAppends(appends); err != nil {
		return nil, err
	}
	for _, c := range cond.Claims {
		if c.Scope == "" || (c.Value == "") != c.AllValues || c.Owner == uuid.Nil || (!c.Release && !c.holds() && c.At.IsZero()) {
			return nil, fmt.Errorf("%w: claim lacks a scope, value, owner or time", ErrInvalidAppend)
		}
		if c.AllValues && !c.Release {
			return nil, fmt.Errorf("%w: only a release frees all of an owner's values", ErrInvalidAppend)
		}
		if c.Move && (c.Release || c.AllValues || c.From == uuid.Nil) {
			return nil, fmt.Errorf("%w: a move needs the owner it moves from, and frees nothing", ErrInvalidAppend)
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
	p, err := newPending(ctx, cond, appends)
	if err != nil {
		return nil, err
	}
	var events []Event
	switch {
	case cond.Limit != nil:
		events, err = s.appendLimited(ctx, *cond.Limit, &p.stmt, p.sql, p.args, cond, appends)
	case s.commits != nil:
		events, err = s.commits.submit(p)
	default:
		events, err = appendConditioned(ctx, s.pool, &p.stmt, p.sql, p.args, cond, appends)
	}
	if err != nil {
		return nil, err
	}
	s.Notify(ctx)
	return events, nil
}

// appendConditioned runs the conditioned INSERT through q.
func appendConditioned(ctx context.Context, q DBTX, stmt *insertStmt, sql string, args []any,
	cond Conditions, appends []StreamAppend) ([]Event, error) {
	rows, err := q.Query(ctx, sql, args...)
	if err != nil {
		return nil, claimError(err, cond.Claims, appends)
	}
	events, err := stmt.scan(rows)
	if err != nil {
		return nil, claimError(err, cond.Claims, appends)
	}
	if gated(cond) && stmt.returned == 0 {
		return nil, guardError(ctx, q, cond.Guards)
	}
	return events, nil
}

// appendLimited runs the conditioned INSERT in a transaction that first
// takes the limit's lock and counts its claims: the count, a statement of
// its own, sees every append that held the lock before.
func (s *Store) appendLimited(ctx context.Context, limit Limit, stmt *insertStmt, sql string, args []any,
	cond Conditions, appends []StreamAppend) ([]Event, error) {
	if limit.ScopePrefix == "" || limit.Max < 1 {
		return nil, fmt.Errorf("%w: a limit needs a scope prefix and a positive maximum", ErrInvalidAppend)
	}
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return nil, fmt.Errorf("begin limited append: %w", err)
	}
	defer func() { _ = tx.Rollback(context.WithoutCancel(ctx)) }()
	var held int
	b := &pgx.Batch{}
	b.Queue(`SELECT pg_advisory_xact_lock(hashtextextended(current_schema() || '/limit/' || $1, 0))`, limit.ScopePrefix)
	b.Queue(`SELECT count(*) FROM unique_claims WHERE left(scope, length($1)) = $1`, limit.ScopePrefix).
		QueryRow(func(r pgx.Row) error { return r.Scan(&held) })
	if err := tx.SendBatch(ctx, b).Close(); err != nil {
		return nil, fmt.Errorf("count claims for a limit: %w", err)
	}
	taking := 0
	for _, c := range cond.Claims {
		if strings.HasPrefix(c.Scope, limit.ScopePrefix) {
			if c.Release {
				taking--
			} else {
				taking++
			}
		}
	}
	if held+taking > limit.Max {
		return nil, fmt.Errorf("%w: %d of %d held in %s", ErrLimitReached, held, limit.Max, limit.ScopePrefix)
	}
	events, err := appendConditioned(ctx, tx, stmt, sql, args, cond, appends)
	if err != nil {
		return nil, err
	}
	if err := tx.Commit(ctx); err != nil {
		return nil, fmt.Errorf("commit limited append: %w", err)
	}
	return events, nil
}

// gated reports whether an append's statement runs only if a condition
// holds: guards, or claims moved or held.
func gated(cond Conditions) bool {
	if len(cond.Guards) > 0 {
		return true
	}
	for _, c := range cond.Claims {
		if c.Move {
			return true
		}
	}
	return false
}

// withConditions prefixes the event INSERT with a CTE that checks the
// guards and one data-modifying CTE per claim: a single statement, atomic
// without BEGIN and COMMIT. Postgres runs every data-modifying CTE whether
// or not the main query reads it, so with guards each one (and the INSERT)
// is itself conditional on them. A move is an UPDATE conditional on the
// guards (g0); g then also needs each move to have found its row, and
// fails the whole statement (division by zero) when one did not, so that
// nothing of it is written.
func withConditions(stmt insertStmt, cond Conditions) (string, []any) {
	if len(cond.Claims) == 0 && len(cond.Guards) == 0 {
		return stmt.sql, stmt.args
	}
	var b strings.Builder
	args := make([]any, 0, len(cond.Claims)*5+len(cond.Guards)*2+len(stmt.args))
	b.WriteString("WITH ")
	guarded := ""
	if gated(cond) {
		b.WriteString("g0 AS (SELECT true")
		for _, g := range cond.Guards {
			fmt.Fprintf(&b, " AND NOT EXISTS (SELECT 1 FROM events WHERE stream_id = $%d AND stream_version > $%d)", len(args)+1, len(args)+2)
			args = append(args, g.StreamID, g.Version)
		}
		b.WriteString(" AS ok), ")
		var moved []string
		for i, c := range cond.Claims {
			if !c.Move {
				continue
			}
			k := len(args)
			fmt.Fprintf(&b, "m%d AS (UPDATE unique_claims SET owner = $%d::uuid, claimed_at = CASE WHEN $%d::uuid = $%d::uuid THEN claimed_at ELSE $%d::timestamptz END "+
				"WHERE scope = $%d AND value = $%d AND owner = $%d::uuid AND (SELECT ok FROM g0) RETURNING 1), ",
				i, k+1, k+2, k+1, k+3, k+4, k+5, k+2)
			args = append(args, c.Owner, c.From, c.At, c.Scope, c.Value)
			moved = append(moved, fmt.Sprintf("(SELECT 1 / count(*) FROM m%d) = 1", i))
		}
		b.WriteString("g AS (SELECT CASE WHEN (SELECT ok FROM g0) THEN true")
		for _, m := range moved {
			b.WriteString(" AND " + m)
		}
		b.WriteString(" ELSE false END AS ok), ")
		guarded = " AND (SELECT ok FROM g)"
	}
	n := 0
	for i, c := range cond.Claims {
		if c.Move {
			continue
		}
		if n > 0 {
			b.WriteString(", ")
		}
		n++
		k := len(args)
		if c.AllValues {
			fmt.Fprintf(&b, "c%d AS (DELETE FROM unique_claims WHERE scope = $%d AND owner = $%d%s)", i, k+1, k+2, guarded)
			args = append(args, c.Scope, c.Owner)
			continue
		}
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
	sql := strings.TrimSuffix(b.String(), ", ")
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
	if errors.As(err, &pgErr) && pgErr.Code == "22012" { // a move's division by zero: see withConditions
		for _, c := range claims {
			if c.Move {
				return fmt.Errorf("%w: %s %q is not held by %s", ErrClaimTaken, c.Scope, c.Value, c.From)
			}
		}
	}
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

// ClaimedValues lists the values claimed in scope.
func (s *Store) ClaimedValues(ctx context.Context, scope string) ([]string, error) {
	rows, err := s.pool.Query(ctx, `SELECT value FROM unique_claims WHERE scope = $1`, scope)
	if err != nil {
		return nil, fmt.Errorf("read claims of %s: %w", scope, err)
	}
	values, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, fmt.Errorf("read claims of %s: %w", scope, err)
	}
	return values, nil
}

// CountClaims counts the values held in scope that are value or end with
// suffix (no suffix: value only).
func (s *Store) CountClaims(ctx context.Context, scope, value, suffix string) (int, error) {
	var n int
	err := s.pool.QueryRow(ctx, `SELECT count(*) FROM unique_claims WHERE scope = $1
		AND (value = $2 OR ($3 <> '' AND right(value, length($3)) = $3))`, scope, value, suffix).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("count claims %s %q: %w", scope, value, err)
	}
	return n, nil
}
