// Package server is the server aggregate: one run of a deployment's built
// artifact as a process behind the edge router. A deploy, a start or a
// restart schedules a new server on a port it claims (PortScope), the
// runner starts it and reports it healthy or failed, and it is stopped
// when it is replaced, its deployment is stopped or deleted, or it fails.
// A server that ended frees its port.
package server
