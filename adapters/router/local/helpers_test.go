package local_test

import (
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/sirupsen/logrus"
	"github.com/stretchr/testify/require"

	"github.com/mastra-admin/mastra-admin/adapters/router/local"
)

func testLogger() *logrus.Entry {
	l := logrus.New()
	l.SetOutput(io.Discard)
	return logrus.NewEntry(l)
}

// router is a proxy serving on a real socket.
type router struct {
	table *local.Table
	proxy *local.Proxy
	url   string // http://127.0.0.1:port
	addr  string
}

func newRouter(t *testing.T, cfg local.Config) *router {
	t.Helper()
	rt, _, _ := newServedRouter(t, cfg, local.ServerConfig{})
	return rt
}

// newServedRouter serves the proxy with local.Server configured as scfg;
// served gets what Serve returned.
func newServedRouter(t *testing.T, cfg local.Config, scfg local.ServerConfig) (rt *router, srv *local.Server, served <-chan error) {
	t.Helper()
	if cfg.Table == nil {
		cfg.Table = local.NewTable()
	}
	cfg.Logger = testLogger()
	p, err := local.NewProxy(cfg)
	require.NoError(t, err)
	scfg.Proxy = p
	srv, err = local.NewServer(scfg)
	require.NoError(t, err)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	t.Cleanup(func() {
		srv.Close()
		p.Close()
	})
	addr := ln.Addr().String()
	return &router{table: cfg.Table, proxy: p, url: "http://" + addr, addr: addr}, srv, done
}

// newHandlerRouter serves the proxy as a plain http.Handler on net/http's
// server instead of local.Server.
func newHandlerRouter(t *testing.T, cfg local.Config) *router {
	t.Helper()
	if cfg.Table == nil {
		cfg.Table = local.NewTable()
	}
	cfg.Logger = testLogger()
	p, err := local.NewProxy(cfg)
	require.NoError(t, err)
	srv := httptest.NewServer(p)
	t.Cleanup(func() { srv.Close(); p.Close() })
	return &router{table: cfg.Table, proxy: p, url: srv.URL, addr: strings.TrimPrefix(srv.URL, "http://")}
}

// backend is an HTTP server on a real socket; target is its host:port.
func backend(t *testing.T, h http.Handler) string {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return strings.TrimPrefix(srv.URL, "http://")
}

func route(sub, target string) local.Route {
	return local.Route{Subdomain: sub, DeploymentID: uuid.New(), ProjectID: uuid.New(),
		Target: target, State: local.StateActive, Healthy: true}
}

// deadAddr is a host:port nothing listens on.
func deadAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := l.Addr().String()
	require.NoError(t, l.Close())
	return addr
}

// get sends a request to the router with the given Host and headers.
func (r *router) do(t *testing.T, method, host, path string, header http.Header, body io.Reader) *http.Response {
	t.Helper()
	req, err := http.NewRequest(method, r.url+path, body)
	require.NoError(t, err)
	if host != "" {
		req.Host = host
	}
	for k, vv := range header {
		req.Header[k] = vv
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	return resp
}

func readAll(t *testing.T, resp *http.Response) string {
	t.Helper()
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return string(b)
}

// bothServers runs test against the proxy served by local.Server and by
// net/http's server (the proxy as a plain http.Handler).
func bothServers(t *testing.T, test func(t *testing.T, newRouter func(*testing.T, local.Config) *router)) {
	for name, mk := range map[string]func(*testing.T, local.Config) *router{"local.Server": newRouter, "net-http": newHandlerRouter} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			test(t, mk)
		})
	}
}
