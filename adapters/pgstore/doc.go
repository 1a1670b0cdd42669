// Package pgstore adapts the Postgres event store and projections to the
// ports declared by package commands: it encodes and decodes domain events
// through a registry, translates version conflicts, and waits for the
// read models after a write.
package pgstore
