package projections

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/mastra-admin/mastra-admin/domain/build"
	"github.com/mastra-admin/mastra-admin/domain/deployment"
	"github.com/mastra-admin/mastra-admin/domain/project"
	"github.com/mastra-admin/mastra-admin/domain/server"
	"github.com/mastra-admin/mastra-admin/domain/team"
	"github.com/mastra-admin/mastra-admin/domain/user"
	"github.com/mastra-admin/mastra-admin/eventstore"
)

// Claims derives unique_claims (team, project and deployment slugs, user
// emails, linked identities, production places, subdomains, subdomain
// bases, build slots and server ports) from the events. Commands write claims themselves, in the same statement as their
// events, so Claims never runs as a live consumer: RebuildClaims restores
// the table from the events, for recovery and for checking.
type Claims struct{}

// Name implements Projection.
func (Claims) Name() string { return "claims" }

// Tables implements Projection.
func (Claims) Tables() []string { return []string{"unique_claims"} }

// Handles implements Projection.
func (Claims) Handles() []string {
	return []string{team.TypeCreated, team.TypeSlugChanged, team.TypeDeleted, user.TypeRegistered, user.TypeIdentityLinked,
		project.TypeCreated, project.TypeDeleted, project.TypeSubdomainBaseTransferred,
		deployment.TypeCreated, deployment.TypeDeleted,
		build.TypeStarted, build.TypeReady, build.TypeSucceeded, build.TypeFailed, build.TypeCancelled,
		server.TypeScheduled, server.TypeFailed, server.TypeStopped}
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
	// A base moves between a team and its projects (see project.BaseScope).
	const move = `UPDATE unique_claims SET owner = $4, claimed_at = $5 WHERE scope = $1 AND value = $2 AND owner = $3`
	// A project recorded before bases whose slug another team's project
	// already used as its base got none: nor does it here.
	const takeIfFree = `INSERT INTO unique_claims (scope, value, owner, claimed_at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`
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
		b.Queue(`DELETE FROM unique_claims WHERE scope = $1 AND owner = $2`, project.BaseScope, v.TeamID)
	case user.TypeRegistered:
		v, err := decode[user.Registered](e)
		if err != nil {
			return err
		}
		b.Queue(take, user.EmailScope, v.Email, v.UserID, v.At)
	case user.TypeIdentityLinked:
		v, err := decode[user.IdentityLinked](e)
		if err != nil {
			return err
		}
		b.Queue(take, user.IdentityScope(v.Issuer), v.Subject, v.UserID, v.At)
	case project.TypeCreated:
		v, err := decode[project.Created](e)
		if err != nil {
			return err
		}
		b.Queue(take, project.SlugScope(v.TeamID), v.Slug, v.ProjectID, v.At)
		b.Queue(move, project.BaseScope, v.Base(), v.TeamID, v.ProjectID, v.At)
		b.Queue(takeIfFree, project.BaseScope, v.Base(), v.ProjectID, v.At)
	case project.TypeDeleted:
		v, err := decode[project.Deleted](e)
		if err != nil {
			return err
		}
		b.Queue(free, project.SlugScope(v.TeamID), v.Slug, v.ProjectID)
		if v.Reason == project.ReasonTeamDeleted {
			b.Queue(free, project.BaseScope, v.Base(), v.ProjectID)
		} else {
			b.Queue(move, project.BaseScope, v.Base(), v.ProjectID, v.TeamID, v.At)
		}
	case project.TypeSubdomainBaseTransferred:
		v, err := decode[project.SubdomainBaseTransferred](e)
		if err != nil {
			return err
		}
		if v.FromTeam == uuid.Nil {
			b.Queue(take, project.BaseScope, v.Base, v.ToTeam, v.At)
		} else {
			b.Queue(move, project.BaseScope, v.Base, v.FromTeam, v.ToTeam, v.At)
		}
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
	case build.TypeStarted, build.TypeReady, build.TypeSucceeded, build.TypeFailed, build.TypeCancelled:
		return queueSlot(b, e, take, free)
	case server.TypeScheduled, server.TypeFailed, server.TypeStopped:
		return queuePort(b, e, take, free)
	default:
		return fmt.Errorf("claims projection: unexpected %s", e.Type)
	}
	return nil
}

// queueSlot takes the build slot a started build holds, and frees it when
// the build ends.
func queueSlot(b *pgx.Batch, e eventstore.Event, take, free string) error {
	v, err := decode[struct {
		BuildID uuid.UUID `json:"buildId"`
		Slot    string    `json:"slot"`
		At      time.Time `json:"at"`
	}](e)
	switch {
	case err != nil:
		return err
	case v.Slot == "":
	case e.Type == build.TypeStarted:
		b.Queue(take, build.SlotScope, v.Slot, v.BuildID, v.At)
	default:
		b.Queue(free, build.SlotScope, v.Slot, v.BuildID)
	}
	return nil
}

// queuePort takes the port a scheduled server holds, and frees it when the
// server ends.
func queuePort(b *pgx.Batch, e eventstore.Event, take, free string) error {
	v, err := decode[struct {
		ServerID uuid.UUID `json:"serverId"`
		Port     int       `json:"port"`
		At       time.Time `json:"at"`
	}](e)
	switch {
	case err != nil:
		return err
	case e.Type == server.TypeScheduled:
		b.Queue(take, server.PortScope, server.PortClaimValue(v.Port), v.ServerID, v.At)
	default:
		b.Queue(free, server.PortScope, server.PortClaimValue(v.Port), v.ServerID)
	}
	return nil
}

// RebuildClaims derives unique_claims again from every event: built
// aside, then put in place in one transaction that holds an exclusive lock
// on the table, so that commands taking or freeing a claim wait for it and
// uniqueness holds throughout.
func RebuildClaims(ctx context.Context, store *eventstore.Store, opts Options) (int64, error) {
	return rebuildVia(ctx, store, Claims{}, opts, swap{lock: `LOCK TABLE unique_claims IN EXCLUSIVE MODE`})
}
