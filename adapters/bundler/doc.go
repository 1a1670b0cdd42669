// Package bundler is the step after `mastra build` that the seeds call
// the AdminBundler: it adds to a build's bundle (.mastra/output) a wrapper
// entry, mastra-admin-entry.mjs (local.EntryFile), that servers run
// instead of index.mjs. The entry imports the project's Mastra instance
// from mastra.mjs (found by shape: export names are minified), forces the
// port and host the runner assigned (PORT, MASTRA_HOST), registers a span
// exporter and a logger that fans out to the project's own logger, both
// writing JSONL under OBS_DIR (spans/, logs/; rotated by size and age,
// *.jsonl.open until closed), then imports index.mjs.
//
// Bundler implements local.Injector. Everything it does in the bundle
// runs as the build user, through the runner: a probe (node) reports the
// @mastra/core the bundle resolves and what of its API is missing — a
// project whose Mastra lacks it fails its build, saying so; npm installs
// @mastra/observability beside the bundle when the project has none; a
// second node program writes the entry and its JSONL module and moves
// the package into the bundle's node_modules.
package bundler
