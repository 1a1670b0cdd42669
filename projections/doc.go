// Package projections builds the read models of MastraAdmin from the event
// store. A Projection is a name, the event types it handles, the tables it
// owns and a function that applies a batch of events inside a transaction.
//
// Live, each projection is a Watermill consumer (Handler) whose writes go
// through the consumer's transaction, so rows and checkpoint commit
// together. CatchUp and Rebuild apply events in large batches, one
// transaction per batch with the checkpoint at its end; BuildAsOf builds the
// read models as they were at a past moment into another schema. Every
// projection is a pure function of the events: no clock, randomness or
// network, only the events' own data and recorded_at.
package projections
