package dashboard

import (
	"net/http"
	"slices"
	"time"

	"github.com/mastra-admin/mastra-admin/commands"
	"github.com/mastra-admin/mastra-admin/domain/license"
)

// featureRow is one feature a license may grant and whether this one does.
type featureRow struct {
	Name    string
	Granted bool
}

type licenseData struct {
	License   commands.LicenseView
	Features  []featureRow
	GraceEnds *time.Time // when an expired license stops allowing new resources
	Grace     bool       // expired, within the grace period
	Lapsed    bool       // expired, past the grace period
	Unknown   []string   // granted features this version does not know
}

// licensePage shows the license in force: tier, limits, features, expiry
// and, once it has expired, a warning every signed-in user sees.
func (s *Server) licensePage(w http.ResponseWriter, r *http.Request) {
	l := s.cfg.Admin.License()
	data := licenseData{License: l, Grace: l.State == license.InGrace, Lapsed: l.State == license.Lapsed}
	for _, f := range license.KnownFeatures {
		data.Features = append(data.Features, featureRow{Name: f, Granted: l.Has(f)})
	}
	for _, f := range l.Features {
		if !slices.Contains(license.KnownFeatures, f) {
			data.Unknown = append(data.Unknown, f)
		}
	}
	if l.ExpiresAt != nil {
		end := l.ExpiresAt.Add(license.Grace)
		data.GraceEnds = &end
	}
	s.render(w, r, http.StatusOK, "license", view{Title: "License", Session: session(r), Data: data})
}
