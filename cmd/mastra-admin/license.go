package main

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/sirupsen/logrus"
	"github.com/spf13/cobra"

	"github.com/mastra-admin/mastra-admin/adapters/config"
	lickey "github.com/mastra-admin/mastra-admin/adapters/license"
	"github.com/mastra-admin/mastra-admin/domain/license"
)

// loadLicense verifies MASTRA_ADMIN_LICENSE_KEY; without one it is the
// community license. A key that does not verify is an error: running on a
// silently downgraded license would surprise the operator later.
func loadLicense(cfg config.Config, log *logrus.Entry) (license.License, error) {
	if !cfg.LicenseKey.IsSet() {
		return license.CommunityLicense(), nil
	}
	pubText := lickey.BuiltInPublicKey
	if cfg.LicensePubKey != "" {
		log.Warn("MASTRA_ADMIN_LICENSE_PUBKEY overrides the built-in vendor key: licenses are verified against it")
		pubText = cfg.LicensePubKey
	}
	pub, err := lickey.ParsePublicKey(pubText)
	if err != nil {
		return license.License{}, usageError{err}
	}
	l, err := lickey.Verify(cfg.LicenseKey.Reveal(), pub)
	if err != nil {
		return license.License{}, fmt.Errorf("MASTRA_ADMIN_LICENSE_KEY: %w", err)
	}
	if w := l.WarningAt(time.Now()); w != "" {
		log.WithFields(logrus.Fields{"expires_at": l.ExpiresAt, "license_state": l.StateAt(time.Now())}).Warn(w)
	}
	return l, nil
}

func newLicenseCmd(a *app) *cobra.Command {
	cmd := &cobra.Command{Use: "license", Short: "Show the license, or (vendor) issue keys"}
	show := &cobra.Command{
		Use: "show", Short: "Show the license in force", Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, log, err := a.loadConfigAndLogger()
			if err != nil {
				return err
			}
			l, err := loadLicense(cfg, log)
			if err != nil {
				return err
			}
			now := time.Now()
			out := struct {
				license.License
				State   license.State `json:"state"`
				Warning string        `json:"warning,omitempty"`
			}{l, l.StateAt(now), l.WarningAt(now)}
			enc := json.NewEncoder(cmd.OutOrStdout())
			enc.SetIndent("", "  ")
			return enc.Encode(out)
		},
	}
	cmd.AddCommand(show, newLicenseIssueCmd(), newLicenseKeygenCmd())
	return cmd
}

func newLicenseIssueCmd() *cobra.Command {
	var (
		keyFile, tier, org, features, expires string
		teams, projects, builds, days         int
	)
	c := &cobra.Command{
		Use:   "issue --private-key FILE --tier T [--org O] [--features a,b] [--teams N] [--projects N] [--builds N] [--days N | --expires DATE]",
		Short: "Vendor tool: sign a license key",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if keyFile == "" || tier == "" {
				return usageErrorf("--private-key and --tier are required")
			}
			if license.Tier(tier) == license.Community {
				return usageErrorf("community is the tier without a key: issue a team or enterprise key")
			}
			raw, err := os.ReadFile(keyFile)
			if err != nil {
				return fmt.Errorf("read private key: %w", err)
			}
			priv, err := lickey.ParsePrivateKey(string(raw))
			if err != nil {
				return usageError{err}
			}
			l := license.License{ID: fmt.Sprintf("lic-%d", time.Now().Unix()), Tier: license.Tier(tier), Organization: org,
				Features: []string{}, Limits: license.Limits{Teams: teams, Projects: projects, ConcurrentBuilds: builds},
				IssuedAt: time.Now().UTC().Truncate(time.Second)}
			if features != "" {
				l.Features = strings.Split(features, ",")
				for _, f := range l.Features {
					if !slices.Contains(license.KnownFeatures, f) {
						return usageErrorf("--features: %q is not a feature; use %s", f, strings.Join(license.KnownFeatures, ", "))
					}
				}
			}
			switch {
			case expires != "" && days > 0:
				return usageErrorf("--expires and --days exclude each other")
			case expires != "":
				t, err := time.Parse(time.DateOnly, expires)
				if err != nil {
					return usageErrorf("--expires %q: use YYYY-MM-DD", expires)
				}
				l.ExpiresAt = &t
			case days > 0:
				t := l.IssuedAt.AddDate(0, 0, days)
				l.ExpiresAt = &t
			}
			key, err := lickey.Issue(priv, l)
			if err != nil {
				return usageError{err}
			}
			fmt.Fprintln(cmd.OutOrStdout(), key)
			return nil
		},
	}
	c.Flags().StringVar(&keyFile, "private-key", "", "file with the vendor's base64 ed25519 private key")
	c.Flags().StringVar(&tier, "tier", "", "community, team or enterprise")
	c.Flags().StringVar(&org, "org", "", "the licensed organization")
	c.Flags().StringVar(&features, "features", "", "comma-separated features (oidc, kubernetes, s3, cloudflare)")
	c.Flags().IntVar(&teams, "teams", 0, "team limit (0: unlimited)")
	c.Flags().IntVar(&projects, "projects", 0, "project limit (0: unlimited)")
	c.Flags().IntVar(&builds, "builds", 0, "concurrent build limit (0: unlimited)")
	c.Flags().IntVar(&days, "days", 0, "valid for this many days")
	c.Flags().StringVar(&expires, "expires", "", "expiry date, YYYY-MM-DD")
	return c
}

func newLicenseKeygenCmd() *cobra.Command {
	var out string
	c := &cobra.Command{
		Use:   "keygen --private-key-out FILE",
		Short: "Vendor tool: make a key pair; prints the public key",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if out == "" {
				return usageErrorf("--private-key-out is required")
			}
			pub, priv, err := lickey.GenerateKey()
			if err != nil {
				return err
			}
			f, err := os.OpenFile(out, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
			if err != nil {
				return fmt.Errorf("create %s (it must not exist): %w", out, err)
			}
			if _, err := fmt.Fprintln(f, base64Std(priv)); err != nil {
				f.Close()
				return err
			}
			if err := f.Close(); err != nil {
				return err
			}
			fmt.Fprintln(cmd.OutOrStdout(), base64Std(pub))
			return nil
		},
	}
	c.Flags().StringVar(&out, "private-key-out", "", "file to create for the private key (mode 0600)")
	return c
}

func base64Std(b []byte) string { return base64.StdEncoding.EncodeToString(b) }
