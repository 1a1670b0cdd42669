package commands

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/mastra-admin/mastra-admin/domain"
	"github.com/mastra-admin/mastra-admin/domain/audit"
)

// AuditQuery selects audit entries for a caller.
type AuditQuery struct {
	TeamID *uuid.UUID // nil: every team the caller may audit
	After  int64
	// Before, when set, selects the entries before this position, newest
	// first (paging back in time).
	Before int64
	Since  time.Time
	Limit  int
}

// MaxPage bounds how many entries one query returns.
const MaxPage = 1000

// Audit returns audit entries: all of them for platform admins, otherwise
// those of the teams where the caller is an admin or owner.
func (a *Admin) Audit(ctx context.Context, p Principal, q AuditQuery) ([]audit.Entry, error) {
	if err := a.fresh(ctx, p); err != nil {
		return nil, err
	}
	if q.Limit <= 0 || q.Limit > MaxPage {
		q.Limit = min(max(q.Limit, 100), MaxPage)
	}
	f := audit.Filter{After: q.After, Before: q.Before, Since: q.Since, Limit: q.Limit}
	switch {
	case q.TeamID != nil:
		if _, err := a.teamRole(ctx, p, *q.TeamID, domain.ActionAuditRead); err != nil {
			return nil, err
		}
		f.TeamIDs = []uuid.UUID{*q.TeamID}
	case !p.PlatformAdmin:
		teams, err := a.cfg.Reads.TeamsOf(ctx, p.UserID)
		if err != nil {
			return nil, fmt.Errorf("list teams: %w", err)
		}
		f.TeamIDs = []uuid.UUID{}
		for _, t := range teams {
			if domain.Can(t.Role, domain.ActionAuditRead) {
				f.TeamIDs = append(f.TeamIDs, t.ID)
			}
		}
		if len(f.TeamIDs) == 0 {
			return []audit.Entry{}, nil
		}
	}
	return a.cfg.Reads.Audit(ctx, f)
}

// Events returns raw events; platform admins only.
func (a *Admin) Events(ctx context.Context, p Principal, f EventFilter) ([]RawEvent, error) {
	if !p.PlatformAdmin {
		return nil, domain.Errorf(domain.KindPermissionDenied, "the raw event feed is for platform admins")
	}
	if a.cfg.Events == nil {
		return nil, domain.Errorf(domain.KindUnavailable, "the event feed is not configured")
	}
	if f.Limit <= 0 || f.Limit > MaxPage {
		f.Limit = min(max(f.Limit, 100), MaxPage)
	}
	return a.cfg.Events.List(ctx, f)
}
