// Package audit holds the audit log's view types, shared by the projection
// that writes them and the commands that authorize reading them.
package audit
