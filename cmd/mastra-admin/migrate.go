package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/spf13/cobra"

	chstore "github.com/mastra-admin/mastra-admin/adapters/clickhouse"
	"github.com/mastra-admin/mastra-admin/adapters/config"
	"github.com/mastra-admin/mastra-admin/commands"
	"github.com/mastra-admin/mastra-admin/eventstore"
	"github.com/mastra-admin/mastra-admin/migrations"
)

func newMigrateCmd(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "migrate",
		Short: "Apply the database migrations and exit",
		Long: `Apply the pending Postgres migrations to DATABASE_URL, creating the database
if it is missing, then those of ClickHouse to CLICKHOUSE_URL when it is set,
and print the versions applied (a ClickHouse that does not answer is
reported and left for serve to migrate). Several processes may
migrate at once: they take turns on an advisory lock. serve migrates on start
as well.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := a.loadConfig()
			if err != nil {
				return err
			}
			ctx := cmd.Context()
			pool, err := eventstore.Connect(ctx, cfg.DatabaseURL)
			if err != nil {
				return fmt.Errorf("migrate postgres: %w", err)
			}
			defer pool.Close()
			res, err := migratePostgres(ctx, pool)
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			for _, m := range res.Applied {
				fmt.Fprintf(out, "postgres: applied %s\n", m.Name)
			}
			if len(res.Applied) == 0 {
				fmt.Fprintf(out, "postgres: up to date at version %d\n", res.Current)
			} else {
				fmt.Fprintf(out, "postgres: now at version %d\n", res.Current)
			}
			if cfg.ClickHouseURL == "" {
				return nil // ClickHouse is off
			}
			return migrateClickHouse(ctx, cfg.ClickHouseURL, out, cmd.ErrOrStderr())
		},
	}
}

// migrateClickHouse creates the database of the ClickHouse URL when
// missing and applies its migrations. A ClickHouse that does not answer
// is reported on errOut and is no failure: serve and ingest apply the
// migrations once it answers, and the API runs without it.
func migrateClickHouse(ctx context.Context, raw string, out, errOut io.Writer) error {
	ccfg, err := chstore.ParseURL(raw)
	if err != nil {
		return fmt.Errorf("%s: %w", config.EnvClickHouseURL, err)
	}
	store, err := chstore.New(ccfg)
	if err != nil {
		return fmt.Errorf("%s: %w", config.EnvClickHouseURL, err)
	}
	defer store.Close()
	pctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	res, err := store.Prepare(pctx)
	if errors.Is(err, commands.ErrStoreUnavailable) {
		fmt.Fprintf(errOut, "clickhouse: not migrated, it does not answer (%v); serve migrates it once it does\n", err)
		return nil
	}
	if err != nil {
		return fmt.Errorf("migrate clickhouse: %w", err)
	}
	for _, m := range res.Applied {
		fmt.Fprintf(out, "clickhouse: applied %s\n", m.Name)
	}
	if len(res.Applied) == 0 {
		fmt.Fprintf(out, "clickhouse: up to date at version %d\n", res.Current)
	} else {
		fmt.Fprintf(out, "clickhouse: now at version %d\n", res.Current)
	}
	return nil
}

// migratePostgres applies the embedded Postgres migrations to the pool's
// current schema; serve calls it on start.
func migratePostgres(ctx context.Context, pool *pgxpool.Pool) (migrations.Result, error) {
	list, err := migrations.Postgres()
	if err != nil {
		return migrations.Result{}, fmt.Errorf("migrate postgres: %w", err)
	}
	res, err := migrations.Apply(ctx, pool, list)
	if err != nil {
		return res, fmt.Errorf("migrate postgres: %w", err)
	}
	return res, nil
}
