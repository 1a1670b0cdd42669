package clickhouse

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"regexp"
	"strconv"

	"github.com/ClickHouse/ch-go/proto"
	"github.com/ClickHouse/clickhouse-go/v2"

	"github.com/mastra-admin/mastra-admin/commands"
)

// HTTPError is a refused HTTP insert: the status and what the server
// said (ClickHouse starts it with "Code: N").
type HTTPError struct {
	Status int
	Body   string
}

func (e *HTTPError) Error() string {
	return fmt.Sprintf("%d %s: %s", e.Status, http.StatusText(e.Status), e.Body)
}

var codeRE = regexp.MustCompile(`^Code: (\d+)`)

// code is the ClickHouse error code the body starts with, or -1.
func (e *HTTPError) code() int32 {
	m := codeRE.FindStringSubmatch(e.Body)
	if m == nil {
		return -1
	}
	n, err := strconv.ParseInt(m[1], 10, 32)
	if err != nil {
		return -1
	}
	return int32(n)
}

// passing reports whether a server error code is a state that passes on
// its own (the server is busy, short of memory, has too many parts to
// merge, lost its coordination service, or is shutting down), not
// something wrong with what was sent.
func passing(code int32) bool {
	switch proto.Error(code) {
	case proto.ErrTimeoutExceeded, proto.ErrTooManySimultaneousQueries, proto.ErrSocketTimeout, proto.ErrNetworkError,
		proto.ErrMemoryLimitExceeded, proto.ErrTableIsReadOnly, proto.ErrTooManyParts, proto.ErrUnknownStatusOfInsert,
		proto.ErrQueryWasCancelled, proto.ErrKeeperException:
		return true
	}
	return false
}

// classify marks with commands.ErrStoreUnavailable the errors a retry may
// cure: an unreachable server, and a server's answer that says it cannot
// take the request now (passing, or an HTTP 5xx without a code, as from a
// proxy in front of it). Other answers of the server stay as they are.
func classify(err error) error {
	if err == nil {
		return nil
	}
	var ne net.Error
	var oe *net.OpError
	var ex *clickhouse.Exception
	var he *HTTPError
	switch {
	case errors.As(err, &ex):
		if passing(ex.Code) {
			return fmt.Errorf("%w: %w", commands.ErrStoreUnavailable, err)
		}
		return err // the server answered
	case errors.As(err, &he):
		if c := he.code(); passing(c) || c < 0 && he.Status >= 500 {
			return fmt.Errorf("%w: %w", commands.ErrStoreUnavailable, err)
		}
		return err
	case errors.As(err, &oe), errors.As(err, &ne), errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF),
		errors.Is(err, clickhouse.ErrAcquireConnTimeout), errors.Is(err, context.DeadlineExceeded):
		return fmt.Errorf("%w: %w", commands.ErrStoreUnavailable, err)
	}
	return err
}
