// Package local is the local-folder source provider: it finds Mastra
// projects (a package.json depending on @mastra/core) in the configured
// base directories, and validates project paths: they must exist, be
// readable directories and, once symlinks are resolved, lie inside a base.
package local
