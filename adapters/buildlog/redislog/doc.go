// Package redislog implements commands.BuildLogCache over Redis, so that a
// follower on any replica sees the lines a build writes on another. Each
// build's log is one Redis stream, <prefix>build-log:<buildId>, whose
// entry IDs are 0-1, 0-2, … for lines 0, 1, …: reading from line N is
// XREAD from ID 0-N, and a retried append cannot add a line twice. An
// "end" entry after the last line marks the log complete. The stream
// expires RunningTTL after its last append, and the TTL given at
// completion after that.
package redislog
