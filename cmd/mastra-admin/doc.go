// Command mastra-admin is the one MastraAdmin binary: the control plane
// (serve) and its operator tools (migrate, version and, as they land, token,
// replay, events and audit). It holds wiring only; the behaviour lives in
// the domain, commands, projections, eventstore and adapters packages.
//
// Configuration comes from the environment and from flags of the same names
// (see package adapters/config and API.md). Exit status is 0 on success, 1 on
// failure and 2 on bad usage, which includes an invalid configuration; errors
// go to stderr as "mastra-admin: <message>".
package main
