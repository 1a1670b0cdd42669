package license_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/mastra-admin/mastra-admin/domain"
	"github.com/mastra-admin/mastra-admin/domain/license"
)

func TestStatesAndLimits(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)
	exp := now.Add(24 * time.Hour)
	l := license.License{Tier: license.Team, Features: []string{license.FeatureS3}, Limits: license.Limits{Teams: 20}, ExpiresAt: &exp}
	assert.Equal(t, license.Active, l.StateAt(now))
	assert.Equal(t, license.InGrace, l.StateAt(exp))
	assert.Equal(t, license.InGrace, l.StateAt(exp.Add(license.Grace-time.Second)))
	assert.Equal(t, license.Lapsed, l.StateAt(exp.Add(license.Grace)))

	assert.NoError(t, l.AllowNew("teams", 19, l.Limits.Teams, now))
	assert.ErrorIs(t, l.AllowNew("teams", 20, l.Limits.Teams, now), domain.ErrLicenseRequired)
	assert.NoError(t, l.AllowNew("teams", 1, l.Limits.Teams, exp.Add(time.Hour)), "grace: still allowed")
	assert.ErrorIs(t, l.AllowNew("teams", 1, l.Limits.Teams, exp.Add(license.Grace)), domain.ErrLicenseRequired, "lapsed")
	assert.NoError(t, l.AllowNew("projects", 1000, l.Limits.Projects, now), "0 is unlimited")

	assert.NoError(t, l.Require(license.FeatureS3, now))
	assert.ErrorIs(t, l.Require(license.FeatureOIDC, now), domain.ErrLicenseRequired)

	c := license.CommunityLicense()
	assert.Equal(t, license.Active, c.StateAt(now.AddDate(50, 0, 0)), "community never expires")
	assert.ErrorIs(t, c.AllowNew("teams", 3, c.Limits.Teams, now), domain.ErrLicenseRequired)
	assert.ErrorIs(t, license.License{Tier: "gold"}.Validate(), domain.ErrInvalid)
}
