package local_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mastra-admin/mastra-admin/adapters/router/local"
)

type transition struct {
	sub     string
	healthy bool
	reason  string
}

type recorder struct {
	mu  sync.Mutex
	got []transition
	ch  chan transition
}

func newRecorder() *recorder { return &recorder{ch: make(chan transition, 100)} }

func (r *recorder) onChange(route local.Route, healthy bool, reason string) {
	r.mu.Lock()
	r.got = append(r.got, transition{route.Subdomain, healthy, reason})
	r.mu.Unlock()
	r.ch <- transition{route.Subdomain, healthy, reason}
}

func (r *recorder) all() []transition {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]transition(nil), r.got...)
}

// flaky is a real HTTP server whose /health fails while failing is set.
type flaky struct {
	failing atomic.Bool
	probes  atomic.Int64
	srv     *httptest.Server
}

func newFlaky(t *testing.T) *flaky {
	f := &flaky{}
	f.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/health" {
			http.NotFound(w, r)
			return
		}
		f.probes.Add(1)
		if f.failing.Load() {
			http.Error(w, "down", http.StatusInternalServerError)
			return
		}
		_, _ = w.Write([]byte("ok"))
	}))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *flaky) addr() string { return strings.TrimPrefix(f.srv.URL, "http://") }

func TestHealthCheckerReportsOnlyTransitions(t *testing.T) {
	t.Parallel()
	f := newFlaky(t)
	other := newFlaky(t)
	tb := local.NewTable()
	stopped := route("stopped", deadAddr(t))
	stopped.State = local.StateStopped
	require.NoError(t, tb.Replace([]local.Route{route("app", f.addr()), route("other", other.addr()), stopped}))
	rec := newRecorder()
	hc, err := local.NewHealthChecker(local.HealthConfig{Table: tb, OnChange: rec.onChange, Logger: testLogger(), Threshold: 3})
	require.NoError(t, err)
	ctx := context.Background()

	hc.Check(ctx)
	hc.Check(ctx)
	assert.Empty(t, rec.all(), "healthy routes that stay healthy: nothing to report")

	f.failing.Store(true)
	hc.Check(ctx)
	hc.Check(ctx)
	assert.Empty(t, rec.all(), "two failures are under the threshold")
	hc.Check(ctx)
	require.Equal(t, []transition{{"app", false, "GET /health: status 500"}}, rec.all())
	hc.Check(ctx)
	hc.Check(ctx)
	assert.Len(t, rec.all(), 1, "an unhealthy route that stays unhealthy: nothing more")

	f.failing.Store(false)
	hc.Check(ctx)
	hc.Check(ctx)
	require.Equal(t, []transition{{"app", false, "GET /health: status 500"}, {"app", true, ""}}, rec.all())

	// The server goes away altogether.
	f.srv.Close()
	for i := 0; i < 4; i++ {
		hc.Check(ctx)
	}
	got := rec.all()
	require.Len(t, got, 3)
	assert.False(t, got[2].healthy)
	assert.Contains(t, got[2].reason, "connection refused")

	// Swapped to a live target, the route is checked afresh: its table
	// state (healthy) holds until a probe says otherwise.
	require.NoError(t, tb.Set(route("app", other.addr())))
	hc.Check(ctx)
	assert.Len(t, rec.all(), 3)
	for _, tr := range rec.all() {
		assert.Equal(t, "app", tr.sub, "the healthy and the stopped routes were never reported")
	}
}

func TestHealthCheckerRunReportsAFailureAndARecoveryOnce(t *testing.T) {
	t.Parallel()
	f := newFlaky(t)
	tb := local.NewTable()
	require.NoError(t, tb.Set(route("app", f.addr())))
	rec := newRecorder()
	hc, err := local.NewHealthChecker(local.HealthConfig{Table: tb, OnChange: rec.onChange, Logger: testLogger(),
		Interval: 5e6, Timeout: 1e9, Threshold: 2})
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- hc.Run(ctx) }()

	f.failing.Store(true)
	tr := <-rec.ch
	assert.Equal(t, transition{"app", false, "GET /health: status 500"}, tr)
	f.failing.Store(false)
	tr = <-rec.ch
	assert.Equal(t, transition{"app", true, ""}, tr)
	// Many more passing probes change nothing.
	for n := f.probes.Load(); f.probes.Load() < n+10; {
		time.Sleep(time.Millisecond)
	}
	cancel()
	require.NoError(t, <-done)
	assert.Len(t, rec.all(), 2)
}

func TestHealthConfigIsValidated(t *testing.T) {
	t.Parallel()
	_, err := local.NewHealthChecker(local.HealthConfig{})
	require.ErrorContains(t, err, "routing table")
	require.ErrorContains(t, err, "OnChange")
	_, err = local.NewHealthChecker(local.HealthConfig{Table: local.NewTable(), OnChange: func(local.Route, bool, string) {}, Logger: testLogger(), Path: "health"})
	require.ErrorContains(t, err, "does not start with /")
}
