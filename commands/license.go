package commands

import (
	"errors"

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
	l, now := a.cfg.License, a.cfg.Clock.Now()
	return LicenseView{License: l, State: l.StateAt(now), Warning: l.WarningAt(now)}
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
