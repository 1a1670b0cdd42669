package main

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"

	"github.com/sirupsen/logrus"

	"github.com/mastra-admin/mastra-admin/adapters/config"
	routerlocal "github.com/mastra-admin/mastra-admin/adapters/router/local"
	core "github.com/mastra-admin/mastra-admin/internal/app"
)

// edge is this process's edge router: its table is loaded from the routes
// read model and follows the route events (every router holds the whole
// table), its proxy listens on MASTRA_ADMIN_PROXY_ADDR, and its health
// checker marks a target that stops answering unhealthy (502) until it
// answers again.
type edge struct {
	table   *routerlocal.Table
	proxy   *routerlocal.Proxy
	checker *routerlocal.HealthChecker
	srv     *routerlocal.Server
	ln      net.Listener
	log     *logrus.Entry
}

// newEdge builds the router and adds its route follower to c's consumers;
// call it before c.Run. It listens at once, so a port in use is an error
// at start. routerID names it in the route health events it records. It
// sets the process's GOGC to the router's (local.TuneGC).
func newEdge(ctx context.Context, cfg config.Config, log *logrus.Entry, c *core.App, routerID string) (*edge, error) {
	log = log.WithField("component", "router")
	routerlocal.TuneGC() // GOGC 400 unless the environment sets GOGC
	e := &edge{table: routerlocal.NewTable(), log: log}
	if err := c.FollowRoutes(ctx, routerlocal.Feed{Table: e.table, Log: log}); err != nil {
		return nil, err
	}
	var err error
	if e.proxy, err = routerlocal.NewProxy(routerlocal.Config{Table: e.table, BaseDomain: cfg.BaseDomain, Logger: log}); err != nil {
		return nil, err
	}
	e.checker, err = routerlocal.NewHealthChecker(routerlocal.HealthConfig{Table: e.table, Logger: log,
		Interval: cfg.RouteCheckInterval, Threshold: cfg.RouteCheckThreshold,
		OnChange: func(r routerlocal.Route, healthy bool, reason string) {
			e.table.SetHealthy(r.Subdomain, r.Target, healthy)
			// Recorded for the other routers and the API; this router
			// acts on it at once.
			go func() {
				if err := c.Admin.RecordRouteHealth(ctx, r.DeploymentID, r.Target, healthy, reason, routerID); err != nil {
					log.WithError(err).Warn("route health change not recorded")
				}
			}()
		}})
	if err != nil {
		return nil, err
	}
	if e.srv, err = routerlocal.NewServer(routerlocal.ServerConfig{Proxy: e.proxy}); err != nil {
		return nil, err
	}
	if e.ln, err = net.Listen("tcp", cfg.ProxyAddr); err != nil {
		return nil, fmt.Errorf("edge router: listen on %s: %w", cfg.ProxyAddr, err)
	}
	return e, nil
}

// run serves until the server is shut down, and checks the routes'
// health until ctx ends.
func (e *edge) run(ctx context.Context) error {
	go func() { _ = e.checker.Run(ctx) }()
	e.log.WithField("addr", "http://"+e.ln.Addr().String()).Info("edge router ready")
	if err := e.srv.Serve(e.ln); err != nil && err != http.ErrServerClosed {
		return fmt.Errorf("edge router: %w", err)
	}
	return nil
}

// shutdown stops accepting requests and lets those in flight finish
// until ctx ends.
func (e *edge) shutdown(ctx context.Context) error {
	err := e.srv.Shutdown(ctx)
	_ = e.proxy.Close()
	return err
}

// routerName names this router in events: the host and the proxy's
// listen address.
func routerName(cfg config.Config) string {
	host, _ := os.Hostname()
	return host + "/" + cfg.ProxyAddr
}
