package benchmarks

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/stretchr/testify/require"

	"github.com/mastra-admin/mastra-admin/eventstore"
	"github.com/mastra-admin/mastra-admin/internal/app"
	"github.com/mastra-admin/mastra-admin/internal/apptest"
)

// BenchmarkSubscriptionLag measures the time from an append's commit (its
// return to the writer) to a consumer's handler, under 8 concurrent
// writers, with the real projections consuming too. Goal: p99 < 50 ms.
// The baseline line is the same writers' raw INSERT rate, for scale.
func BenchmarkSubscriptionLag(b *testing.B) {
	var (
		mu        sync.Mutex
		committed = map[string]time.Time{}
		handled   = map[string]time.Time{}
	)
	probe := func(msg *message.Message) error {
		now := time.Now()
		mu.Lock()
		handled[msg.UUID] = now
		mu.Unlock()
		return nil
	}
	env := apptest.Start(b, func(c *app.Config) {})
	env.Router.AddConsumerHandler("lag-probe", "lag-probe", mustSubscriber(b, env), probe)
	require.NoError(b, env.Router.RunHandlers(context.Background()))
	ctx := context.Background()
	const writers, each = 8, 500
	// Warm up: the first appends open every pool connection and prepare
	// statements; in a cold start that alone shows as ~300 ms of lag.
	parallel(b, writers, 100, func(w, i int) error {
		_, err := env.Store.Append(ctx, fmt.Sprintf("warm-%d", w), eventstore.Exact(int64(i)), eventData("bench.Warmup"))
		return err
	})
	require.NoError(b, env.Waiter.WaitForHead(ctx))
	for n := 0; n < b.N; n++ {
		rate := parallel(b, writers, each, func(w, i int) error {
			e := eventData("bench.Probe")
			_, err := env.Store.Append(ctx, fmt.Sprintf("lag-%d-%d", n, w), eventstore.Exact(int64(i)), e)
			if err == nil {
				t := time.Now()
				mu.Lock()
				committed[e.ID.String()] = t
				mu.Unlock()
			}
			return err
		})
		require.Eventually(b, func() bool {
			mu.Lock()
			defer mu.Unlock()
			return len(handled) >= len(committed)
		}, time.Minute, 10*time.Millisecond)
		mu.Lock()
		lags := make([]time.Duration, 0, len(committed))
		// Only the measured appends count (the warm-up's are in handled too).
		for id, at := range committed {
			lags = append(lags, max(handled[id].Sub(at), 0))
		}
		mu.Unlock()
		sortDurations(lags)
		p50, p95, p99 := percentile(lags, 50), percentile(lags, 95), percentile(lags, 99)
		verdict := "meets"
		if p99 >= 50*time.Millisecond {
			verdict = "MISSES"
		}
		fmt.Printf("%-48s p50 %v p95 %v p99 %v max %v over %d events at %.0f appends/s (goal p99 < 50ms: %s)\n",
			"subscription lag, commit -> handler, 8 writers", p50.Round(10*time.Microsecond), p95.Round(10*time.Microsecond),
			p99.Round(10*time.Microsecond), lags[len(lags)-1].Round(10*time.Microsecond), len(lags), rate, verdict)
		b.ReportMetric(float64(p99.Microseconds())/1000, "p99-ms")
		b.ReportMetric(float64(p50.Microseconds())/1000, "p50-ms")
	}
}

func mustSubscriber(b testing.TB, env *apptest.Env) *eventstore.Subscriber {
	sub, err := eventstore.NewSubscriber(eventstore.SubscriberConfig{Store: env.Store, Notifier: env.Notifier,
		Parker: env.Parker, Logger: env.App.Logger()})
	require.NoError(b, err)
	return sub
}
