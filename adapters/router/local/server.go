package local

import (
	"context"
	"errors"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

// ServerConfig configures a Server.
type ServerConfig struct {
	// Proxy answers every request.
	Proxy *Proxy
	// ReadHeaderTimeout bounds the reading of a request's head once its
	// first byte has arrived (0: 10 s).
	ReadHeaderTimeout time.Duration
	// IdleTimeout closes a client connection that starts no request for
	// this long (0: 2 min).
	IdleTimeout time.Duration
	// MaxHeaderBytes bounds a request's head (0: 1 MB, as net/http's).
	MaxHeaderBytes int
}

func (c *ServerConfig) setDefaults() {
	if c.ReadHeaderTimeout == 0 {
		c.ReadHeaderTimeout = 10 * time.Second
	}
	if c.IdleTimeout == 0 {
		c.IdleTimeout = 2 * time.Minute
	}
	if c.MaxHeaderBytes == 0 {
		c.MaxHeaderBytes = http.DefaultMaxHeaderBytes
	}
}

// Validate reports what is wrong with c.
func (c ServerConfig) Validate() error {
	var errs []error
	if c.Proxy == nil {
		errs = append(errs, errors.New("router server: a proxy is needed"))
	}
	if c.ReadHeaderTimeout < 0 || c.IdleTimeout < 0 {
		errs = append(errs, errors.New("router server: timeouts cannot be negative"))
	}
	if c.MaxHeaderBytes < 0 {
		errs = append(errs, errors.New("router server: MaxHeaderBytes cannot be negative"))
	}
	return errors.Join(errs...)
}

// Server serves a Proxy over HTTP/1.1 with a loop of its own per client
// connection: it reads each request with http.ReadRequest, hands it to
// the proxy with a light http.ResponseWriter (Flush and Hijack included)
// and writes the response on the connection's own buffer. Unlike
// net/http's server it starts no background read of the client's
// connection per request: only a request still running after
// watchAfter gets one, which is what tells a client that went away
// from one that waits (docs/BENCHMARKS.md).
type Server struct {
	cfg    ServerConfig
	closed atomic.Bool

	mu        sync.Mutex
	listeners map[net.Listener]struct{}
	conns     map[*clientConn]struct{}
}

// NewServer returns a Server for cfg.Proxy.
func NewServer(cfg ServerConfig) (*Server, error) {
	cfg.setDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	return &Server{cfg: cfg, listeners: map[net.Listener]struct{}{}, conns: map[*clientConn]struct{}{}}, nil
}

// Serve accepts connections on ln and serves each on a goroutine of its
// own until ln fails or the server is shut down; then it returns
// http.ErrServerClosed. It closes ln.
func (s *Server) Serve(ln net.Listener) error {
	s.mu.Lock()
	if s.closed.Load() {
		s.mu.Unlock()
		ln.Close()
		return http.ErrServerClosed
	}
	s.listeners[ln] = struct{}{}
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		delete(s.listeners, ln)
		s.mu.Unlock()
		ln.Close()
	}()
	var backoff time.Duration
	for {
		nc, err := ln.Accept()
		if err != nil {
			if s.closed.Load() {
				return http.ErrServerClosed
			}
			var te interface{ Temporary() bool }
			if errors.As(err, &te) && te.Temporary() { // e.g. out of file descriptors
				backoff = min(max(2*backoff, 5*time.Millisecond), time.Second)
				time.Sleep(backoff)
				continue
			}
			return err
		}
		backoff = 0
		c := newClientConn(s, nc)
		if !s.track(c) {
			nc.Close()
			return http.ErrServerClosed
		}
		go c.serve()
	}
}

// Shutdown stops accepting connections, closes the idle ones and waits
// for the requests in flight to finish (their connections close after
// the response) or for ctx to end. Hijacked connections (WebSockets) are
// not waited for.
func (s *Server) Shutdown(ctx context.Context) error {
	s.closeListeners()
	t := time.NewTicker(10 * time.Millisecond)
	defer t.Stop()
	for {
		if s.closeIdle() == 0 {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
		}
	}
}

// Close stops accepting connections and closes every connection, idle or
// not.
func (s *Server) Close() error {
	s.closeListeners()
	s.mu.Lock()
	defer s.mu.Unlock()
	for c := range s.conns {
		c.nc.Close()
	}
	return nil
}

func (s *Server) closeListeners() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.closed.Store(true)
	for ln := range s.listeners {
		ln.Close()
	}
}

// closeIdle closes the connections waiting for a request and returns
// how many connections are left.
func (s *Server) closeIdle() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	for c := range s.conns {
		if c.state.CompareAndSwap(connIdle, connClosing) {
			c.nc.Close()
		}
	}
	return len(s.conns)
}

// track adds c to the server's connections; false when it is closed.
func (s *Server) track(c *clientConn) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed.Load() {
		return false
	}
	s.conns[c] = struct{}{}
	return true
}

func (s *Server) forget(c *clientConn) {
	s.mu.Lock()
	delete(s.conns, c)
	s.mu.Unlock()
}
