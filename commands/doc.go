// Package commands is the application service of MastraAdmin (Admin). Each
// command authorizes the caller, loads the streams it needs, folds them,
// lets the domain decide, and appends the resulting events with the
// expected versions, retrying the whole cycle when another writer got there
// first. Queries check access, then read the read models. Process managers
// (the deploy saga, the server runner, the supervisor, the markers
// projector) react to recorded events with commands or writes whose IDs
// derive from the event. The package declares the ports it needs (event
// store, read models, consistency, clock, IDs, secrets, observability
// store); adapters implement them.
package commands
