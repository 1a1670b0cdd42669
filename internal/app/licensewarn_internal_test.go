package app

import (
	"testing"
	"time"

	"github.com/sirupsen/logrus"
	"github.com/sirupsen/logrus/hooks/test"
	"github.com/stretchr/testify/assert"

	"github.com/mastra-admin/mastra-admin/commands"
	"github.com/mastra-admin/mastra-admin/domain/license"
)

func TestLicenseWarnerLogsOnChangeAndDaily(t *testing.T) {
	t.Parallel()
	logger, hook := test.NewNullLogger()
	log := logrus.NewEntry(logger)
	var w licenseWarner
	now := time.Now()
	active := commands.LicenseView{State: license.Active}
	grace := commands.LicenseView{State: license.InGrace, Warning: "the license expired on …"}
	lapsed := commands.LicenseView{State: license.Lapsed, Warning: "the license expired and its grace period is over"}

	w.check(log, active, now)
	assert.Empty(t, hook.AllEntries(), "an active license: nothing")
	w.check(log, grace, now)
	w.check(log, grace, now.Add(time.Hour))
	assert.Len(t, hook.AllEntries(), 1, "entering grace: one warning, not one a minute")
	assert.Equal(t, logrus.WarnLevel, hook.LastEntry().Level)
	assert.Equal(t, grace.Warning, hook.LastEntry().Message)
	w.check(log, grace, now.Add(25*time.Hour))
	assert.Len(t, hook.AllEntries(), 2, "again after a day")
	w.check(log, lapsed, now.Add(26*time.Hour))
	assert.Len(t, hook.AllEntries(), 3, "lapsing: at once")
	assert.Equal(t, license.Lapsed, hook.LastEntry().Data["license_state"])
}
