// Package obsship ships the observability files of the servers that run
// on this host to file storage. Each server writes its spans and logs as
// JSONL under DATA_DIR/servers/<deploymentId>/obs/<serverId>/{spans,logs}
// (adapters/bundler/assets/jsonl.mjs): the file being written ends in
// .jsonl.open and is renamed to .jsonl once closed (by size, by age, or
// when the server exits). Every few seconds the Shipper writes each
// closed file to observability/<kind>/<projectId>/<deploymentId>/
// <timestamp>_<uuid>.jsonl (commands.ObservabilityPath; the project from
// the servers read model) and deletes the local file only once the write
// succeeded. The name is derived from the server and the local file, so a
// file shipped again after a crash between the write and the delete
// replaces its first copy instead of adding one. Files left over by an
// earlier run of the admin are simply found by the next pass; a file
// still open when its server ended (a server killed with SIGKILL) is
// closed by the Shipper once it has been idle for a while.
package obsship
