package main

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/spf13/cobra"

	"github.com/mastra-admin/mastra-admin/adapters/config"
	"github.com/mastra-admin/mastra-admin/commands"
	"github.com/mastra-admin/mastra-admin/eventstore"
	core "github.com/mastra-admin/mastra-admin/internal/app"
	"github.com/mastra-admin/mastra-admin/projections"
)

func newReplayCmd(a *app) *cobra.Command {
	var projection, asOf, into string
	var markers bool
	cmd := &cobra.Command{
		Use:   "replay --projection NAME|all | --as-of TIME|POSITION --into SCHEMA | --markers",
		Short: "Rebuild read models, or build them as of a past moment",
		Long: `With --projection, rebuild the named read model (or all of them, including
the write-side uniqueness claims) from position 0: it is built again in a
schema of its own, then put in place of the live one, with its
checkpoint, in one transaction. A running server keeps serving the old
read model, whole, until then; its consumer of the same projection waits
only for that last step, and other read models are not held back.

With --as-of and --into, build the read models as they were at a past
moment (an RFC 3339 time, or a global event position) into a new schema,
for incident analysis; the live read models are not touched. --projection
then limits which read models are built (default all).

With --markers, have serve project the deploy, rollback, restart, stop and
env markers into ClickHouse again from the first event (after ClickHouse
lost them, or to fill a new one): the observability-markers consumer's
checkpoint goes back to zero once its batch in progress has committed, and
running serve processes start over without a restart. Markers still there
are stored once.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if markers {
				if asOf != "" || into != "" || projection != "" {
					return usageErrorf("--markers goes alone")
				}
				return a.withCore(cmd, func(ctx context.Context, _ config.Config, c *core.App) error {
					if err := eventstore.ResetCheckpoint(ctx, c.Store.Pool(), commands.MarkersConsumer); err != nil {
						return err
					}
					fmt.Fprintf(cmd.OutOrStdout(), "%s starts over from the first event: serve (with CLICKHOUSE_URL) projects every marker again\n", commands.MarkersConsumer)
					return nil
				})
			}
			if (asOf == "") != (into == "") {
				return usageErrorf("--as-of and --into go together")
			}
			if asOf == "" && projection == "" {
				return usageErrorf("say what to replay: --projection NAME|all, --as-of TIME|POSITION --into SCHEMA, or --markers")
			}
			ps, err := selectProjections(projection)
			if err != nil {
				return err
			}
			var moment projections.AsOf
			if asOf != "" {
				if moment, err = parseAsOf(asOf); err != nil {
					return err
				}
			}
			return a.withCore(cmd, func(ctx context.Context, _ config.Config, c *core.App) error {
				return runReplay(ctx, a, cmd, c, ps, moment, asOf, into)
			})
		},
	}
	cmd.Flags().StringVar(&projection, "projection", "", "read model to rebuild, or all")
	cmd.Flags().StringVar(&asOf, "as-of", "", "past moment: RFC 3339 time or global position")
	cmd.Flags().StringVar(&into, "into", "", "new schema for the as-of read models")
	cmd.Flags().BoolVar(&markers, "markers", false, "project the metrics markers into ClickHouse again (serve does it)")
	return cmd
}

// replayable is every read model replay can rebuild: the live projections
// and the write-side claims, which commands keep and events derive.
func replayable() []projections.Projection {
	return append(core.Projections(), projections.Claims{})
}

func selectProjections(name string) ([]projections.Projection, error) {
	all := replayable()
	if name == "" || name == "all" {
		return all, nil
	}
	for _, p := range all {
		if p.Name() == name {
			return []projections.Projection{p}, nil
		}
	}
	names := make([]string, len(all))
	for i, p := range all {
		names[i] = p.Name()
	}
	return nil, usageErrorf("unknown projection %q; known: %v or all", name, names)
}

func parseAsOf(s string) (projections.AsOf, error) {
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		if n <= 0 {
			return projections.AsOf{}, usageErrorf("--as-of position must be positive")
		}
		return projections.AsOf{Position: n}, nil
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return projections.AsOf{}, usageErrorf("--as-of %q is neither a position nor an RFC 3339 time", s)
	}
	return projections.AsOf{Time: t}, nil
}

func runReplay(ctx context.Context, a *app, cmd *cobra.Command, c *core.App, ps []projections.Projection,
	moment projections.AsOf, asOf, into string) error {
	out := cmd.OutOrStdout()
	start := time.Now()
	if asOf != "" {
		bar := newProgressBar(a.stderr, "as-of")
		n, err := projections.BuildAsOf(ctx, c.Store, ps, moment, into, projections.Options{Progress: bar.update})
		bar.finish()
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "built %d read models as of %s into schema %s from %d events in %s\n",
			len(ps), asOf, into, n, time.Since(start).Round(time.Millisecond))
		return nil
	}
	for _, p := range ps {
		bar := newProgressBar(a.stderr, p.Name())
		t0 := time.Now()
		rebuild := projections.Rebuild
		if _, ok := p.(projections.Claims); ok {
			rebuild = func(ctx context.Context, s *eventstore.Store, _ projections.Projection, o projections.Options) (int64, error) {
				return projections.RebuildClaims(ctx, s, o)
			}
		}
		n, err := rebuild(ctx, c.Store, p, projections.Options{Progress: bar.update})
		bar.finish()
		if err != nil {
			return err
		}
		took := time.Since(t0)
		fmt.Fprintf(out, "rebuilt %s from %d events in %s (%.0f events/s)\n", p.Name(), n,
			took.Round(time.Millisecond), float64(n)/max(took.Seconds(), 1e-9))
	}
	return nil
}
