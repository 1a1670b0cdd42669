package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"slices"
	"time"

	"github.com/spf13/cobra"

	"github.com/mastra-admin/mastra-admin/adapters/config"
	"github.com/mastra-admin/mastra-admin/adapters/pgstore"
	"github.com/mastra-admin/mastra-admin/eventstore"
	core "github.com/mastra-admin/mastra-admin/internal/app"
)

type eventsFlags struct {
	stream, output string
	types          []string
	after          int64
	limit          int
	follow         bool
}

func newEventsCmd(a *app) *cobra.Command {
	cmd := &cobra.Command{Use: "events", Short: "Read the event store"}
	for _, sub := range []struct {
		use, short string
		tail       bool
	}{
		{"list", "List events in global position order (oldest first)", false},
		{"tail", "Show the newest events; --follow keeps printing new ones", true},
	} {
		var f eventsFlags
		c := &cobra.Command{
			Use:   sub.use + " [--stream S] [--type T] [--after POS] [--follow] [-o json]",
			Short: sub.short,
			Args:  cobra.NoArgs,
			RunE: func(cmd *cobra.Command, _ []string) error {
				return runEvents(cmd, a, f, sub.tail)
			},
		}
		c.Flags().StringVar(&f.stream, "stream", "", "only this stream")
		c.Flags().StringSliceVar(&f.types, "type", nil, "only these event types (repeat or comma-separate)")
		c.Flags().Int64Var(&f.after, "after", 0, "only events after this global position")
		c.Flags().IntVarP(&f.limit, "limit", "n", 0, "at most this many (list: 1000, tail: 20)")
		c.Flags().BoolVarP(&f.follow, "follow", "f", false, "keep printing events as they are appended")
		c.Flags().StringVarP(&f.output, "output", "o", "text", "text or json (one JSON object per line)")
		cmd.AddCommand(c)
	}
	return cmd
}

func runEvents(cmd *cobra.Command, a *app, f eventsFlags, tail bool) error {
	if f.output != "text" && f.output != "json" {
		return usageErrorf("-o must be text or json, not %q", f.output)
	}
	if f.limit < 0 || f.after < 0 {
		return usageErrorf("--limit and --after must not be negative")
	}
	return a.withCore(cmd, func(ctx context.Context, _ config.Config, c *core.App) error {
		store, out := c.Store, cmd.OutOrStdout()

		horizon, err := store.Horizon(ctx) // taken before listing: see follow
		if err != nil {
			return err
		}
		filter := eventstore.Filter{AfterGlobal: f.after, StreamID: f.stream, Types: f.types, Limit: f.limit}
		if tail {
			if filter.Limit == 0 {
				filter.Limit = 20
			}
			if filter.AfterGlobal, err = tailStart(ctx, store, filter); err != nil {
				return err
			}
		}
		events, err := store.List(ctx, filter)
		if err != nil {
			return err
		}
		printed := map[int64]bool{}
		for _, e := range events {
			if err := printEvent(out, e, f.output); err != nil {
				return err
			}
			printed[e.Position.GlobalPosition] = true
		}
		if !f.follow {
			return nil
		}
		go c.Notifier.Run(ctx)
		return follow(ctx, c.Notifier, store, f, horizon, printed, out)
	})
}

// tailStart returns the position after which the last filter.Limit
// matching events lie.
func tailStart(ctx context.Context, store *eventstore.Store, filter eventstore.Filter) (int64, error) {
	var positions []int64
	after := filter.AfterGlobal
	for {
		page := filter
		page.AfterGlobal, page.Limit = after, 5000
		events, err := store.List(ctx, page)
		if err != nil {
			return 0, err
		}
		for _, e := range events {
			positions = append(positions, e.Position.GlobalPosition)
		}
		if len(positions) > filter.Limit {
			positions = positions[len(positions)-filter.Limit:]
		}
		if len(events) < page.Limit {
			break
		}
		after = events[len(events)-1].Position.GlobalPosition
	}
	if len(positions) == 0 {
		return filter.AfterGlobal, nil
	}
	return positions[0] - 1, nil
}

// follow prints events as they commit, in gap-safe order, starting just
// below the horizon taken before the listing: older transactions had all
// finished, so the listing saw their events; newer ones come through here,
// minus those the listing already printed.
func follow(ctx context.Context, n *eventstore.Notifier, store *eventstore.Store, f eventsFlags, horizon uint64,
	printed map[int64]bool, out io.Writer) error {
	wake, unregister := n.Register()
	defer unregister()
	cursor := eventstore.Position{TransactionID: horizon - 1, GlobalPosition: math.MaxInt64}
	if horizon == 0 {
		cursor = eventstore.Position{}
	}
	for {
		events, err := store.ReadAll(ctx, cursor, 500)
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			return err
		}
		for _, e := range events {
			cursor = e.Position
			if printed[e.Position.GlobalPosition] || !matches(e, f) {
				continue
			}
			if err := printEvent(out, e, f.output); err != nil {
				return err
			}
		}
		if len(events) == 500 {
			continue
		}
		select {
		case <-ctx.Done():
			return nil
		case <-wake:
		case <-time.After(time.Second):
		}
	}
}

func matches(e eventstore.Event, f eventsFlags) bool {
	return e.Position.GlobalPosition > f.after && (f.stream == "" || e.StreamID == f.stream) &&
		(len(f.types) == 0 || slices.Contains(f.types, e.Type))
}

func printEvent(out io.Writer, e eventstore.Event, format string) error {
	if format == "json" {
		b, err := json.Marshal(pgstore.RawEvent(e))
		if err != nil {
			return fmt.Errorf("encode event %d: %w", e.Position.GlobalPosition, err)
		}
		_, err = fmt.Fprintln(out, string(b))
		return err
	}
	actor := e.Metadata.Actor
	if actor == "" {
		actor = "-"
	}
	_, err := fmt.Fprintf(out, "%8d  %s  %-26s  %s@%d  %s\n", e.Position.GlobalPosition,
		e.RecordedAt.UTC().Format(time.RFC3339), e.Type, e.StreamID, e.StreamVersion, actor)
	return err
}
