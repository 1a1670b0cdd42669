// Package buildlog holds the live lines of build logs for followers:
// Memory, within one process (this package), and Redis, across replicas
// (package buildlog/redislog). Both implement commands.BuildLogCache and
// pass the suite in buildlog/buildlogtest.
package buildlog
