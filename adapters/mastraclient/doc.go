// Package mastraclient calls a deployed Mastra server's own API through
// the edge router, as a user of the deployment would: list its workflows
// and start one. The dashboard's "Try it" page uses it.
package mastraclient
