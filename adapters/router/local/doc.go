// Package local is the edge router's data plane: a routing table keyed by
// subdomain, a reverse proxy that serves it, and a health checker for the
// routes it holds. It knows nothing of the event store: whoever owns the
// table (the router's subscription to route events) calls Table.Set,
// Table.Remove and Table.Replace, and records the health checker's
// transitions.
//
// The proxy routes by host (`<sub>.localhost`, `<sub>.<base domain>`) and
// by path prefix (`/<sub>/…`). It keeps a small pool of HTTP/1.1
// connections per target and writes each request and reads its response
// on the handler's goroutine (no transport goroutines), which is what lets
// it keep up with nginx (docs/BENCHMARKS.md). Streamed responses (chunked,
// server-sent events) are flushed after every read; WebSocket upgrades are
// hijacked and spliced both ways.
//
// Server serves the proxy with an HTTP/1.1 loop of its own per client
// connection instead of net/http's server, whose per-request background
// read of the client connection and context cost a fifth of the router's
// throughput; it watches a client connection for a close only while a
// request runs for longer than 100 ms. The Proxy remains an http.Handler
// that any server can serve. Forwarding headers a client sent are
// dropped and set by the router; errors never show a Go error string or a
// target address.
package local
