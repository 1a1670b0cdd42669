package local

import (
	"errors"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/sirupsen/logrus"
)

// Config configures a Proxy.
type Config struct {
	// Table is the routing table the proxy reads on every request.
	Table *Table
	// BaseDomain, when set, routes `<sub>.<BaseDomain>` by host, besides
	// `<sub>.localhost` (MASTRA_ADMIN_BASE_DOMAIN).
	BaseDomain string
	Logger     *logrus.Entry
	// DialTimeout bounds opening a connection to a target (0: 5 s).
	DialTimeout time.Duration
	// ResponseHeaderTimeout bounds the wait for a target's response
	// headers once the request is written (0: no bound; an agent may
	// think for minutes before it answers).
	ResponseHeaderTimeout time.Duration
	// IdleTimeout closes a pooled connection idle for longer (0: 4 s,
	// under Node's 5 s keep-alive timeout, so the proxy does not reuse
	// a connection the server is closing).
	IdleTimeout time.Duration
	// MaxIdlePerTarget caps the idle connections kept per target (0: 512).
	MaxIdlePerTarget int
}

func (c *Config) setDefaults() {
	if c.DialTimeout == 0 {
		c.DialTimeout = 5 * time.Second
	}
	if c.IdleTimeout == 0 {
		c.IdleTimeout = 4 * time.Second
	}
	if c.MaxIdlePerTarget == 0 {
		c.MaxIdlePerTarget = 512
	}
	c.BaseDomain = strings.Trim(strings.ToLower(c.BaseDomain), ".")
}

// Validate reports what is wrong with c.
func (c Config) Validate() error {
	var errs []error
	if c.Table == nil {
		errs = append(errs, errors.New("router proxy: a routing table is needed"))
	}
	if c.Logger == nil {
		errs = append(errs, errors.New("router proxy: a logger is needed"))
	}
	if c.DialTimeout < 0 || c.ResponseHeaderTimeout < 0 || c.IdleTimeout < 0 {
		errs = append(errs, errors.New("router proxy: timeouts cannot be negative"))
	}
	if c.MaxIdlePerTarget < 0 {
		errs = append(errs, errors.New("router proxy: MaxIdlePerTarget cannot be negative"))
	}
	if c.BaseDomain != "" && (strings.ContainsAny(c.BaseDomain, "/:@ ") || !strings.Contains(c.BaseDomain, ".") && c.BaseDomain != "localhost") {
		errs = append(errs, errors.New("router proxy: base domain "+c.BaseDomain+" is not a domain name (e.g. apps.example.com)"))
	}
	return errors.Join(errs...)
}

// Proxy is the edge router's reverse proxy: an http.Handler that sends
// each request to the target of its route.
type Proxy struct {
	cfg   Config
	pools *pools
	log   *logrus.Entry
}

// NewProxy returns a Proxy. Close it to close its idle connections.
func NewProxy(cfg Config) (*Proxy, error) {
	cfg.setDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	return &Proxy{
		cfg:   cfg,
		pools: newPools(cfg.DialTimeout, cfg.IdleTimeout, cfg.MaxIdlePerTarget),
		log:   cfg.Logger,
	}, nil
}

// Close closes the idle connections and stops their sweeper. Requests
// in flight finish; their connections are closed afterwards.
func (p *Proxy) Close() error {
	p.pools.close()
	return nil
}

// ServeHTTP routes r by host, then by path prefix, and forwards it.
func (p *Proxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	sub, prefix, ok := p.subdomain(r)
	if !ok {
		writeFailure(w, r, errNotFound)
		return
	}
	route, ok := p.cfg.Table.Get(sub)
	switch {
	case !ok:
		writeFailure(w, r, errNotFound)
		return
	case route.State != StateActive:
		writeFailure(w, r, errStopped)
		return
	case !route.Healthy:
		writeFailure(w, r, errUnhealthy)
		return
	}
	uri := r.RequestURI
	if uri == "" || uri[0] != '/' && uri != "*" {
		uri = r.URL.RequestURI() // absolute form
	}
	if prefix {
		uri = uri[1+len(sub):]
		if uri == "" || uri[0] != '/' {
			uri = "/" + uri
		}
	}
	p.forward(w, r, route, uri, prefix)
}

// subdomain finds the route's key: from the host when it is
// `<sub>.localhost` or `<sub>.<base domain>`, else from the first path
// segment (prefix true).
func (p *Proxy) subdomain(r *http.Request) (sub string, prefix bool, ok bool) {
	host := r.Host
	if i := strings.LastIndexByte(host, ':'); i >= 0 && !strings.HasSuffix(host, "]") {
		host = host[:i]
	}
	host = strings.TrimSuffix(lower(host), ".")
	if s, found := strings.CutSuffix(host, ".localhost"); found {
		return s, false, s != ""
	}
	if p.cfg.BaseDomain != "" {
		if s, found := strings.CutSuffix(host, "."+p.cfg.BaseDomain); found {
			return s, false, s != ""
		}
	}
	path := r.RequestURI
	if path == "" || path[0] != '/' {
		path = r.URL.EscapedPath()
	}
	if len(path) < 2 || path[0] != '/' {
		return "", true, false
	}
	end := strings.IndexAny(path[1:], "/?")
	if end < 0 {
		end = len(path) - 1
	}
	seg := path[1 : 1+end]
	if seg == "" {
		return "", true, false
	}
	return lower(seg), true, true
}

// clientIP is the address the client connected from.
func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}
