// Package local is the local runner's build side: it builds a deployment's
// Mastra project on this machine, as the admin's user. It copies the
// project into a build directory of its own (Mastra's tooling searches
// parent directories), installs its packages with the package manager
// its lockfile names, runs `mastra build`, and checks the bundle. Every
// command runs in its own process group, writes straight to the build log
// (a file, never a pipe the admin holds), and is killed, with its
// children, when the build is cancelled or the admin exits.
package local
