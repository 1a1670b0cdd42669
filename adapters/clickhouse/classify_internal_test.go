package clickhouse

import (
	"errors"
	"fmt"
	"net"
	"testing"

	"github.com/ClickHouse/clickhouse-go/v2"
	"github.com/stretchr/testify/assert"

	"github.com/mastra-admin/mastra-admin/commands"
)

func TestClassifyTellsPassingTroubleFromBadRequests(t *testing.T) {
	t.Parallel()
	wrap := func(err error) error { return fmt.Errorf("clickhouse: insert: %w", err) }
	for name, tc := range map[string]struct {
		err      error
		retrying bool
	}{
		"too many parts":           {wrap(&clickhouse.Exception{Code: 252, Message: "Too many parts (300)"}), true},
		"memory limit":             {wrap(&clickhouse.Exception{Code: 241}), true},
		"too many queries":         {wrap(&clickhouse.Exception{Code: 202}), true},
		"shutting down":            {wrap(&clickhouse.Exception{Code: 394}), true},
		"unknown table":            {wrap(&clickhouse.Exception{Code: 60}), false},
		"syntax error":             {wrap(&clickhouse.Exception{Code: 62}), false},
		"HTTP too many parts 18":   {wrap(&HTTPError{Status: 500, Body: "Code: 252, e.displayText() = DB::Exception: Too many parts"}), true},
		"HTTP memory limit 24":     {wrap(&HTTPError{Status: 500, Body: "Code: 241. DB::Exception: Memory limit exceeded"}), true},
		"HTTP unknown table":       {wrap(&HTTPError{Status: 404, Body: "Code: 60. DB::Exception: Table t.x does not exist"}), false},
		"HTTP syntax error as 500": {wrap(&HTTPError{Status: 500, Body: "Code: 62, e.displayText() = DB::Exception: Syntax error"}), false},
		"HTTP proxy 502":           {wrap(&HTTPError{Status: 502, Body: "Bad Gateway"}), true},
		"HTTP 400 without a code":  {wrap(&HTTPError{Status: 400, Body: "bad request"}), false},
		"connection refused":       {wrap(&net.OpError{Op: "dial", Err: errors.New("connection refused")}), true},
		"anything else":            {errors.New("clickhouse: column count"), false},
	} {
		got := classify(tc.err)
		assert.Equal(t, tc.retrying, errors.Is(got, commands.ErrStoreUnavailable), name)
		assert.ErrorIs(t, got, tc.err, "%s: the cause stays in the chain", name)
	}
	assert.NoError(t, classify(nil))
}
