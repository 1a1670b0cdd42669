package license

import (
	"fmt"
	"slices"
	"time"

	"github.com/mastra-admin/mastra-admin/domain"
)

// Tier is a license tier.
type Tier string

// The tiers.
const (
	Community  Tier = "community"
	Team       Tier = "team"
	Enterprise Tier = "enterprise"
)

// Features a license may grant.
const (
	FeatureOIDC       = "oidc"
	FeatureKubernetes = "kubernetes"
	FeatureS3         = "s3"
	FeatureCloudflare = "cloudflare"
)

// KnownFeatures lists every feature a license may grant.
var KnownFeatures = []string{FeatureOIDC, FeatureKubernetes, FeatureS3, FeatureCloudflare}

// Grace is how long an expired license keeps allowing new resources.
const Grace = 14 * 24 * time.Hour

// Limits bound how many resources may exist; 0 means unlimited.
type Limits struct {
	Teams            int `json:"teams"`
	Projects         int `json:"projects"`
	ConcurrentBuilds int `json:"concurrentBuilds"`
}

// License is what a key grants.
type License struct {
	ID           string     `json:"id,omitempty"`
	Tier         Tier       `json:"tier"`
	Organization string     `json:"organization,omitempty"`
	Features     []string   `json:"features"`
	Limits       Limits     `json:"limits"`
	IssuedAt     time.Time  `json:"issuedAt,omitempty"`
	ExpiresAt    *time.Time `json:"expiresAt,omitempty"`
}

// CommunityLicense is what runs without a key.
func CommunityLicense() License {
	return License{Tier: Community, Features: []string{}, Limits: Limits{Teams: 3, Projects: 10, ConcurrentBuilds: 1}}
}

// State is where a license stands at a moment.
type State string

// The states.
const (
	Active  State = "active"
	InGrace State = "grace"   // expired, within Grace: everything still works, with a warning
	Lapsed  State = "expired" // past Grace: running things keep running, nothing new
)

// StateAt returns the license's state at now.
func (l License) StateAt(now time.Time) State {
	switch {
	case l.ExpiresAt == nil || now.Before(*l.ExpiresAt):
		return Active
	case now.Before(l.ExpiresAt.Add(Grace)):
		return InGrace
	}
	return Lapsed
}

// WarningAt is what to tell operators about the license at now: nothing
// while it is active.
func (l License) WarningAt(now time.Time) string {
	switch l.StateAt(now) {
	case InGrace:
		return fmt.Sprintf("the license expired on %s; new resources are refused after %s",
			l.ExpiresAt.Format(time.DateOnly), l.ExpiresAt.Add(Grace).Format(time.DateOnly))
	case Lapsed:
		return "the license expired and its grace period is over: running deployments keep running, new resources are refused"
	}
	return ""
}

// Validate checks a decoded license.
func (l License) Validate() error {
	switch l.Tier {
	case Community, Team, Enterprise:
	default:
		return domain.Errorf(domain.KindInvalid, "license tier %q is unknown", l.Tier)
	}
	if l.Limits.Teams < 0 || l.Limits.Projects < 0 || l.Limits.ConcurrentBuilds < 0 {
		return domain.Errorf(domain.KindInvalid, "license limits must not be negative")
	}
	return nil
}

// Has reports whether the license grants feature.
func (l License) Has(feature string) bool { return slices.Contains(l.Features, feature) }

// AllowNew decides whether one more resource of a kind may be created when
// current exist: never after the grace period, and never past the limit.
func (l License) AllowNew(kind string, current, limit int, now time.Time) error {
	if l.StateAt(now) == Lapsed {
		return domain.Errorf(domain.KindLicenseRequired,
			"the %s license expired on %s and its %s grace period is over: running deployments keep running, but new %s cannot be created; renew the license",
			l.Tier, l.ExpiresAt.Format("2006-01-02"), "14-day", kind)
	}
	if limit > 0 && current >= limit {
		return domain.Errorf(domain.KindLicenseRequired,
			"the %s license allows %d %s; delete one or upgrade the license", l.Tier, limit, kind)
	}
	return nil
}

// Require decides whether a feature may be used now.
func (l License) Require(feature string, now time.Time) error {
	if !l.Has(feature) {
		return domain.Errorf(domain.KindLicenseRequired, "%s needs a license with the %q feature (this one is %s)", feature, feature, l.Tier)
	}
	if l.StateAt(now) == Lapsed {
		return domain.Errorf(domain.KindLicenseRequired, "the license expired and its grace period is over; renew it to use %s", feature)
	}
	return nil
}
