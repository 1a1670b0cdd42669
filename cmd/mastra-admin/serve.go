package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/spf13/cobra"

	"github.com/mastra-admin/mastra-admin/adapters/auditexport"
	"github.com/mastra-admin/mastra-admin/adapters/dashboard"
	"github.com/mastra-admin/mastra-admin/adapters/httpapi"
	core "github.com/mastra-admin/mastra-admin/internal/app"
)

func newServeCmd(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "serve",
		Short: "Run everything in one process: API, projections and workers",
		Long: `Run MastraAdmin: migrate the database (creating it if missing), start the
projections as durable consumers, the build worker, the deploy saga and the
server runner (deployed servers run on this host), serve the HTTP API on
MASTRA_ADMIN_ADDR and the edge router on MASTRA_ADMIN_PROXY_ADDR.
SIGTERM or SIGINT shut it down gracefully: the listeners close, requests in
flight finish, consumers finish or roll back their batch. Deployed servers
keep running.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, log, err := a.loadConfigAndLogger()
			if err != nil {
				return err
			}
			start := time.Now()
			if err := harden(); err != nil {
				log.WithError(err).Warn("cannot make the process non-dumpable; build scripts may read its environment")
			}
			if cfg.BuildUser == "" && os.Geteuid() == 0 {
				log.Warn("builds run as root and can read the encryption key: set MASTRA_ADMIN_BUILD_USER to an unprivileged user")
			}
			ctx, stop := signal.NotifyContext(cmd.Context(), syscall.SIGINT, syscall.SIGTERM)
			defer stop()

			store, err := openObservability(ctx, cfg, log)
			if err != nil {
				return err
			}
			r := roles{builds: true, servers: true}
			if store != nil {
				defer store.Close()
				r.markers = store
			}
			c, pool, err := openCore(ctx, cfg, log, r)
			if err != nil {
				return err
			}
			defer pool.Close()

			reg := prometheus.NewRegistry()
			reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
				core.NewConsumerCollector(c), core.NewBuildCollector(c))
			auditKey, err := auditexport.LoadOrCreateKey(cfg.DataDir)
			if err != nil {
				return err
			}
			api, err := httpapi.New(httpapi.Config{Admin: c.Admin, Readiness: c, Logger: log, Registry: reg, AuditKey: auditKey,
				DashboardOrigins: cfg.DashboardOrigins(), Sessions: c.Sessions})
			if err != nil {
				return err
			}
			dash, err := dashboard.New(dashboard.Config{Admin: c.Admin, Sessions: c.Sessions, Logger: log.WithField("component", "dashboard"),
				Secure: strings.HasPrefix(strings.ToLower(cfg.PublicURL), "https:"),
				SignIn: dashboard.SignInConfig{PublicURL: cfg.PublicURL, SupabaseURL: cfg.SupabaseURL, SupabaseProvider: cfg.SupabaseProvider,
					OIDC: dashboard.OIDCConfig{IssuerURL: cfg.OIDCIssuerURL, ClientID: cfg.OIDCClientID, ClientSecret: cfg.OIDCClientSecret.Reveal()}},
				Workflows: dashboardWorkflows(cfg.ProxyAddr)})
			if err != nil {
				return err
			}
			ingest, closeObs, err := startObservability(ctx, cfg, log, store, c, reg)
			if err != nil {
				return err
			}
			defer closeObs()
			router, err := newEdge(ctx, cfg, log, c, routerName(cfg))
			if err != nil {
				return err
			}
			ln, err := net.Listen("tcp", cfg.Addr)
			if err != nil {
				return fmt.Errorf("listen on %s: %w", cfg.Addr, err)
			}
			srv := &http.Server{Handler: dashboard.FrontDoor(api, dash), ReadHeaderTimeout: 10 * time.Second, ErrorLog: nil}

			consumers := make(chan error, 1)
			runCtx, stopConsumers := context.WithCancel(context.WithoutCancel(ctx))
			defer stopConsumers()
			go func() { consumers <- c.Run(runCtx) }()
			if ingest != nil {
				go func() { _ = ingest.Run(runCtx) }()
			}
			select {
			case <-c.Running():
			case err := <-consumers:
				return fmt.Errorf("start consumers: %w", err)
			}
			served := make(chan error, 2)
			go func() { served <- srv.Serve(ln) }()
			go func() {
				if err := router.run(runCtx); err != nil {
					served <- err
				}
			}()
			log.WithField("addr", "http://"+ln.Addr().String()).
				WithField("startup_ms", time.Since(start).Milliseconds()).Info("mastra-admin ready")

			select {
			case <-ctx.Done():
			case err := <-served:
				return fmt.Errorf("serve http: %w", err)
			case err := <-consumers:
				return fmt.Errorf("consumers stopped: %w", err)
			}
			log.Info("shutting down")
			sctx, cancel := context.WithTimeout(context.Background(), cfg.ShutdownTimeout)
			defer cancel()
			herr := errors.Join(srv.Shutdown(sctx), router.shutdown(sctx))
			stopConsumers()
			cerr := c.Close()
			// Run returns once the build worker has recorded its builds
			// as interrupted.
			select {
			case <-consumers:
			case <-sctx.Done():
				log.Warn("the consumers or the build worker did not stop in time")
			}
			if err := errors.Join(herr, cerr); err != nil {
				return fmt.Errorf("shut down: %w", err)
			}
			log.Info("stopped")
			return nil
		},
	}
}
