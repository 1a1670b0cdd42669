package local

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sync"
	"time"

	"github.com/sirupsen/logrus"
)

// HealthConfig configures a HealthChecker.
type HealthConfig struct {
	Table *Table
	// OnChange is called, from Run's goroutine, when a route's target
	// becomes unhealthy (Threshold failed probes in a row) or healthy
	// again (one probe that passes). reason says why it failed ("" when
	// healthy); it may name the target: it is for events and logs, not
	// for clients.
	OnChange func(route Route, healthy bool, reason string)
	Logger   *logrus.Entry
	// Interval between probes of a route (0: 5 s).
	Interval time.Duration
	// Timeout of one probe (0: 2 s).
	Timeout time.Duration
	// Threshold is how many failed probes in a row make a route
	// unhealthy (0: 3).
	Threshold int
	// Path is what is probed (empty: /health).
	Path string
}

func (c *HealthConfig) setDefaults() {
	if c.Interval == 0 {
		c.Interval = 5 * time.Second
	}
	if c.Timeout == 0 {
		c.Timeout = 2 * time.Second
	}
	if c.Threshold == 0 {
		c.Threshold = 3
	}
	if c.Path == "" {
		c.Path = "/health"
	}
}

// Validate reports what is wrong with c.
func (c HealthConfig) Validate() error {
	var errs []error
	if c.Table == nil {
		errs = append(errs, errors.New("health checker: a routing table is needed"))
	}
	if c.OnChange == nil {
		errs = append(errs, errors.New("health checker: OnChange is needed"))
	}
	if c.Logger == nil {
		errs = append(errs, errors.New("health checker: a logger is needed"))
	}
	if c.Interval < 0 || c.Timeout < 0 || c.Threshold < 0 {
		errs = append(errs, errors.New("health checker: interval, timeout and threshold cannot be negative"))
	}
	if c.Path != "" && c.Path[0] != '/' {
		errs = append(errs, fmt.Errorf("health checker: path %q does not start with /", c.Path))
	}
	return errors.Join(errs...)
}

// HealthChecker probes the target of every active route and reports
// transitions, not probes.
type HealthChecker struct {
	cfg    HealthConfig
	client *http.Client
	// state is per subdomain; it is reset when the route's target changes.
	state map[string]*probeState
}

type probeState struct {
	target  string
	healthy bool
	fails   int
}

// NewHealthChecker returns a HealthChecker.
func NewHealthChecker(cfg HealthConfig) (*HealthChecker, error) {
	cfg.setDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	return &HealthChecker{
		cfg: cfg,
		// A probe opens its own connection: a kept-alive one may be closed
		// by the server (Node's 5 s timeout) just as a probe takes it.
		client: &http.Client{
			Timeout:   cfg.Timeout,
			Transport: &http.Transport{DisableKeepAlives: true, DisableCompression: true},
			CheckRedirect: func(*http.Request, []*http.Request) error {
				return http.ErrUseLastResponse
			},
		},
		state: map[string]*probeState{},
	}, nil
}

// Run probes every Interval until ctx ends.
func (h *HealthChecker) Run(ctx context.Context) error {
	t := time.NewTicker(h.cfg.Interval)
	defer t.Stop()
	for {
		h.Check(ctx)
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
}

// Check probes every active route once, concurrently, and reports the
// transitions. Run calls it; it is not safe to call concurrently.
func (h *HealthChecker) Check(ctx context.Context) {
	var routes []Route
	for _, r := range h.cfg.Table.All() {
		if r.State == StateActive {
			routes = append(routes, r)
		}
	}
	seen := make(map[string]bool, len(routes))
	for _, r := range routes {
		seen[r.Subdomain] = true
	}
	for sub := range h.state {
		if !seen[sub] {
			delete(h.state, sub) // removed or stopped: checked afresh if it returns
		}
	}
	reasons := make([]string, len(routes))
	var wg sync.WaitGroup
	for i, r := range routes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			reasons[i] = h.probe(ctx, r.Target)
		}()
	}
	wg.Wait()
	if ctx.Err() != nil {
		return // probes cut short say nothing about the targets
	}
	for i, r := range routes {
		h.observe(r, reasons[i])
	}
}

// observe folds one probe's result into the route's state and reports a
// transition.
func (h *HealthChecker) observe(r Route, reason string) {
	st, ok := h.state[r.Subdomain]
	if !ok || st.target != r.Target {
		st = &probeState{target: r.Target, healthy: r.Healthy}
		h.state[r.Subdomain] = st
	}
	log := h.cfg.Logger.WithFields(logrus.Fields{"deployment_id": r.DeploymentID, "subdomain": r.Subdomain})
	if reason == "" {
		st.fails = 0
		if !st.healthy {
			st.healthy = true
			log.Info("router: target healthy again")
			h.cfg.OnChange(r, true, "")
		}
		return
	}
	st.fails++
	if st.healthy && st.fails >= h.cfg.Threshold {
		st.healthy = false
		log.WithField("reason", reason).Warn("router: target unhealthy")
		h.cfg.OnChange(r, false, reason)
	}
}

// probe returns why target's health check failed, or "".
func (h *HealthChecker) probe(ctx context.Context, target string) string {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+target+h.cfg.Path, nil)
	if err != nil {
		return fmt.Sprintf("GET %s: %v", h.cfg.Path, err)
	}
	resp, err := h.client.Do(req)
	if err != nil {
		return fmt.Sprintf("GET %s: %v", h.cfg.Path, err)
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64*1024))
	resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return fmt.Sprintf("GET %s: status %d", h.cfg.Path, resp.StatusCode)
	}
	return ""
}
