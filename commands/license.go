package commands

import (
	"errors"
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

// licensed checks the license before one more resource of kind is made,
// and returns the limit its append must hold to (nil: unlimited). The
// count is not taken here but in the append, from the resources' claims
// (scopePrefix), under a lock: concurrent creations cannot overshoot it.
func (a *Admin) licensed(kind, scopePrefix string, max int) (*Limit, error) {
	if err := a.cfg.License.AllowNew(kind, 0, 0, a.cfg.Clock.Now()); err != nil {
		return nil, err // expired past grace
	}
	if max <= 0 {
		return nil, nil
	}
	return &Limit{ScopePrefix: scopePrefix, Max: max}, nil
}

// limitError turns a reached limit into the license's refusal.
func (a *Admin) limitError(err error, kind string, max int) error {
	if errors.Is(err, ErrLimitReached) {
		return a.cfg.License.AllowNew(kind, max, max, a.cfg.Clock.Now())
	}
	return err
}
