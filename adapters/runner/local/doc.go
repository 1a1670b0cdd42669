// Package local is the local runner. Its build side builds a deployment's
// Mastra project on this machine: it copies the project into a build
// directory of its own (Mastra's tooling searches parent directories),
// installs its packages with the package manager its lockfile names, runs
// `mastra build`, checks the bundle and, with an Injector, adds the
// wrapper entry to it (see package bundler). Every command runs in its own
// process group, writes straight to the build log (a file, never a pipe
// the admin holds), and is killed, with its children, when the build is
// cancelled or the admin exits.
//
// Its serving side keeps what builds produce and runs it: Artifacts moves
// a build's bundle and the node_modules it imports into an artifact named
// by ID; Servers runs `node <entry>` on an artifact in a session of its
// own (so it outlives the admin), with its output in files, waits for
// GET /health, stops it (SIGTERM to its group, then SIGKILL) and finds it
// again after a restart by PID and start time; PortFree and
// ParsePortRange serve the port claims.
package local
