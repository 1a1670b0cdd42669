package projections

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/mastra-admin/mastra-admin/domain/team"
	"github.com/mastra-admin/mastra-admin/eventstore"
)

// Teams projects teams and their members.
type Teams struct{}

// Name implements Projection.
func (Teams) Name() string { return "teams" }

// Tables implements Projection.
func (Teams) Tables() []string { return []string{"teams", "team_members", "team_invites"} }

// Handles implements Projection.
func (Teams) Handles() []string {
	return []string{team.TypeCreated, team.TypeRenamed, team.TypeSlugChanged, team.TypeDeleted, team.TypeMemberAdded,
		team.TypeInviteCreated, team.TypeInviteAccepted, team.TypeInviteRevoked, team.TypeMemberRoleChanged, team.TypeMemberRemoved}
}

// Apply implements Projection.
func (t Teams) Apply(ctx context.Context, tx eventstore.Tx, events []eventstore.Event) error {
	b := &pgx.Batch{}
	for _, e := range events {
		if err := t.Queue(b, e); err != nil {
			return err
		}
	}
	return sendBatch(ctx, tx, b)
}

// Queue implements Queuer.
func (Teams) Queue(b *pgx.Batch, e eventstore.Event) error {
	switch e.Type {
	case team.TypeCreated:
		v, err := decode[team.Created](e)
		if err != nil {
			return err
		}
		b.Queue(`INSERT INTO teams (id, name, slug, created_by, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $5)`,
			v.TeamID, v.Name, v.Slug, v.CreatedBy, v.At)
		b.Queue(`INSERT INTO team_members (team_id, user_id, role, joined_at) VALUES ($1, $2, 'owner', $3)`,
			v.TeamID, v.CreatedBy, v.At)
	case team.TypeRenamed:
		v, err := decode[team.Renamed](e)
		if err != nil {
			return err
		}
		b.Queue(`UPDATE teams SET name = $2, updated_at = $3 WHERE id = $1`, v.TeamID, v.Name, v.At)
	case team.TypeSlugChanged:
		v, err := decode[team.SlugChanged](e)
		if err != nil {
			return err
		}
		b.Queue(`UPDATE teams SET slug = $2, updated_at = $3 WHERE id = $1`, v.TeamID, v.Slug, v.At)
	case team.TypeDeleted:
		v, err := decode[team.Deleted](e)
		if err != nil {
			return err
		}
		b.Queue(`UPDATE teams SET deleted_at = $2, updated_at = $2 WHERE id = $1`, v.TeamID, v.At)
		b.Queue(`DELETE FROM team_members WHERE team_id = $1`, v.TeamID)
	case team.TypeMemberAdded:
		v, err := decode[team.MemberAdded](e)
		if err != nil {
			return err
		}
		b.Queue(`INSERT INTO team_members (team_id, user_id, role, joined_at) VALUES ($1, $2, $3, $4)
			ON CONFLICT (team_id, user_id) DO UPDATE SET role = excluded.role`, v.TeamID, v.UserID, string(v.Role), v.At)
	default:
		return queueMembership(b, e)
	}
	return nil
}

// queueMembership handles invites and member changes.
func queueMembership(b *pgx.Batch, e eventstore.Event) error {
	switch e.Type {
	case team.TypeInviteCreated:
		v, err := decode[team.InviteCreated](e)
		if err != nil {
			return err
		}
		b.Queue(`INSERT INTO team_invites (id, team_id, email, role, token_hash, invited_by, expires_at, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)`, v.InviteID, v.TeamID, v.Email, string(v.Role), v.TokenHash, v.By, v.ExpiresAt, v.At)
	case team.TypeInviteAccepted:
		v, err := decode[team.InviteAccepted](e)
		if err != nil {
			return err
		}
		b.Queue(`UPDATE team_invites SET status = 'accepted', updated_at = $2 WHERE id = $1`, v.InviteID, v.At)
	case team.TypeInviteRevoked:
		v, err := decode[team.InviteRevoked](e)
		if err != nil {
			return err
		}
		b.Queue(`UPDATE team_invites SET status = 'revoked', updated_at = $2 WHERE id = $1`, v.InviteID, v.At)
	case team.TypeMemberRoleChanged:
		v, err := decode[team.MemberRoleChanged](e)
		if err != nil {
			return err
		}
		b.Queue(`UPDATE team_members SET role = $3 WHERE team_id = $1 AND user_id = $2`, v.TeamID, v.UserID, string(v.Role))
	case team.TypeMemberRemoved:
		v, err := decode[team.MemberRemoved](e)
		if err != nil {
			return err
		}
		b.Queue(`DELETE FROM team_members WHERE team_id = $1 AND user_id = $2`, v.TeamID, v.UserID)
	default:
		return fmt.Errorf("teams projection: unexpected %s", e.Type)
	}
	return nil
}
