// Package eventstore is the Postgres event store of MastraAdmin.
//
// Events are appended to streams with optimistic concurrency (an expected
// version per stream; a stale one fails with ErrVersionConflict), several
// streams at once in one statement, and read back per stream or in global
// order. The global order is gap-safe: readers only see events whose
// transaction is older than every transaction still in flight, ordered by
// (transaction_id, global_position), so an event that commits late is never
// skipped (the scheme of watermill-sql v4).
//
// Durable, checkpointed, ordered consumers are exposed as Watermill
// subscribers (Subscriber), woken by LISTEN/NOTIFY with polling as fallback.
package eventstore
