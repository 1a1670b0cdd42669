package main

import (
	"context"
	"fmt"
	"net"
	"strings"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/sirupsen/logrus"
	"github.com/spf13/cobra"

	"github.com/mastra-admin/mastra-admin/adapters/auth"
	"github.com/mastra-admin/mastra-admin/adapters/config"
	"github.com/mastra-admin/mastra-admin/adapters/crypto"
	runnerlocal "github.com/mastra-admin/mastra-admin/adapters/runner/local"
	"github.com/mastra-admin/mastra-admin/adapters/source/local"
	"github.com/mastra-admin/mastra-admin/commands"
	"github.com/mastra-admin/mastra-admin/domain/license"
	"github.com/mastra-admin/mastra-admin/eventstore"
	core "github.com/mastra-admin/mastra-admin/internal/app"
)

// roles are what a process runs besides the read models.
type roles struct {
	builds  bool                 // the build worker
	servers bool                 // the deploy saga and the server runner (servers on this host)
	markers commands.MarkerStore // projects the metrics charts' markers there (nil: none)
}

// openCore connects to the database (creating it if missing), applies the
// migrations and wires the core with the given roles. The caller closes
// the pool; it runs the consumers only if it calls Run.
func openCore(ctx context.Context, cfg config.Config, log *logrus.Entry, r roles) (*core.App, *pgxpool.Pool, error) {
	pool, err := eventstore.Connect(ctx, cfg.DatabaseURL)
	if err != nil {
		return nil, nil, fmt.Errorf("connect to postgres: %w", err)
	}
	res, err := migratePostgres(ctx, pool)
	if err != nil {
		pool.Close()
		return nil, nil, err
	}
	for _, m := range res.Applied {
		log.WithField("migration", m.Name).Info("applied migration")
	}
	sources, err := local.New(cfg.ProjectsDirs())
	if err != nil {
		pool.Close()
		return nil, nil, fmt.Errorf("project sources: %w", err)
	}
	lic, err := loadLicense(cfg, log)
	if err != nil {
		pool.Close()
		return nil, nil, err
	}
	master, err := crypto.LoadOrCreate(cfg.EncryptionKey.Reveal(), cfg.DataDir)
	if err != nil {
		pool.Close()
		return nil, nil, fmt.Errorf("encryption key: %w", err)
	}
	files, logCache, err := openBuildLogs(ctx, cfg, lic, log)
	if err != nil {
		pool.Close()
		return nil, nil, fmt.Errorf("build logs: %w", err)
	}
	// Invite emails link to the dashboard's accept page: at the address
	// browsers reach it by, when it is configured.
	publicURL := "http://" + cfg.Addr
	if cfg.PublicURL != "" {
		publicURL = strings.TrimRight(cfg.PublicURL, "/")
	}
	cc := commands.Config{PublicURL: publicURL, ProxyURL: proxyURL(cfg.ProxyAddr, cfg.BaseDomain), Sources: sources, License: lic,
		Cipher: crypto.NewEnvelope(pool, master), Files: files, LogCache: logCache}
	var worker commands.WorkerConfig
	var as *runnerlocal.Account
	if r.builds || r.servers {
		if worker, as, err = buildWorker(cfg, sources); err != nil {
			pool.Close()
			return nil, nil, fmt.Errorf("build worker: %w", err)
		}
	}
	if !r.builds {
		worker.Builder = nil // this process builds nothing
	}
	var sv serving
	if r.servers {
		if sv, err = newServing(cfg, log, pool, worker.ID, as, files); err != nil {
			pool.Close()
			return nil, nil, fmt.Errorf("servers: %w", err)
		}
		worker.Artifacts, cc.ServerLogs, cc.Artifacts = sv.artifacts, sv.logs, sv.artifacts
	}
	if cfg.SupabaseJWTSecret.IsSet() {
		hs := auth.Supabase{Secret: []byte(cfg.SupabaseJWTSecret.Reveal())}
		if cfg.SupabaseURL != "" {
			hs.Issuer = auth.SupabaseIssuer(cfg.SupabaseURL) // one namespace of subjects with the JWKS tokens
		}
		cc.Identities = append(cc.Identities, hs)
	}
	if cfg.SupabaseURL != "" {
		cc.Identities = append(cc.Identities, auth.NewSupabaseJWKS(context.WithoutCancel(ctx), cfg.SupabaseURL))
	}
	if cfg.OIDCIssuerURL != "" {
		if !lic.Has(license.FeatureOIDC) {
			log.Warn("OIDC_ISSUER_URL is set but the license has no oidc feature: SSO sign-ins will be refused (license_required)")
		}
		cc.Identities = append(cc.Identities, auth.NewOIDC(context.WithoutCancel(ctx), cfg.OIDCIssuerURL, cfg.OIDCClientID))
	}
	a, err := core.New(core.Config{Pool: pool, Logger: log, Commands: cc, Worker: worker, Serving: sv.core, Markers: r.markers})
	if err != nil {
		pool.Close()
		return nil, nil, err
	}
	return a, pool, nil
}

// withCore loads the configuration and logger, opens the core for the
// duration of run and closes it afterwards.
func (a *app) withCore(cmd *cobra.Command, run func(ctx context.Context, cfg config.Config, c *core.App) error) error {
	cfg, log, err := a.loadConfigAndLogger()
	if err != nil {
		return err
	}
	ctx := cmd.Context()
	c, pool, err := openCore(ctx, cfg, log, roles{})
	if err != nil {
		return err
	}
	defer pool.Close()
	return run(ctx, cfg, c)
}

// proxyURL is the edge router's base URL for deployments' public URLs
// (each is <subdomain>.<its host>): the base domain when one is set, on
// the router's port unless that is 80; else a listen address on all
// interfaces or on loopback is reached as localhost, whose subdomains
// resolve to loopback.
func proxyURL(addr, baseDomain string) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		host, port = "", "3100"
	}
	if baseDomain != "" {
		base := strings.TrimSuffix(strings.ToLower(baseDomain), ".")
		if port == "80" {
			return "http://" + base
		}
		return "http://" + net.JoinHostPort(base, port)
	}
	switch host {
	case "", "0.0.0.0", "::", "127.0.0.1", "::1":
		host = "localhost"
	}
	return "http://" + net.JoinHostPort(host, port)
}
