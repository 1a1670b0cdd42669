package eventstore

import (
	"context"
	"errors"
	"fmt"
	"net"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/stretchr/testify/assert"
)

func TestPoisonousTellsTheEventFromTheDatabase(t *testing.T) {
	t.Parallel()
	for code, want := range map[string]bool{
		"23505": true,  // unique violation
		"23514": true,  // check violation
		"22P02": true,  // invalid text representation
		"42703": true,  // undefined column
		"P0001": true,  // raised by a function
		"40001": false, // serialization failure
		"40P01": false, // deadlock
		"08006": false, // connection failure
		"57P01": false, // admin shutdown
		"57014": false, // query canceled
		"53300": false, // too many connections
		"55P03": false, // lock not available
	} {
		err := fmt.Errorf("flush: %w", &pgconn.PgError{Code: code})
		assert.Equal(t, want, poisonous(err), code)
	}
	assert.False(t, poisonous(errors.New("write: broken pipe")), "no answer from the server")
	assert.False(t, poisonous(context.DeadlineExceeded))
}

func TestTransientTellsTheDatabaseFromTheHandler(t *testing.T) {
	t.Parallel()
	assert.True(t, transient(fmt.Errorf("apply: %w", &pgconn.PgError{Code: "40P01"})), "deadlock")
	assert.True(t, transient(fmt.Errorf("apply: %w", &pgconn.PgError{Code: "57P01"})), "shutdown")
	assert.False(t, transient(fmt.Errorf("apply: %w", &pgconn.PgError{Code: "23505"})), "unique violation")
	assert.False(t, transient(errors.New("cannot apply this event")), "the handler's own error")
	assert.True(t, transient(&net.OpError{Op: "read", Err: errors.New("connection reset")}), "lost connection")
	assert.True(t, transient(fmt.Errorf("pm on e at 7: %w: %w", ErrRetryLater, errors.New("clickhouse down"))), "the handler says retry later")
}
