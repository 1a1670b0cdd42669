package main

import (
	"fmt"
	"path/filepath"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/sirupsen/logrus"

	"github.com/mastra-admin/mastra-admin/adapters/config"
	"github.com/mastra-admin/mastra-admin/adapters/obsship"
	"github.com/mastra-admin/mastra-admin/adapters/pgstore"
	"github.com/mastra-admin/mastra-admin/adapters/runner/local"
	"github.com/mastra-admin/mastra-admin/adapters/runner/localservers"
	"github.com/mastra-admin/mastra-admin/commands"
	core "github.com/mastra-admin/mastra-admin/internal/app"
	"github.com/mastra-admin/mastra-admin/projections"
)

// serving configures the deploy saga and the server runner of this
// process: servers run on this host as children of no one (they outlive
// the admin), in DATA_DIR/servers, from artifacts kept in
// DATA_DIR/artifacts. The worker saves its builds' artifacts there too.
// Their closed span and log files are shipped to file storage.
type serving struct {
	core      core.ServingConfig
	artifacts commands.Artifacts
	logs      commands.ServerLogs
}

func newServing(cfg config.Config, log *logrus.Entry, pool *pgxpool.Pool, runnerID string, as *local.Account, files commands.FileStorage) (serving, error) {
	data, err := filepath.Abs(cfg.DataDir)
	if err != nil {
		return serving{}, fmt.Errorf("data dir: %w", err)
	}
	ls, err := local.NewServers(local.ServersConfig{Node: cfg.Node, Dir: filepath.Join(data, "servers"), User: as,
		HealthTimeout: cfg.HealthTimeout, Logger: log.WithField("component", "servers")})
	if err != nil {
		return serving{}, err
	}
	la, err := local.NewArtifacts(local.ArtifactsConfig{Dir: filepath.Join(data, "artifacts"), Logger: log.WithField("component", "artifacts")})
	if err != nil {
		return serving{}, err
	}
	servers := localservers.Servers{Local: ls}
	queries := projections.NewQueries(pool)
	artifacts := localservers.Artifacts{Local: la, Live: queries, Log: log.WithField("component", "artifacts")}
	ship, err := obsship.New(obsship.Config{ServersDir: filepath.Join(data, "servers"), Files: files, Places: queries,
		Logger: log.WithField("component", "obsship")})
	if err != nil {
		return serving{}, err
	}
	return serving{
		core: core.ServingConfig{
			Saga: commands.DeploySagaConfig{Ports: commands.PortRange{First: cfg.PortRange.First, Last: cfg.PortRange.Last}, PortFree: servers.PortFree, Drain: cfg.Drain},
			Runner: commands.ServerRunnerConfig{ID: runnerID, Servers: servers, Artifacts: artifacts, HealthTimeout: cfg.HealthTimeout,
				Usage: pgstore.ServerUsage{DB: pool}, Sampler: servers},
			Supervisor: commands.SupervisorConfig{MaxRestarts: cfg.MaxRestarts, Window: cfg.RestartWindow, Backoff: cfg.RestartBackoff},
			Ship:       ship.Run,
		},
		artifacts: artifacts,
		logs:      servers,
	}, nil
}
