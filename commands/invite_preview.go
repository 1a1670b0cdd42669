package commands

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/mastra-admin/mastra-admin/domain"
	"github.com/mastra-admin/mastra-admin/domain/team"
	"github.com/mastra-admin/mastra-admin/domain/user"
)

// InvitePreview is what the holder of an invite link sees before
// accepting it.
type InvitePreview struct {
	TeamID    uuid.UUID   `json:"teamId"`
	TeamName  string      `json:"teamName"`
	Role      domain.Role `json:"role"`
	Status    string      `json:"status"` // pending, accepted, revoked or expired
	ExpiresAt time.Time   `json:"expiresAt"`
	// ForCaller reports whether the invite is for the caller's email
	// address: only its addressee may accept it.
	ForCaller bool `json:"forCaller"`
	// Member reports whether the caller is already in the team.
	Member bool `json:"member"`
}

// PreviewInvite returns what an invite token offers: the team, the role,
// whether it can still be accepted and whether it is for the caller. The
// token is the credential: a signed-in holder may look; the address it
// was sent to is not shown.
func (a *Admin) PreviewInvite(ctx context.Context, p Principal, token string) (InvitePreview, error) {
	inv, err := a.inviteByToken(ctx, p, token)
	if err != nil {
		return InvitePreview{}, err
	}
	t, ok, err := a.cfg.Reads.Team(ctx, inv.TeamID)
	if err != nil {
		return InvitePreview{}, fmt.Errorf("read team: %w", err)
	}
	if !ok {
		return InvitePreview{}, domain.Errorf(domain.KindNotFound, "invite not found")
	}
	_, member, err := a.cfg.Reads.MemberRole(ctx, inv.TeamID, p.UserID)
	if err != nil {
		return InvitePreview{}, fmt.Errorf("read membership: %w", err)
	}
	status := inv.Status
	if status == "pending" && !a.cfg.Clock.Now().Before(inv.ExpiresAt) {
		status = "expired"
	}
	return InvitePreview{TeamID: t.ID, TeamName: t.Name, Role: inv.Role, Status: status, ExpiresAt: inv.ExpiresAt,
		ForCaller: strings.EqualFold(inv.Email, p.Email), Member: member}, nil
}

// inviteByToken finds the invite a token stands for, waiting once for the
// read models when it is not there yet (made moments ago elsewhere).
func (a *Admin) inviteByToken(ctx context.Context, p Principal, token string) (team.InviteView, error) {
	notFound := domain.Errorf(domain.KindNotFound, "invite not found")
	if !strings.HasPrefix(token, InvitePrefix) || p.UserID == uuid.Nil {
		return team.InviteView{}, notFound
	}
	hash := user.HashSecret(token)
	inv, found, err := a.cfg.Reads.InviteByTokenHash(ctx, hash)
	if err == nil && !found && a.cfg.Consistency != nil {
		if err = a.cfg.Consistency.WaitForHead(ctx); err == nil {
			inv, found, err = a.cfg.Reads.InviteByTokenHash(ctx, hash)
		}
	}
	if err != nil {
		return team.InviteView{}, fmt.Errorf("look up invite: %w", err)
	}
	if !found {
		return team.InviteView{}, notFound
	}
	return inv, nil
}
