// Package localservers adapts the local runner (adapters/runner/local) to
// the ports the deploy saga and the server runner use: commands.Servers
// (start, health, stop of server processes on this host),
// commands.Artifacts (artifacts kept by ID in the data directory, pruned
// to the newest of each deployment) and commands.ServerLogs (the end of a
// server's stderr).
package localservers
