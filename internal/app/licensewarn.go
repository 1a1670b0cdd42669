package app

import (
	"time"

	"github.com/sirupsen/logrus"

	"github.com/mastra-admin/mastra-admin/commands"
	"github.com/mastra-admin/mastra-admin/domain/license"
)

// licenseWarnEvery is how often a running server repeats the warning of a
// license in grace or lapsed.
const licenseWarnEvery = 24 * time.Hour

// licenseWarner logs the license's warning when its state changes while
// the server runs (it enters grace, or lapses), and again every day while
// it is not active; serve's start logs it once already.
type licenseWarner struct {
	state license.State
	last  time.Time
}

func (w *licenseWarner) check(log *logrus.Entry, v commands.LicenseView, now time.Time) {
	if v.State == license.Active || v.Warning == "" {
		w.state = v.State
		return
	}
	if v.State == w.state && now.Sub(w.last) < licenseWarnEvery {
		return
	}
	w.state, w.last = v.State, now
	log.WithFields(logrus.Fields{"license_state": v.State, "expires_at": v.ExpiresAt}).Warn(v.Warning)
}
