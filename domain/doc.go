// Package domain is the pure core of MastraAdmin: events, aggregates, value
// objects, the RBAC policy and domain errors. It does no I/O, reads no
// clock, makes no random IDs and logs nothing: times and new IDs arrive in
// commands. Aggregates live in subpackages (team, user); this package holds
// what they share.
package domain
