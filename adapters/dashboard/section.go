package dashboard

import (
	"context"
	"errors"

	"github.com/mastra-admin/mastra-admin/domain"
)

// Section is one part of a page that loads data: what it loaded, or the
// message it shows in its place when loading failed. A failed section
// does not fail its page.
type Section[T any] struct {
	Data T
	Err  string
}

// OK reports whether the section loaded.
func (s Section[T]) OK() bool { return s.Err == "" }

// load runs f for a section; an error becomes the section's message.
func load[T any](ctx context.Context, f func(context.Context) (T, error)) Section[T] {
	v, err := f(ctx)
	if err != nil {
		return Section[T]{Err: message(err)}
	}
	return Section[T]{Data: v}
}

// message is what a user is shown for err: the domain's own message for
// an error the user can act on, a generic one for anything else (the
// detail goes to the log, never to the page).
func message(err error) string {
	var de *domain.Error
	if errors.As(err, &de) && de.Msg != "" {
		return de.Msg
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return "this took too long to load; reload the page to try again"
	}
	return "this could not be loaded (internal error); reload the page to try again"
}
