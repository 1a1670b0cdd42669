package eventstore_test

import (
	"context"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestUUIDsRoundTripAsUUIDs(t *testing.T) {
	t.Parallel()
	_, db := newStore(t)
	ctx := context.Background()
	id := uuid.Must(uuid.NewV7())
	var back uuid.UUID
	var text string
	require.NoError(t, db.Pool.QueryRow(ctx, `SELECT $1::uuid, $1::uuid::text`, id).Scan(&back, &text))
	assert.Equal(t, id, back)
	assert.Equal(t, id.String(), text)
	var arr []uuid.UUID
	require.NoError(t, db.Pool.QueryRow(ctx, `SELECT $1::uuid[]`, []uuid.UUID{id, uuid.Nil}).Scan(&arr))
	assert.Equal(t, []uuid.UUID{id, uuid.Nil}, arr)
	var isNull bool
	require.NoError(t, db.Pool.QueryRow(ctx, `SELECT $1::uuid IS NULL`, (*uuid.UUID)(nil)).Scan(&isNull))
	assert.True(t, isNull, "a nil *uuid.UUID is NULL")
	require.NoError(t, db.Pool.QueryRow(ctx, `SELECT $1::text`, id).Scan(&text))
	assert.Equal(t, id.String(), text, "into a text parameter it is still its string")
}
