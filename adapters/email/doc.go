// Package email sends MastraAdmin's emails. The console provider, the
// default, writes each email as a log line instead of sending it: the
// invite link in it carries the one-time invite token and no other secret.
package email
