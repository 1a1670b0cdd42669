package main

import (
	"context"
	"fmt"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/sirupsen/logrus"

	chstore "github.com/mastra-admin/mastra-admin/adapters/clickhouse"
	"github.com/mastra-admin/mastra-admin/adapters/config"
	"github.com/mastra-admin/mastra-admin/adapters/obsjsonl"
	"github.com/mastra-admin/mastra-admin/commands"
	core "github.com/mastra-admin/mastra-admin/internal/app"
)

// observabilityParser returns the parser of the span and log files that
// deployed servers write (adapters/obsjsonl).
func observabilityParser() (commands.ObservabilityParser, error) {
	p, err := obsjsonl.New(obsjsonl.Config{})
	if err != nil {
		return nil, fmt.Errorf("observability parser: %w", err)
	}
	return p, nil
}

// openObservability returns the ClickHouse store CLICKHOUSE_URL names
// (nil when it is unset) without reaching ClickHouse, then tries to
// create its database and apply the migrations within a few seconds.
// ClickHouse being down is no error: the store prepares itself on first
// use later, and the ingester's readiness says that it waits.
func openObservability(ctx context.Context, cfg config.Config, log *logrus.Entry) (*chstore.Store, error) {
	if cfg.ClickHouseURL == "" {
		return nil, nil
	}
	ccfg, err := chstore.ParseURL(cfg.ClickHouseURL)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", config.EnvClickHouseURL, err)
	}
	store, err := chstore.New(ccfg)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", config.EnvClickHouseURL, err)
	}
	pctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	res, err := store.Prepare(pctx)
	if err != nil {
		log.WithError(err).Warn("ClickHouse is not ready: observability files wait in file storage until it is")
		return store, nil
	}
	for _, m := range res.Applied {
		log.WithField("migration", m.Name).Info("applied ClickHouse migration")
	}
	return store, nil
}

// newIngester wires the ingestion worker over file storage and the store.
func newIngester(cfg config.Config, files commands.FileStorage, store commands.ObservabilityStore, log *logrus.Entry) (*commands.Ingester, error) {
	parser, err := observabilityParser()
	if err != nil {
		return nil, err
	}
	return commands.NewIngester(commands.IngestConfig{
		Files: files, Parser: parser, Store: store,
		Delete: cfg.IngestDelete, Retention: cfg.Retention,
		OnError: func(err error) { log.WithError(err).Warn("ingest") },
	})
}

// startObservability gives serve's API the ClickHouse store (nil when
// CLICKHOUSE_URL is unset) and wires the ingestion worker over it: its
// readiness and metrics join the App's. The worker is returned for the
// caller to run (nil when ClickHouse is off); close releases the file
// storage it reads. The caller closes the store.
func startObservability(ctx context.Context, cfg config.Config, log *logrus.Entry, store *chstore.Store, c *core.App, reg prometheus.Registerer) (*commands.Ingester, func(), error) {
	if store == nil {
		return nil, func() {}, nil
	}
	c.Admin.SetObservability(store) // traces, logs and metrics are queried even while nothing is ingested here
	lic, err := loadLicense(cfg, log)
	if err != nil {
		return nil, nil, err
	}
	files, err := openFileStorage(ctx, cfg, lic, log)
	if err != nil {
		return nil, nil, err
	}
	closeAll := func() { _ = files.Close() }
	in, err := newIngester(cfg, files, store, log.WithField("component", "ingest"))
	if err != nil {
		closeAll()
		return nil, nil, err
	}
	c.SetIngester(in)
	reg.MustRegister(core.NewIngestCollector(in))
	return in, closeAll, nil
}
