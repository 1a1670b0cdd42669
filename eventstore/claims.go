package eventstore

import (
	"context"
	"errors"
	"fmt"

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
// one transaction, sent in one round trip: all happen, or none.
func (s *Store) AppendWithClaims(ctx context.Context, claims []Claim, appends ...StreamAppend) ([]Event, error) {
	if len(claims) == 0 {
		return s.AppendStreams(ctx, appends...)
	}
	if err := validateAppends(appends); err != nil {
		return nil, err
	}
	for _, c := range claims {
		if c.Scope == "" || c.Value == "" || c.Owner == uuid.Nil {
			return nil, fmt.Errorf("%w: claim lacks a scope, value or owner", ErrInvalidAppend)
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
	pooled, err := s.pool.Acquire(ctx)
	if err != nil {
		return nil, fmt.Errorf("acquire connection: %w", err)
	}
	defer pooled.Release() // destroyed by the pool if left inside a transaction
	conn := pooled.Conn()

	b := &pgx.Batch{}
	b.Queue("BEGIN")
	for _, c := range claims {
		if c.Release {
			b.Queue(`DELETE FROM unique_claims WHERE scope = $1 AND value = $2 AND owner = $3`, c.Scope, c.Value, c.Owner)
		} else {
			b.Queue(`INSERT INTO unique_claims (scope, value, owner) VALUES ($1, $2, $3)`, c.Scope, c.Value, c.Owner)
		}
	}
	b.Queue(stmt.sql, stmt.args...)
	b.Queue("COMMIT")
	events, err := runClaimBatch(ctx, conn.SendBatch(ctx, b), claims, stmt, appends)
	if err != nil {
		if conn.PgConn().TxStatus() != 'I' {
			_, _ = conn.Exec(context.WithoutCancel(ctx), "ROLLBACK")
		}
		return nil, err
	}
	s.Notify(ctx)
	return events, nil
}

func runClaimBatch(ctx context.Context, br pgx.BatchResults, claims []Claim, stmt insertStmt, appends []StreamAppend) ([]Event, error) {
	defer br.Close()
	if _, err := br.Exec(); err != nil {
		return nil, fmt.Errorf("begin: %w", err)
	}
	for _, c := range claims {
		if _, err := br.Exec(); err != nil {
			var pgErr *pgconn.PgError
			if !c.Release && errors.As(err, &pgErr) && pgErr.Code == "23505" {
				return nil, &ClaimTakenError{Scope: c.Scope, Value: c.Value}
			}
			return nil, fmt.Errorf("claim %s %q: %w", c.Scope, c.Value, err)
		}
	}
	rows, err := br.Query()
	if err != nil {
		return nil, appendError(err, appends)
	}
	events, err := stmt.scan(rows)
	if err != nil {
		return nil, appendError(err, appends)
	}
	if _, err := br.Exec(); err != nil {
		return nil, fmt.Errorf("commit: %w", err)
	}
	return events, br.Close()
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
