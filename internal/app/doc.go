// Package app wires MastraAdmin's core together: the event store, the
// LISTEN/NOTIFY notifier, the Watermill subscriber and router running the
// projections, the read-model queries and the command service. The binary
// and the end-to-end tests build the same App.
package app
