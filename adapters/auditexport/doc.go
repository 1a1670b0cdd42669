// Package auditexport pages through the audit log a caller may see and
// writes it as a hash-chained export (package auditchain). The HTTP export
// and the CLI share it.
package auditexport
