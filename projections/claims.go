package projections

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/mastra-admin/mastra-admin/domain/deployment"
	"github.com/mastra-admin/mastra-admin/domain/project"
	"github.com/mastra-admin/mastra-admin/domain/team"
	"github.com/mastra-admin/mastra-admin/domain/user"
	"github.com/mastra-admin/mastra-admin/eventstore"
)

// Claims derives unique_claims (team, project and deployment slugs, user
// emails, production places and subdomains) from the events. Commands write claims themselves, in the same statement as their
// events, so Claims never runs as a live consumer: RebuildClaims restores
// the table from the events, for recovery and for checking.
type Claims struct{}

// Name implements Projection.
func (Claims) Name() string { return "claims" }

// Tables implements Projection.
func (Claims) Tables() []string { return []string{"unique_claims"} }

// Handles implements Projection.
func (Claims) Handles() []string {
	return []string{team.TypeCreated, team.TypeSlugChanged, team.TypeDeleted, user.TypeRegistered,
		project.TypeCreated, project.TypeDeleted, deployment.TypeCreated, deployment.TypeDeleted}
}

// Apply implements Projection.
func (c Claims) Apply(ctx context.Context, tx eventstore.Tx, events []eventstore.Event) error {
	b := &pgx.Batch{}
	for _, e := range events {
		if err := c.Queue(b, e); err != nil {
			return err
		}
	}
	return sendBatch(ctx, tx, b)
}

// Queue implements Queuer.
func (Claims) Queue(b *pgx.Batch, e eventstore.Event) error {
	const take = `INSERT INTO unique_claims (scope, value, owner, claimed_at) VALUES ($1, $2, $3, $4)`
	const free = `DELETE FROM unique_claims WHERE scope = $1 AND value = $2 AND owner = $3`
	switch e.Type {
	case team.TypeCreated:
		v, err := decode[team.Created](e)
		if err != nil {
			return err
		}
		b.Queue(take, team.SlugScope, v.Slug, v.TeamID, v.At)
	case team.TypeSlugChanged:
		v, err := decode[team.SlugChanged](e)
		if err != nil {
			return err
		}
		b.Queue(free, team.SlugScope, v.OldSlug, v.TeamID)
		b.Queue(take, team.SlugScope, v.Slug, v.TeamID, v.At)
	case team.TypeDeleted:
		v, err := decode[team.Deleted](e)
		if err != nil {
			return err
		}
		b.Queue(free, team.SlugScope, v.Slug, v.TeamID)
	case user.TypeRegistered:
		v, err := decode[user.Registered](e)
		if err != nil {
			return err
		}
		b.Queue(take, user.EmailScope, v.Email, v.UserID, v.At)
	case project.TypeCreated:
		v, err := decode[project.Created](e)
		if err != nil {
			return err
		}
		b.Queue(take, project.SlugScope(v.TeamID), v.Slug, v.ProjectID, v.At)
	case project.TypeDeleted:
		v, err := decode[project.Deleted](e)
		if err != nil {
			return err
		}
		b.Queue(free, project.SlugScope(v.TeamID), v.Slug, v.ProjectID)
	case deployment.TypeCreated:
		v, err := decode[deployment.Created](e)
		if err != nil {
			return err
		}
		for _, c := range deployment.ClaimsOf(v.ProjectID, v.Type, v.Slug, v.Subdomain) {
			b.Queue(take, c.Scope, c.Value, v.DeploymentID, v.At)
		}
	case deployment.TypeDeleted:
		v, err := decode[deployment.Deleted](e)
		if err != nil {
			return err
		}
		for _, c := range deployment.ClaimsOf(v.ProjectID, v.Type, v.Slug, v.Subdomain) {
			b.Queue(free, c.Scope, c.Value, v.DeploymentID)
		}
	default:
		return fmt.Errorf("claims projection: unexpected %s", e.Type)
	}
	return nil
}

// RebuildClaims empties unique_claims and derives it again from every
// event, in one transaction that holds an exclusive lock on the table:
// commands that take or free a claim wait, so uniqueness holds throughout.
func RebuildClaims(ctx context.Context, store *eventstore.Store, opts Options) (int64, error) {
	var read int64
	err := pgx.BeginFunc(ctx, store.Pool(), func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `LOCK TABLE unique_claims IN EXCLUSIVE MODE`); err != nil {
			return fmt.Errorf("lock unique_claims: %w", err)
		}
		if _, err := tx.Exec(ctx, `DELETE FROM unique_claims`); err != nil {
			return fmt.Errorf("empty unique_claims: %w", err)
		}
		// The target is the last event of a transaction older than this
		// one: a younger one may have committed meanwhile, but the reads
		// below never see it while this transaction is open, and it took
		// no claim (the lock above makes those wait).
		var target eventstore.Position
		err := tx.QueryRow(ctx, `SELECT transaction_id, global_position FROM events
			WHERE transaction_id < pg_current_xact_id()
			ORDER BY transaction_id DESC, global_position DESC LIMIT 1`).Scan(&target.TransactionID, &target.GlobalPosition)
		if err != nil && !errors.Is(err, pgx.ErrNoRows) {
			return fmt.Errorf("read the last position: %w", err)
		}
		var total int64
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM events`).Scan(&total); err != nil {
			return fmt.Errorf("count events: %w", err)
		}
		var pos eventstore.Position
		for pos.Less(target) {
			events, err := store.ReadAll(ctx, pos, opts.batch())
			if err != nil {
				return err
			}
			if len(events) == 0 { // the target's transaction is still finishing
				select {
				case <-ctx.Done():
					return ctx.Err()
				case <-time.After(2 * time.Millisecond):
				}
				continue
			}
			pos = events[len(events)-1].Position
			read += int64(len(events))
			if todo := filter(Claims{}, events); len(todo) > 0 {
				if err := (Claims{}).Apply(ctx, tx, todo); err != nil {
					return fmt.Errorf("rebuild claims up to %d: %w", pos.GlobalPosition, err)
				}
			}
			if opts.Progress != nil {
				opts.Progress(read, max(total, read))
			}
		}
		return nil
	})
	return read, err
}
