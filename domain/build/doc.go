// Package build is the build aggregate: one run of the build pipeline for
// a deployment, from queued to succeeded, failed or cancelled. A build
// that runs holds a build slot (a claim in SlotScope) while it runs, so
// that no more builds run at once, across replicas, than the license's
// concurrent-build limit allows.
package build
