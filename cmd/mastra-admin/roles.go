package main

import (
	"context"
	"errors"
	"fmt"
	"os/signal"
	"syscall"

	"github.com/spf13/cobra"
)

func newRouterCmd(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "router",
		Short: "Run the edge router alone",
		Long: `Run the edge router alone on MASTRA_ADMIN_PROXY_ADDR: it loads the routes
from the database, follows the route events (every router holds the whole
table) and health-checks the active routes. Run as many as you need; builds
and servers run in serve or worker processes.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return a.runRole(cmd, "router", roles{}, true) },
	}
}

func newWorkerCmd(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "worker",
		Short: "Run builds and servers alone, without the API or the router",
		Long: `Run the build worker, the deploy saga and the server runner of this host
alone: builds queued through any API process run here (at most
MASTRA_ADMIN_BUILD_CONCURRENCY at once, the license bounding all replicas),
and their servers run on this host. Replicas on one host share
MASTRA_ADMIN_DATA_DIR, where the artifacts are kept.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.runRole(cmd, "worker", roles{builds: true, servers: true}, false)
		},
	}
}

// runRole runs the read models with the given roles (and the edge router
// when withEdge) until SIGINT or SIGTERM, then stops them gracefully.
func (a *app) runRole(cmd *cobra.Command, name string, r roles, withEdge bool) error {
	cfg, log, err := a.loadConfigAndLogger()
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(cmd.Context(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	c, pool, err := openCore(ctx, cfg, log, r)
	if err != nil {
		return err
	}
	defer pool.Close()
	var e *edge
	if withEdge {
		if e, err = newEdge(ctx, cfg, log, c, routerName(cfg)); err != nil {
			return err
		}
	}
	consumers := make(chan error, 1)
	runCtx, stopConsumers := context.WithCancel(context.WithoutCancel(ctx))
	defer stopConsumers()
	go func() { consumers <- c.Run(runCtx) }()
	select {
	case <-c.Running():
	case err := <-consumers:
		return fmt.Errorf("start consumers: %w", err)
	}
	served := make(chan error, 1)
	if e != nil {
		go func() {
			if err := e.run(runCtx); err != nil {
				served <- err
			}
		}()
	}
	log.Info("mastra-admin " + name + " ready")
	select {
	case <-ctx.Done():
	case err := <-served:
		return err
	case err := <-consumers:
		return fmt.Errorf("consumers stopped: %w", err)
	}
	log.Info("shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), cfg.ShutdownTimeout)
	defer cancel()
	var herr error
	if e != nil {
		herr = e.shutdown(sctx)
	}
	stopConsumers()
	cerr := c.Close()
	select {
	case <-consumers:
	case <-sctx.Done():
		log.Warn("the consumers did not stop in time")
	}
	if err := errors.Join(herr, cerr); err != nil {
		return fmt.Errorf("shut down: %w", err)
	}
	log.Info("stopped")
	return nil
}
