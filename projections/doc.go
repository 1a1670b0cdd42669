// Package projections builds the read models of MastraAdmin from the event
// store. A Projection is a name, the event types it handles, the tables it
// owns and a function that applies a batch of events inside a transaction.
//
// Live, the projections run as one Watermill consumer group (Register,
// GroupHandler): each keeps its own checkpoint, lock and park, and one
// transaction per batch serves them all, so rows and checkpoints commit
// together and N read models cost one read and one commit, not N. A
// projection that fails parks alone. CatchUp and Rebuild apply events in large batches, one
// transaction per batch with the checkpoint at its end; BuildAsOf builds the
// read models as they were at a past moment into another schema. Every
// projection is a pure function of the events: no clock, randomness or
// network, only the events' own data and recorded_at.
package projections
