package main

import (
	"errors"
	"fmt"
	"os/signal"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/mastra-admin/mastra-admin/adapters/config"
)

func newIngestCmd(a *app) *cobra.Command {
	var once bool
	var retention string
	cmd := &cobra.Command{
		Use:   "ingest",
		Short: "Run the ingestion of spans and logs into ClickHouse alone",
		Long: `Move the span and log files that deployed servers ship to file storage
(observability/…) into ClickHouse (CLICKHOUSE_URL), exactly once per file,
then move them under processed/ (or delete them: MASTRA_ADMIN_INGEST_DELETE).
Malformed lines go to quarantine/ with their reasons. While ClickHouse is
down the files wait and the worker retries with a growing pause. serve runs
the same worker; several may run at once. --retention drops the data older
than the given age (e.g. 30d), a month partition at a time.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, log, err := a.loadConfigAndLogger()
			if err != nil {
				return err
			}
			if retention != "" {
				if cfg.Retention, err = config.ParseDays(retention); err != nil {
					return usageError{fmt.Errorf("--retention: %w", err)}
				}
			}
			if cfg.ClickHouseURL == "" {
				return usageError{errors.New("CLICKHOUSE_URL is not set: there is nowhere to ingest to")}
			}
			if _, err := observabilityParser(); err != nil {
				return fmt.Errorf("ingest: %w", err)
			}
			ctx, stop := signal.NotifyContext(cmd.Context(), syscall.SIGINT, syscall.SIGTERM)
			defer stop()
			store, err := openObservability(ctx, cfg, log)
			if err != nil {
				return err
			}
			defer store.Close()
			lic, err := loadLicense(cfg, log)
			if err != nil {
				return err
			}
			files, err := openFileStorage(ctx, cfg, lic, log)
			if err != nil {
				return err
			}
			defer files.Close()
			in, err := newIngester(cfg, files, store, log)
			if err != nil {
				return fmt.Errorf("ingest: %w", err)
			}
			if once {
				if err := in.RunOnce(ctx); err != nil {
					return err
				}
				if _, err := in.ApplyRetention(ctx); err != nil {
					return err
				}
				st := in.Status()
				fmt.Fprintf(cmd.OutOrStdout(), "ingested %d files: %d spans, %d log lines; %d malformed lines quarantined\n",
					st.Files, st.Spans, st.Logs, st.Malformed)
				return nil
			}
			log.Info("mastra-admin ingest ready")
			return in.Run(ctx)
		},
	}
	cmd.Flags().BoolVar(&once, "once", false, "make one pass over file storage (and apply retention), then exit")
	cmd.Flags().StringVar(&retention, "retention", "", "drop observability data older than this (e.g. 30d; default MASTRA_ADMIN_RETENTION)")
	return cmd
}
