package commands

import (
	"context"
	"fmt"
	"time"

	"github.com/mastra-admin/mastra-admin/domain/license"
)

// LicenseView is what GET /api/license shows.
type LicenseView struct {
	license.License
	State   license.State `json:"state"`
	Warning string        `json:"warning,omitempty"`
}

// License describes the license in force.
func (a *Admin) License() LicenseView {
	l := a.cfg.License
	v := LicenseView{License: l, State: l.StateAt(a.cfg.Clock.Now())}
	switch v.State {
	case license.InGrace:
		v.Warning = fmt.Sprintf("the license expired on %s; new resources are refused after %s",
			l.ExpiresAt.Format(time.DateOnly), l.ExpiresAt.Add(license.Grace).Format(time.DateOnly))
	case license.Lapsed:
		v.Warning = "the license expired and its grace period is over: running deployments keep running, new resources are refused"
	}
	return v
}

// allowNew checks the license before one more resource of kind is made.
// Resources are counted only under a limit: a count scans the read model,
// and an unlimited license has nothing to compare it with.
func (a *Admin) allowNew(ctx context.Context, kind string, count func(context.Context) (int, error), limit int) error {
	n := 0
	if limit > 0 {
		var err error
		if n, err = count(ctx); err != nil {
			return fmt.Errorf("count %s: %w", kind, err)
		}
	}
	return a.cfg.License.AllowNew(kind, n, limit, a.cfg.Clock.Now())
}
