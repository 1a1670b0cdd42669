package local

import (
	"errors"
	"fmt"
	"net"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/google/uuid"
)

// State is whether a route serves its target.
type State string

const (
	// StateActive routes serve their target.
	StateActive State = "active"
	// StateStopped routes answer 503: the deployment is stopped.
	StateStopped State = "stopped"
)

// Route sends the requests of one subdomain to one target.
type Route struct {
	// Subdomain is the route's key: one DNS label, lower case.
	Subdomain    string
	DeploymentID uuid.UUID
	ProjectID    uuid.UUID
	// Target is the server's host:port, e.g. 127.0.0.1:4107 (empty for a
	// stopped route).
	Target string
	State  State
	// Healthy is false when the health checker saw the target fail; the
	// proxy then answers 502. A new route should be set healthy: its
	// server answered its health check before the route was switched.
	Healthy bool
}

// Validate reports what is wrong with r, if anything.
func (r Route) Validate() error {
	var errs []error
	if err := validSubdomain(r.Subdomain); err != nil {
		errs = append(errs, err)
	}
	if r.State == StateStopped && r.Target == "" {
		// a stopped route answers 503 and sends nowhere
	} else if host, port, err := net.SplitHostPort(r.Target); err != nil || host == "" {
		errs = append(errs, fmt.Errorf("route %q: target %q is not host:port", r.Subdomain, r.Target))
	} else if p, err := strconv.Atoi(port); err != nil || p < 1 || p > 65535 {
		errs = append(errs, fmt.Errorf("route %q: target %q has no valid port", r.Subdomain, r.Target))
	}
	if r.State != StateActive && r.State != StateStopped {
		errs = append(errs, fmt.Errorf("route %q: state %q is neither %q nor %q", r.Subdomain, r.State, StateActive, StateStopped))
	}
	return errors.Join(errs...)
}

// validSubdomain accepts one lower-case DNS label.
func validSubdomain(s string) error {
	if s == "" || len(s) > 63 || s[0] == '-' || s[len(s)-1] == '-' {
		return fmt.Errorf("route: subdomain %q is not a DNS label (1 to 63 of a-z, 0-9 and -, not at either end)", s)
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
			return fmt.Errorf("route: subdomain %q is not a DNS label (1 to 63 of a-z, 0-9 and -, not at either end)", s)
		}
	}
	return nil
}

// Table is the routing table. Readers take no lock: the table is a map
// that is never changed once published, behind an atomic pointer; writers
// copy it, change the copy and publish it, one writer at a time. So a
// route's target changes atomically: a request sees the old route or the
// new one, whole.
type Table struct {
	mu     sync.Mutex // serializes writers
	routes atomic.Pointer[map[string]Route]
}

// NewTable returns an empty table.
func NewTable() *Table {
	t := &Table{}
	m := map[string]Route{}
	t.routes.Store(&m)
	return t
}

func (t *Table) load() map[string]Route {
	if p := t.routes.Load(); p != nil {
		return *p
	}
	return nil
}

// Get returns the route of subdomain (any case).
func (t *Table) Get(subdomain string) (Route, bool) {
	r, ok := t.load()[lower(subdomain)]
	return r, ok
}

// All returns every route, by subdomain.
func (t *Table) All() []Route {
	m := t.load()
	out := make([]Route, 0, len(m))
	for _, r := range m {
		out = append(out, r)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Subdomain < out[j].Subdomain })
	return out
}

// Set adds route or replaces the route of its subdomain. An invalid route
// is refused and the table is left as it was.
func (t *Table) Set(route Route) error {
	route.Subdomain = lower(route.Subdomain)
	if err := route.Validate(); err != nil {
		return err
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	old := t.load()
	m := make(map[string]Route, len(old)+1)
	for k, v := range old {
		m[k] = v
	}
	m[route.Subdomain] = route
	t.routes.Store(&m)
	return nil
}

// SetHealthy marks the route of subdomain healthy or not, if it still
// sends to target (a route swapped meanwhile is left alone). It reports
// whether it changed the table.
func (t *Table) SetHealthy(subdomain, target string, healthy bool) bool {
	subdomain = lower(subdomain)
	t.mu.Lock()
	defer t.mu.Unlock()
	old := t.load()
	r, ok := old[subdomain]
	if !ok || r.Target != target || r.Healthy == healthy {
		return false
	}
	m := make(map[string]Route, len(old))
	for k, v := range old {
		m[k] = v
	}
	r.Healthy = healthy
	m[subdomain] = r
	t.routes.Store(&m)
	return true
}

// Remove deletes the route of subdomain, if there is one.
func (t *Table) Remove(subdomain string) {
	subdomain = lower(subdomain)
	t.mu.Lock()
	defer t.mu.Unlock()
	old := t.load()
	if _, ok := old[subdomain]; !ok {
		return
	}
	m := make(map[string]Route, len(old))
	for k, v := range old {
		if k != subdomain {
			m[k] = v
		}
	}
	t.routes.Store(&m)
}

// Replace makes routes the whole table (the load at start). If any route
// is invalid, or two share a subdomain, nothing changes.
func (t *Table) Replace(routes []Route) error {
	m := make(map[string]Route, len(routes))
	var errs []error
	for _, r := range routes {
		r.Subdomain = lower(r.Subdomain)
		if err := r.Validate(); err != nil {
			errs = append(errs, err)
			continue
		}
		if _, dup := m[r.Subdomain]; dup {
			errs = append(errs, fmt.Errorf("route %q: given twice", r.Subdomain))
			continue
		}
		m[r.Subdomain] = r
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("replace routing table: %w", err)
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	t.routes.Store(&m)
	return nil
}

// lower returns s in lower case, without allocating when it already is.
func lower(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 'A' && c <= 'Z' {
			return strings.ToLower(s)
		}
	}
	return s
}
