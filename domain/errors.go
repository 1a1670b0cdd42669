package domain

import (
	"errors"
	"fmt"
)

// Kind classifies an error for callers such as the HTTP API.
type Kind string

// The kinds of error, named as the API's error codes.
const (
	KindInvalid          Kind = "invalid_argument"
	KindUnauthenticated  Kind = "unauthenticated"
	KindPermissionDenied Kind = "permission_denied"
	KindLicenseRequired  Kind = "license_required"
	KindNotFound         Kind = "not_found"
	KindConflict         Kind = "conflict"
	KindUnavailable      Kind = "unavailable"
)

// Error is a domain error with a kind and a message fit for the caller.
type Error struct {
	Kind Kind
	Msg  string
}

func (e *Error) Error() string { return e.Msg }

// Is makes errors.Is(err, ErrNotFound) true for every not-found Error.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Msg == "" && t.Kind == e.Kind
}

// Sentinels to test kinds with errors.Is.
var (
	ErrInvalid          = &Error{Kind: KindInvalid}
	ErrUnauthenticated  = &Error{Kind: KindUnauthenticated}
	ErrPermissionDenied = &Error{Kind: KindPermissionDenied}
	ErrLicenseRequired  = &Error{Kind: KindLicenseRequired}
	ErrNotFound         = &Error{Kind: KindNotFound}
	ErrConflict         = &Error{Kind: KindConflict}
	ErrUnavailable      = &Error{Kind: KindUnavailable}

	// ErrUnknownEvent means an event type no aggregate knows.
	ErrUnknownEvent = errors.New("domain: unknown event type")
)

// Errorf returns an Error of kind k.
func Errorf(k Kind, format string, args ...any) error {
	return &Error{Kind: k, Msg: fmt.Sprintf(format, args...)}
}

// KindOf returns the kind of the first Error in err's chain, or "" if none.
func KindOf(err error) Kind {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return ""
}
