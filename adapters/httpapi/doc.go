// Package httpapi is MastraAdmin's REST API (the architecture's
// adapters/http): gorilla/mux routes that translate HTTP into calls on
// commands.Admin and back, the JSON error shape of API.md, request ids,
// structured access logs, panic recovery, body limits, bearer-token
// authentication, Prometheus metrics and the health endpoints. Handlers
// hold no business rules: authorization and validation live in commands and
// domain; errors are mapped to status codes in one place (errors.go).
package httpapi
