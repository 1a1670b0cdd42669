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
// An append can carry conditions in its one statement (AppendIf): unique
// values claimed or freed (Claim), and guards that a stream it does not
// write is still at a version (Guard), so a decision made on a cached state
// holds at commit.
//
// Appends on the store's pool are group-committed: those that arrive while
// an earlier batch is in flight are sent together, each in its own
// statement, in one pipelined implicit transaction, so concurrent writers
// share round trips and commits. Each keeps its own outcome: a batch with
// a failing statement commits nothing, and its appends are retried apart.
//
// Durable, checkpointed, ordered consumers are exposed as Watermill
// subscribers (Subscriber), woken by LISTEN/NOTIFY with polling as fallback.
// Several consumers can share one transaction per batch as a group
// (GroupTopic), each keeping its own checkpoint, lock and park.
package eventstore
