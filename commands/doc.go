// Package commands is the application service of MastraAdmin (Admin). Each
// command authorizes the caller, loads the streams it needs, folds them,
// lets the domain decide, and appends the resulting events with the
// expected versions, retrying the whole cycle when another writer got there
// first. Queries check access, then read the read models. The package
// declares the ports it needs (event store, read models, consistency,
// clock, IDs, secrets); adapters implement them.
package commands
