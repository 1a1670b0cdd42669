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

// AppendWithClaims takes and frees the claims and appends the events in
// one statement: all happen, or none.
func (s *Store) AppendWithClaims(ctx context.Context, claims []Claim, appends ...StreamAppend) ([]Event, error) {
	if len(claims) == 0 {
		return s.AppendStreams(ctx, appends...)
	}
	if err := validateAppends(appends); err != nil {
		return nil, err
	}
	for _, c := range claims {
		if c.Scope == "" || c.Value == "" || c.Owner == uuid.Nil || (!c.Release && c.At.IsZero()) {
			return nil, fmt.Errorf("%w: claim lacks a scope, value, owner or time", ErrInvalidAppend)
		}
	}
	for _, a := range appends {
		if a.Expected == Any {
			return nil, fmt.Errorf("%w: appends with claims need exact expectations", ErrInvalidAppend)
		}
	}
	stmt, err := buildInsert(appends)
	if err != nil {
		return nil, err
	}
	sql, args := withClaims(stmt, claims)
	rows, err := s.pool.Query(ctx, sql, args...)
	if err != nil {
		return nil, claimError(err, claims, appends)
	}
	events, err := stmt.scan(rows)
	if err != nil {
		return nil, claimError(err, claims, appends)
	}
	s.Notify(ctx)
	return events, nil
}

// withClaims prefixes the event INSERT with one data-modifying CTE per
// claim: a single statement, atomic without BEGIN and COMMIT. Postgres
// runs every data-modifying CTE whether or not the main query reads it.
func withClaims(stmt insertStmt, claims []Claim) (string, []any) {
	var b strings.Builder
	args := make([]any, 0, len(claims)*4+len(stmt.args))
	b.WriteString("WITH ")
	for i, c := range claims {
		if i > 0 {
			b.WriteString(", ")
		}
		k := len(args)
		if c.Release {
			fmt.Fprintf(&b, "c%d AS (DELETE FROM unique_claims WHERE scope = $%d AND value = $%d AND owner = $%d)", i, k+1, k+2, k+3)
			args = append(args, c.Scope, c.Value, c.Owner)
			continue
		}
		fmt.Fprintf(&b, "c%d AS (INSERT INTO unique_claims (scope, value, owner, claimed_at) VALUES ($%d, $%d, $%d, $%d))",
			i, k+1, k+2, k+3, k+4)
		args = append(args, c.Scope, c.Value, c.Owner, c.At)
	}
	b.WriteString(" ")
	b.WriteString(renumber(stmt.sql, len(args)))
	return b.String(), append(args, stmt.args...)
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
