package commands

import (
	"context"
	"fmt"

	"github.com/mastra-admin/mastra-admin/domain"
	"github.com/mastra-admin/mastra-admin/domain/team"
	"github.com/mastra-admin/mastra-admin/domain/user"
)

// MeView is the caller with their teams and roles.
type MeView struct {
	User  user.View   `json:"user"`
	Teams []team.View `json:"teams"`
}

// Me returns the caller, their teams and their role in each.
func (a *Admin) Me(ctx context.Context, p Principal) (MeView, error) {
	if err := a.fresh(ctx, p); err != nil {
		return MeView{}, err
	}
	u, ok, err := a.cfg.Reads.UserByID(ctx, p.UserID)
	if err != nil {
		return MeView{}, fmt.Errorf("read user: %w", err)
	}
	if !ok {
		return MeView{}, domain.Errorf(domain.KindUnauthenticated, "the token's user no longer exists")
	}
	teams, err := a.cfg.Reads.TeamsOf(ctx, p.UserID)
	if err != nil {
		return MeView{}, fmt.Errorf("list teams: %w", err)
	}
	if teams == nil {
		teams = []team.View{}
	}
	return MeView{User: u, Teams: teams}, nil
}
