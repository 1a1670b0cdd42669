package httpapi

import (
	"context"
	"errors"
	"net"
	"net/http"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/mastra-admin/mastra-admin/domain"
)

// errorBody is the one error shape of the API.
type errorBody struct {
	Error errorDetail `json:"error"`
}

type errorDetail struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

var statusOf = map[domain.Kind]int{
	domain.KindInvalid:          http.StatusBadRequest,
	domain.KindUnauthenticated:  http.StatusUnauthorized,
	domain.KindPermissionDenied: http.StatusForbidden,
	domain.KindLicenseRequired:  http.StatusForbidden,
	domain.KindNotFound:         http.StatusNotFound,
	domain.KindConflict:         http.StatusConflict,
	domain.KindUnavailable:      http.StatusServiceUnavailable,
}

// The codes of refusals that concern HTTP itself, not the domain.
const (
	// codeUnsupportedMediaType: a body that is not application/json, or
	// is sent with a Content-Encoding other than identity (415).
	codeUnsupportedMediaType = "unsupported_media_type"
	// codeMethodNotAllowed: a method the path does not take (405, with
	// an Allow header).
	codeMethodNotAllowed = "method_not_allowed"
)

// transportStatus is the status of each code of httpError.
var transportStatus = map[string]int{
	codeUnsupportedMediaType: http.StatusUnsupportedMediaType,
	codeMethodNotAllowed:     http.StatusMethodNotAllowed,
}

// httpError is a refusal about HTTP itself, with one of the codes above.
type httpError struct {
	code, msg string
}

func (e *httpError) Error() string { return e.msg }

// classify maps err to a status, a code and a message safe to show.
// Errors without a kind are internal: their text stays in the log.
func classify(err error) (int, string, string) {
	var h *httpError
	if errors.As(err, &h) {
		return transportStatus[h.code], h.code, h.msg
	}
	if k := domain.KindOf(err); k != "" {
		return statusOf[k], string(k), err.Error()
	}
	if isUnavailable(err) {
		return http.StatusServiceUnavailable, string(domain.KindUnavailable), "the database is unavailable; retry"
	}
	return http.StatusInternalServerError, "internal", "internal error"
}

// isUnavailable recognizes a database that cannot be reached.
func isUnavailable(err error) bool {
	var connectErr *pgconn.ConnectError
	var netErr net.Error
	var pgErr *pgconn.PgError
	switch {
	case errors.As(err, &connectErr), errors.As(err, &netErr), errors.Is(err, context.DeadlineExceeded):
		return true
	case errors.As(err, &pgErr):
		// class 08: connection exception; 57P: operator intervention (shutdown); 53: insufficient resources
		c := pgErr.Code
		return len(c) >= 2 && (c[:2] == "08" || c[:2] == "53" || (len(c) >= 3 && c[:3] == "57P"))
	}
	return false
}

// writeError sends the error response and records err for the access log.
func writeError(w http.ResponseWriter, r *http.Request, err error) {
	status, code, msg := classify(err)
	if rec := recorderFrom(r.Context()); rec != nil {
		rec.err = err
		rec.code = code
	}
	writeJSON(w, status, errorBody{Error: errorDetail{Code: code, Message: msg}})
}

// fail sends an error of kind k with message msg.
func fail(w http.ResponseWriter, r *http.Request, k domain.Kind, msg string) {
	writeError(w, r, &domain.Error{Kind: k, Msg: msg})
}
