// Package buildlog keeps build logs as files, one per build, in a folder of
// the data directory. Build commands write to the file directly, so a log
// survives the admin's restart and can be read while the build runs.
package buildlog
